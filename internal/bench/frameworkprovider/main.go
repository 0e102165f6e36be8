// Command frameworkprovider serves the cwpp provider through
// terraform-plugin-framework's own server only, without the provider's
// protocol server: the baseline that `make bench` measures the list data
// sources' fast path against, in the same run. It is never released.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/provider"
)

func main() {
	err := providerserver.Serve(context.Background(), provider.New("bench-framework"), providerserver.ServeOpts{
		Address: "registry.terraform.io/cwpp-terraform/cwpp",
	})
	if err != nil {
		log.Fatal(err)
	}
}
