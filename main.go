// Command terraform-provider-cwpp serves the cwpp provider to Terraform and OpenTofu.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/provider"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// What providerserver.Serve does, with the provider's own protocol server:
	// the framework's, with the list data sources' state encoded below it.
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/cwpp-terraform/cwpp", provider.NewProtocol6Server(version), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
