// Package statemsgpack turns the tfsdk-tagged models of a schema into the
// msgpack encoding of their state value: the bytes Terraform reads from a
// ReadDataSource response. It writes them straight from the models, without
// the tftypes.Value tree and the copies that the framework's generic path
// makes of it, which cost seconds and gigabytes for tens of thousands of
// objects (DESIGN.md, "Lists at scale").
//
// A Codec is compiled once per model type against the schema's own type and
// checks them against each other: every attribute of the schema has exactly
// one tagged field of a matching kind, and every tagged field an attribute.
// The bytes are those tftypes' own encoder writes for the same value: object
// attributes in sorted order, integers in their shortest form.
package statemsgpack

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// Writer appends encodings to a buffer.
type Writer struct {
	buf *bytes.Buffer
	enc *msgpack.Encoder
}

// NewWriter writes into buf.
func NewWriter(buf *bytes.Buffer) *Writer {
	return &Writer{buf: buf, enc: msgpack.NewEncoder(buf)}
}

// ArrayHeader starts a list of n elements.
func (w *Writer) ArrayHeader(n int) error { return w.enc.EncodeArrayLen(n) }

// Nil writes a null.
func (w *Writer) Nil() error { return w.enc.EncodeNil() }

// Codec encodes values of the model type T as one schema type.
type Codec[T any] struct {
	typ    tftypes.Type
	encode encodeFunc
}

// encodeFunc writes the value v, an addressable value of the compiled Go type.
type encodeFunc func(w *Writer, v reflect.Value) error

// Compile checks T against typ and returns its codec. T is a struct of
// tfsdk-tagged fields (an object), or anything a field may be.
func Compile[T any](typ tftypes.Type) (*Codec[T], error) {
	encode, err := compile(reflect.TypeFor[T](), typ, "")
	if err != nil {
		return nil, err
	}
	return &Codec[T]{typ: typ, encode: encode}, nil
}

// Type is the schema type the codec writes.
func (c *Codec[T]) Type() tftypes.Type { return c.typ }

// Encode appends the encoding of *v.
func (c *Codec[T]) Encode(w *Writer, v *T) error {
	return c.encode(w, reflect.ValueOf(v).Elem())
}

var (
	stringType  = reflect.TypeFor[types.String]()
	int64Type   = reflect.TypeFor[types.Int64]()
	boolType    = reflect.TypeFor[types.Bool]()
	rfc3339Type = reflect.TypeFor[timetypes.RFC3339]()
	attrValue   = reflect.TypeFor[attr.Value]()
)

// compile builds the encoder of Go type t as schema type typ; at names the
// place in the schema for errors.
func compile(t reflect.Type, typ tftypes.Type, at string) (encodeFunc, error) {
	mismatch := func() error { return fmt.Errorf("%s: %s cannot be encoded as %s", placeName(at), t, typ) }
	switch t {
	case stringType:
		if !typ.Is(tftypes.String) {
			return nil, mismatch()
		}
		return encodeString, nil
	case rfc3339Type:
		if !typ.Is(tftypes.String) {
			return nil, mismatch()
		}
		return encodeRFC3339, nil
	case int64Type:
		if !typ.Is(tftypes.Number) {
			return nil, mismatch()
		}
		return encodeInt64, nil
	case boolType:
		if !typ.Is(tftypes.Bool) {
			return nil, mismatch()
		}
		return encodeBool, nil
	}
	if t.Implements(attrValue) {
		return encodeAttrValue(typ, at), nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem, err := compile(t.Elem(), typ, at)
		if err != nil {
			return nil, err
		}
		return func(w *Writer, v reflect.Value) error {
			if v.IsNil() {
				return w.Nil()
			}
			return elem(w, v.Elem())
		}, nil
	case reflect.Slice:
		list, ok := typ.(tftypes.List)
		if !ok {
			return nil, mismatch()
		}
		elem, err := compile(t.Elem(), list.ElementType, at+"[*]")
		if err != nil {
			return nil, err
		}
		return func(w *Writer, v reflect.Value) error {
			if v.IsNil() {
				return w.Nil()
			}
			n := v.Len()
			if err := w.ArrayHeader(n); err != nil {
				return err
			}
			for i := range n {
				if err := elem(w, v.Index(i)); err != nil {
					return err
				}
			}
			return nil
		}, nil
	case reflect.Struct:
		obj, ok := typ.(tftypes.Object)
		if !ok {
			return nil, mismatch()
		}
		return compileObject(t, obj, at)
	}
	return nil, mismatch()
}

