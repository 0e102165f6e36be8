// Package ocsfcheck validates OCSF Detection Findings against the official
// OCSF schema, as the tests need: the class's attributes, types, enums,
// required attributes, objects, constraints and profiles as a JSON Schema
// (built from OCSF's compiled schema for the profiles a finding lists), and
// what a JSON Schema cannot say: type_uid from class_uid and activity_id,
// each id against its caption, times in milliseconds equal to their _dt.
//
// schema/ holds the part of the compiled schema it needs, extracted by
// ./extract with OCSF's LICENSE and NOTICE. Only tests import this package.
package ocsfcheck

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemas holds the extract, one file: detection_finding-<version>.json.
//
//go:embed schema/detection_finding-*.json
var schemas embed.FS

// Attribute is an attribute of a class or an Object, as the compiled schema
// has it: Enum maps each value to its caption.
type Attribute struct {
	Type        string            `json:"type"`
	ObjectType  string            `json:"object_type,omitempty"`
	Requirement string            `json:"requirement,omitempty"`
	IsArray     bool              `json:"is_array,omitempty"`
	Enum        map[string]string `json:"enum,omitempty"`
	Sibling     string            `json:"sibling,omitempty"`
	Profiles    []string          `json:"profiles,omitempty"`
}

// Object is a class or an object.
type Object struct {
	Name        string               `json:"name"`
	UID         int64                `json:"uid,omitempty"`
	Caption     string               `json:"caption,omitempty"`
	Attributes  map[string]Attribute `json:"attributes"`
	Constraints map[string][]string  `json:"constraints,omitempty"`
}

// DataType is a type of the dictionary: the type it narrows and how.
type DataType struct {
	Type   string  `json:"type,omitempty"`
	Regex  string  `json:"regex,omitempty"`
	MaxLen int     `json:"max_len,omitempty"`
	Range  []int64 `json:"range,omitempty"`
}

// Extract is what the checker needs of a compiled schema for one class:
// the class, every Object it reaches, the data types.
type Extract struct {
	Version  string              `json:"version"`
	Class    Object              `json:"class"`
	Category Category            `json:"category"`
	Objects  map[string]Object   `json:"objects"`
	Types    map[string]DataType `json:"types"`
	// ExtractedBy is the command that made it.
	ExtractedBy string `json:"extracted_by"`
}

// Category is the class's category.
type Category struct {
	UID     int64  `json:"uid"`
	Caption string `json:"caption"`
}

// Checker validates findings of one class. Safe for concurrent use.
type Checker struct {
	ocsf Extract

	mu      sync.Mutex
	schemas map[string]*jsonschema.Schema // by the profiles, sorted and joined
}

// DetectionFinding is the checker of OCSF 1.8.0's Detection Finding (2004).
var DetectionFinding = sync.OnceValue(func() *Checker {
	files, err := fs.Glob(schemas, "schema/detection_finding-*.json")
	if err != nil || len(files) != 1 {
		panic(fmt.Sprintf("ocsfcheck: want one extract of detection_finding, found %v", files))
	}
	raw, err := schemas.ReadFile(files[0])
	if err != nil {
		panic(err)
	}
	c := &Checker{schemas: map[string]*jsonschema.Schema{}}
	if err := json.Unmarshal(raw, &c.ocsf); err != nil {
		panic("ocsfcheck: the embedded extract does not read: " + err.Error())
	}
	return c
})

// Version is the OCSF release the checker's extract is of.
func (c *Checker) Version() string { return c.ocsf.Version }

