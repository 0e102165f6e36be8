// Command extract keeps, of a compiled OCSF schema (the OCSF compiler's
// output, as the OCSF server exports it), what ocsfcheck needs to validate
// one class: the class, every object it reaches, the data types, each
// attribute's type, requirement, enum, sibling and profiles, without the
// descriptions. A new OCSF release is one command:
//
//	go run ./internal/ocsf/ocsfcheck/extract -from DIR -class detection_finding
//
// DIR holds ocsf-schema-<version>.compiled.json, LICENSE and NOTICE; the two
// are copied beside the extract, as the Apache 2.0 license asks.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/ocsf/ocsfcheck"
)

// compiled is the part of the compiled schema read here.
type compiled struct {
	Version    string `json:"version"`
	Categories struct {
		Attributes map[string]ocsfcheck.Category `json:"attributes"`
	} `json:"categories"`
	Classes    map[string]rawObject `json:"classes"`
	Objects    map[string]rawObject `json:"objects"`
	Dictionary struct {
		Types struct {
			Attributes map[string]ocsfcheck.DataType `json:"attributes"`
		} `json:"types"`
	} `json:"dictionary"`
}

type rawObject struct {
	Name        string                  `json:"name"`
	UID         int64                   `json:"uid"`
	Caption     string                  `json:"caption"`
	Category    string                  `json:"category"`
	Attributes  map[string]rawAttribute `json:"attributes"`
	Constraints map[string][]string     `json:"constraints"`
}

type rawAttribute struct {
	Type        string                              `json:"type"`
	ObjectType  string                              `json:"object_type"`
	Requirement string                              `json:"requirement"`
	IsArray     bool                                `json:"is_array"`
	Enum        map[string]struct{ Caption string } `json:"enum"`
	Sibling     string                              `json:"sibling"`
	Profiles    []string                            `json:"profiles"`
}

func main() {
	from := flag.String("from", "", "directory of the compiled OCSF schema, its LICENSE and NOTICE")
	class := flag.String("class", "detection_finding", "the class to keep")
	to := flag.String("to", "internal/ocsf/ocsfcheck/schema", "directory to write")
	flag.Parse()
	if *from == "" {
		log.Fatal("-from is required")
	}
	matches, err := filepath.Glob(filepath.Join(*from, "ocsf-schema-*.compiled.json"))
	if err != nil || len(matches) != 1 {
		log.Fatalf("want one ocsf-schema-*.compiled.json in %s, found %v", *from, matches)
	}
	raw, err := os.ReadFile(matches[0])
	if err != nil {
		log.Fatal(err)
	}
	var c compiled
	if err := json.Unmarshal(raw, &c); err != nil {
		log.Fatalf("%s: %v", matches[0], err)
	}
	cls, ok := c.Classes[*class]
	if !ok {
		log.Fatalf("no class %q in %s", *class, matches[0])
	}
	out := ocsfcheck.Extract{
		Version: c.Version, Class: convert(cls), Category: c.Categories.Attributes[cls.Category],
		Objects: map[string]ocsfcheck.Object{}, Types: c.Dictionary.Types.Attributes,
		ExtractedBy: "go run ./internal/ocsf/ocsfcheck/extract -from DIR -class " + *class,
	}
	// Every object the class reaches, through objects' attributes.
	queue := objectTypes(cls)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if _, done := out.Objects[name]; done {
			continue
		}
		o, ok := c.Objects[name]
		if !ok {
			log.Fatalf("object %q is referenced but not defined", name)
		}
		out.Objects[name] = convert(o)
		queue = append(queue, objectTypes(o)...)
	}
	if err := os.MkdirAll(*to, 0o755); err != nil {
		log.Fatal(err)
	}
	encoded, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		log.Fatal(err)
	}
	// One extract a class: the checker embeds the one there is.
	stale, _ := filepath.Glob(filepath.Join(*to, *class+"-*.json"))
	for _, f := range stale {
		if err := os.Remove(f); err != nil {
			log.Fatal(err)
		}
	}
	name := fmt.Sprintf("%s-%s.json", *class, c.Version)
	if err := os.WriteFile(filepath.Join(*to, name), append(encoded, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	for _, f := range []string{"LICENSE", "NOTICE"} {
		b, err := os.ReadFile(filepath.Join(*from, f))
		if err != nil {
			log.Fatalf("%s must be kept with the extract: %v", f, err)
		}
		if err := os.WriteFile(filepath.Join(*to, f), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("%s: class %s (%d), %d objects, OCSF %s\n", filepath.Join(*to, name), cls.Name, cls.UID, len(out.Objects), c.Version)
}

func convert(o rawObject) ocsfcheck.Object {
	out := ocsfcheck.Object{Name: o.Name, UID: o.UID, Caption: o.Caption, Attributes: map[string]ocsfcheck.Attribute{}, Constraints: o.Constraints}
	if len(out.Constraints) == 0 {
		out.Constraints = nil
	}
	for name, a := range o.Attributes {
		attr := ocsfcheck.Attribute{Type: a.Type, ObjectType: a.ObjectType, Requirement: a.Requirement, IsArray: a.IsArray,
			Sibling: a.Sibling, Profiles: a.Profiles}
		if len(a.Enum) > 0 {
			attr.Enum = map[string]string{}
			for v, e := range a.Enum {
				attr.Enum[v] = e.Caption
			}
		}
		out.Attributes[name] = attr
	}
	return out
}

func objectTypes(o rawObject) []string {
	var names []string
	for _, a := range o.Attributes {
		if a.ObjectType != "" {
			names = append(names, a.ObjectType)
		}
	}
	sort.Strings(names)
	return names
}
