package statemsgpack_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/statemsgpack"
)

var objType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"name": tftypes.String, "count": tftypes.Number, "ok": tftypes.Bool,
	"tags":  tftypes.List{ElementType: tftypes.String},
	"child": tftypes.Object{AttributeTypes: map[string]tftypes.Type{"name": tftypes.String}},
}}

type child struct {
	Name types.String `tfsdk:"name"`
}

type model struct {
	Name  types.String   `tfsdk:"name"`
	Count types.Int64    `tfsdk:"count"`
	OK    types.Bool     `tfsdk:"ok"`
	Tags  []types.String `tfsdk:"tags"`
	Child *child         `tfsdk:"child"`
}

// Encode writes the bytes tftypes writes for the same value.
func TestEncodeMatchesTFTypes(t *testing.T) {
	codec, err := statemsgpack.Compile[model](objType)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		m    model
		want map[string]tftypes.Value
	}{
		{model{Name: types.StringValue("a"), Count: types.Int64Value(-70000), OK: types.BoolValue(true),
			Tags: []types.String{types.StringValue("x"), types.StringNull()}, Child: &child{Name: types.StringValue("c")}},
			map[string]tftypes.Value{
				"name": tftypes.NewValue(tftypes.String, "a"), "count": tftypes.NewValue(tftypes.Number, -70000),
				"ok": tftypes.NewValue(tftypes.Bool, true),
				"tags": tftypes.NewValue(objType.AttributeTypes["tags"], []tftypes.Value{
					tftypes.NewValue(tftypes.String, "x"), tftypes.NewValue(tftypes.String, nil)}),
				"child": tftypes.NewValue(objType.AttributeTypes["child"], map[string]tftypes.Value{"name": tftypes.NewValue(tftypes.String, "c")}),
			}},
		{model{Name: types.StringNull(), Count: types.Int64Null(), OK: types.BoolNull()}, map[string]tftypes.Value{
			"name": tftypes.NewValue(tftypes.String, nil), "count": tftypes.NewValue(tftypes.Number, nil),
			"ok": tftypes.NewValue(tftypes.Bool, nil), "tags": tftypes.NewValue(objType.AttributeTypes["tags"], nil),
			"child": tftypes.NewValue(objType.AttributeTypes["child"], nil),
		}},
	} {
		var buf bytes.Buffer
		if err := codec.Encode(statemsgpack.NewWriter(&buf), &c.m); err != nil {
			t.Fatal(err)
		}
		want, err := tfprotov6.NewDynamicValue(objType, tftypes.NewValue(objType, c.want))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want.MsgPack) {
			t.Errorf("encoded %x, tftypes %x", buf.Bytes(), want.MsgPack)
		}
	}
}

// Compile refuses a model that does not fit the schema, so struct and schema cannot drift.
func TestCompileRefusesDrift(t *testing.T) {
	type wrongTag struct {
		Name  types.String   `tfsdk:"nane"`
		Count types.Int64    `tfsdk:"count"`
		OK    types.Bool     `tfsdk:"ok"`
		Tags  []types.String `tfsdk:"tags"`
		Child *child         `tfsdk:"child"`
	}
	type missing struct {
		Name  types.String   `tfsdk:"name"`
		Count types.Int64    `tfsdk:"count"`
		Tags  []types.String `tfsdk:"tags"`
		Child *child         `tfsdk:"child"`
	}
	type wrongKind struct {
		Name  types.Int64    `tfsdk:"name"`
		Count types.Int64    `tfsdk:"count"`
		OK    types.Bool     `tfsdk:"ok"`
		Tags  []types.String `tfsdk:"tags"`
		Child *child         `tfsdk:"child"`
	}
	for name, c := range map[string]struct {
		compile func() error
		names   string // what the error must name
	}{
		"wrong tag":  {func() error { _, err := statemsgpack.Compile[wrongTag](objType); return err }, `"nane"`},
		"missing":    {func() error { _, err := statemsgpack.Compile[missing](objType); return err }, `"ok"`},
		"wrong kind": {func() error { _, err := statemsgpack.Compile[wrongKind](objType); return err }, "name: basetypes.Int64Value"},
	} {
		err := c.compile()
		if err == nil {
			t.Errorf("%s: compiled", name)
			continue
		}
		if !strings.Contains(err.Error(), c.names) {
			t.Errorf("%s: the error %q does not name %s", name, err, c.names)
		}
	}
}

// A read result never holds unknown values.
func TestEncodeRefusesUnknown(t *testing.T) {
	codec, err := statemsgpack.Compile[model](objType)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	m := model{Name: types.StringUnknown()}
	if err := codec.Encode(statemsgpack.NewWriter(&buf), &m); err == nil {
		t.Fatal("an unknown value was encoded")
	}
}