// Check validates one finding, JSON: nil, or an error naming every rule
// it breaks.
func (c *Checker) Check(finding []byte) error {
	dec := json.NewDecoder(bytes.NewReader(finding))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if dec.More() {
		return errors.New("not one JSON value")
	}
	root, ok := v.(map[string]any)
	if !ok {
		return errors.New("a finding is a JSON object")
	}
	schema, err := c.schemaFor(profilesOf(root))
	if err != nil {
		return err
	}
	var problems []string
	if err := schema.Validate(root); err != nil {
		problems = append(problems, err.Error())
	}
	problems = append(problems, c.semantics(root)...)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// profilesOf reads metadata.profiles; a wrong shape is the schema's to say.
func profilesOf(root map[string]any) []string {
	metadata, _ := root["metadata"].(map[string]any)
	list, _ := metadata["profiles"].([]any)
	var profiles []string
	for _, p := range list {
		if s, ok := p.(string); ok {
			profiles = append(profiles, s)
		}
	}
	sort.Strings(profiles)
	return profiles
}

// schemaFor compiles, once per set of profiles, the class's JSON Schema.
func (c *Checker) schemaFor(profiles []string) (*jsonschema.Schema, error) {
	key := strings.Join(profiles, ",")
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[key]; ok {
		return s, nil
	}
	encoded, err := json.Marshal(c.JSONSchema(profiles))
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(encoded))
	if err != nil {
		return nil, err
	}
	compiler := jsonschema.NewCompiler()
	if err := compiler.AddResource("ocsf.json", doc); err != nil {
		return nil, err
	}
	s, err := compiler.Compile("ocsf.json")
	if err != nil {
		return nil, fmt.Errorf("compiling the JSON Schema for profiles %q: %w", profiles, err)
	}
	c.schemas[key] = s
	return s, nil
}

// JSONSchema is the class as a JSON Schema (2020-12) for a finding that
// lists profiles: an attribute a profile brings is allowed only when the
// finding lists one of its profiles; no attribute outside the schema.
func (c *Checker) JSONSchema(profiles []string) map[string]any {
	listed := map[string]bool{}
	for _, p := range profiles {
		listed[p] = true
	}
	defs := map[string]any{}
	for name, o := range c.ocsf.Objects {
		defs[name] = c.objectSchema(o, listed)
	}
	root := c.objectSchema(c.ocsf.Class, listed)
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$defs"] = defs
	return root
}

func (c *Checker) objectSchema(o Object, listed map[string]bool) map[string]any {
	if o.Name == "object" {
		return map[string]any{"type": "object"} // unmapped, xattributes: any Object
	}
	props := map[string]any{}
	var required []string
	for name, a := range o.Attributes {
		if !broughtBy(a.Profiles, listed) {
			continue
		}
		props[name] = c.attributeSchema(a)
		if a.Requirement == "required" {
			required = append(required, name)
		}
	}
	sort.Strings(required)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	var all []any
	for kind, names := range o.Constraints {
		alternatives := make([]any, len(names))
		for i, n := range names {
			alternatives[i] = map[string]any{"required": []string{n}}
		}
		switch kind {
		case "at_least_one":
			all = append(all, map[string]any{"anyOf": alternatives})
		case "just_one":
			all = append(all, map[string]any{"oneOf": alternatives})
		}
	}
	if len(all) > 0 {
		s["allOf"] = all
	}
	return s
}

func broughtBy(profiles []string, listed map[string]bool) bool {
	if len(profiles) == 0 {
		return true
	}
	for _, p := range profiles {
		if listed[p] {
			return true
		}
	}
	return false
}

func (c *Checker) attributeSchema(a Attribute) map[string]any {
	var s map[string]any
	base := c.baseType(a.Type)
	switch {
	case a.Type == "object_t" && a.ObjectType == "object":
		s = map[string]any{"type": "object"}
	case a.Type == "object_t":
		s = map[string]any{"$ref": "#/$defs/" + a.ObjectType}
	default:
		s = c.typeSchema(a.Type)
	}
	if len(a.Enum) > 0 {
		values := make([]any, 0, len(a.Enum))
		for v := range a.Enum {
			if base == "integer_t" || base == "long_t" {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					continue
				}
				values = append(values, n)
			} else {
				values = append(values, v)
			}
		}
		s["enum"] = values
	}
	if a.IsArray {
		return map[string]any{"type": "array", "items": s}
	}
	return s
}

// baseType follows a data type to the primitive it narrows.
func (c *Checker) baseType(name string) string {
	for range 8 {
		t, ok := c.ocsf.Types[name]
		if !ok || t.Type == "" {
			return name
		}
		name = t.Type
	}
	return name
}