// objectField is one attribute of an object, in the order written.
type objectField struct {
	key    []byte // the attribute name, already encoded
	index  int
	encode encodeFunc
}

func compileObject(t reflect.Type, obj tftypes.Object, at string) (encodeFunc, error) {
	byName := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("tfsdk"), ",")
		if name == "" || name == "-" {
			continue
		}
		if _, dup := byName[name]; dup {
			return nil, fmt.Errorf("%s: %s tags two fields %q", placeName(at), t, name)
		}
		if _, ok := obj.AttributeTypes[name]; !ok {
			return nil, fmt.Errorf("%s: %s.%s is tagged %q, which the schema does not have", placeName(at), t, t.Field(i).Name, name)
		}
		byName[name] = i
	}
	names := make([]string, 0, len(obj.AttributeTypes))
	for name := range obj.AttributeTypes {
		names = append(names, name)
	}
	sort.Strings(names) // the order tftypes writes
	fields := make([]objectField, len(names))
	for i, name := range names {
		index, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("%s: %s has no field tagged %q, an attribute of the schema", placeName(at), t, name)
		}
		encode, err := compile(t.Field(index).Type, obj.AttributeTypes[name], joinPlace(at, name))
		if err != nil {
			return nil, err
		}
		key, err := msgpack.Marshal(name)
		if err != nil {
			return nil, err
		}
		fields[i] = objectField{key: key, index: index, encode: encode}
	}
	return func(w *Writer, v reflect.Value) error {
		if err := w.enc.EncodeMapLen(len(fields)); err != nil {
			return err
		}
		for _, f := range fields {
			w.buf.Write(f.key)
			if err := f.encode(w, v.Field(f.index)); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// Leaves are read through a pointer: boxing a value in an interface would
// allocate once per attribute.
func encodeString(w *Writer, v reflect.Value) error {
	s := v.Addr().Interface().(*types.String) //nolint:forcetypeassert // compiled for this type
	if err := known(s); err != nil || s.IsNull() {
		return orNil(w, err)
	}
	return w.enc.EncodeString(s.ValueString())
}

func encodeRFC3339(w *Writer, v reflect.Value) error {
	s := v.Addr().Interface().(*timetypes.RFC3339) //nolint:forcetypeassert // compiled for this type
	if err := known(s); err != nil || s.IsNull() {
		return orNil(w, err)
	}
	return w.enc.EncodeString(s.ValueString())
}

func encodeInt64(w *Writer, v reflect.Value) error {
	n := v.Addr().Interface().(*types.Int64) //nolint:forcetypeassert // compiled for this type
	if err := known(n); err != nil || n.IsNull() {
		return orNil(w, err)
	}
	return w.enc.EncodeInt(n.ValueInt64())
}

func encodeBool(w *Writer, v reflect.Value) error {
	b := v.Addr().Interface().(*types.Bool) //nolint:forcetypeassert // compiled for this type
	if err := known(b); err != nil || b.IsNull() {
		return orNil(w, err)
	}
	return w.enc.EncodeBool(b.ValueBool())
}

// encodeAttrValue covers every other framework value (maps, sets, custom
// types) through its own terraform value: rare and small, so the generic
// encoder is fine there.
func encodeAttrValue(typ tftypes.Type, at string) encodeFunc {
	return func(w *Writer, v reflect.Value) error {
		av, _ := v.Interface().(attr.Value)
		tv, err := av.ToTerraformValue(context.Background())
		if err != nil {
			return fmt.Errorf("%s: %w", placeName(at), err)
		}
		if !tv.IsFullyKnown() {
			return fmt.Errorf("%s: a read result cannot hold unknown values", placeName(at))
		}
		raw, err := tv.MarshalMsgPack(typ) //nolint:staticcheck // the one encoder of a single tftypes value
		if err != nil {
			return fmt.Errorf("%s: %w", placeName(at), err)
		}
		w.buf.Write(raw)
		return nil
	}
}

func known(v attr.Value) error {
	if v.IsUnknown() {
		return fmt.Errorf("a read result cannot hold unknown values")
	}
	return nil
}

func orNil(w *Writer, err error) error {
	if err != nil {
		return err
	}
	return w.Nil()
}

func joinPlace(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

func placeName(at string) string {
	if at == "" {
		return "the value"
	}
	return at
}