func (c *Checker) typeSchema(name string) map[string]any {
	s := map[string]any{}
	switch c.baseType(name) {
	case "string_t":
		s["type"] = "string"
	case "integer_t", "long_t":
		s["type"] = "integer"
	case "float_t":
		s["type"] = "number"
	case "boolean_t":
		s["type"] = "boolean"
	}
	// The narrowing of each type on the way down.
	for range 8 {
		t, ok := c.ocsf.Types[name]
		if !ok {
			break
		}
		if t.Regex != "" {
			if _, has := s["pattern"]; !has {
				s["pattern"] = t.Regex
			}
		}
		if t.MaxLen > 0 {
			s["maxLength"] = t.MaxLen
		}
		if len(t.Range) == 2 {
			s["minimum"], s["maximum"] = t.Range[0], t.Range[1]
		}
		if t.Type == "" {
			break
		}
		name = t.Type
	}
	return s
}

// semantics checks what the JSON Schema cannot say.
func (c *Checker) semantics(root map[string]any) []string {
	var problems []string
	class, _ := intOf(root["class_uid"])
	activity, _ := intOf(root["activity_id"])
	if typeUID, ok := intOf(root["type_uid"]); ok && typeUID != class*100+activity {
		problems = append(problems, fmt.Sprintf("type_uid: %d is not class_uid * 100 + activity_id = %d", typeUID, class*100+activity))
	}
	if class != c.ocsf.Class.UID {
		problems = append(problems, fmt.Sprintf("class_uid: %d is not %s's %d", class, c.ocsf.Class.Caption, c.ocsf.Class.UID))
	}
	c.walk(root, c.ocsf.Class, "", &problems)
	return problems
}

// walk checks, in one Object and those below it, each id against its
// caption and each timestamp against milliseconds and its _dt.
func (c *Checker) walk(v map[string]any, o Object, at string, problems *[]string) {
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		a, ok := o.Attributes[name]
		if !ok {
			continue // the schema's to say
		}
		where := at + name
		if a.Type == "object_t" && a.ObjectType != "object" {
			child := c.ocsf.Objects[a.ObjectType]
			if items, ok := v[name].([]any); ok && a.IsArray {
				for i, item := range items {
					if m, ok := item.(map[string]any); ok {
						c.walk(m, child, fmt.Sprintf("%s[%d].", where, i), problems)
					}
				}
			} else if m, ok := v[name].(map[string]any); ok {
				c.walk(m, child, where+".", problems)
			}
			continue
		}
		if len(a.Enum) > 0 && a.Sibling != "" {
			id, ok := intOf(v[name])
			caption, hasCaption := v[a.Sibling].(string)
			switch {
			case !ok:
			case id == 99 && (!hasCaption || caption == ""):
				*problems = append(*problems, fmt.Sprintf("%s: 99 (Other) needs the source's own value in %s%s", where, at, a.Sibling))
			case id != 99 && hasCaption && caption != a.Enum[strconv.FormatInt(id, 10)]:
				*problems = append(*problems, fmt.Sprintf("%s%s: %q is not the caption of %s %d, %q", at, a.Sibling, caption, name, id,
					a.Enum[strconv.FormatInt(id, 10)]))
			}
		}
		if c.baseType(a.Type) == "long_t" && a.Type == "timestamp_t" {
			ms, ok := intOf(v[name])
			if !ok {
				continue
			}
			if ms < 1e11 {
				*problems = append(*problems, fmt.Sprintf("%s: %d is not in milliseconds since the epoch (seconds?)", where, ms))
			}
			if dt, ok := v[name+"_dt"].(string); ok {
				t, err := time.Parse(time.RFC3339Nano, dt)
				if err != nil {
					*problems = append(*problems, fmt.Sprintf("%s_dt: %q is not RFC 3339: %v", where, dt, err))
				} else if t.UnixMilli() != ms {
					*problems = append(*problems, fmt.Sprintf("%s_dt: %q is %d ms, not %s's %d", where, dt, t.UnixMilli(), name, ms))
				}
			}
		}
	}
}

// intOf reads a whole JSON number.
func intOf(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	if err != nil {
		f, ferr := n.Float64()
		if ferr != nil || f != math.Trunc(f) {
			return 0, false
		}
		return int64(f), true
	}
	return i, true
}
