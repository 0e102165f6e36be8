package provider

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The framework converts a model to state by reflection on every call: it
// parses each field's tag and compiles a regular expression per field per
// value, then converts the whole tree twice. For thousands of HSS events that
// costs about 2 ms per event. tfValueOf converts the same tfsdk-tagged models,
// once, straight to terraform values, with a plan worked out once per struct
// type and the types of the schema.

// fieldPlan is one field of a model struct.
type fieldPlan struct {
	index int
	name  string // its tfsdk tag
	leaf  bool   // an attr.Value, converted by its own ToTerraformValue
}

var structPlans sync.Map // reflect.Type -> []fieldPlan

func planOf(t reflect.Type) []fieldPlan {
	if plan, ok := structPlans.Load(t); ok {
		return plan.([]fieldPlan) //nolint:forcetypeassert // only this function stores plans
	}
	var plan []fieldPlan
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("tfsdk"), ",")
		if name != "" && name != "-" {
			plan = append(plan, fieldPlan{index: i, name: name, leaf: t.Field(i).Type.Implements(attrValueType)})
		}
	}
	structPlans.Store(t, plan)
	return plan
}

var attrValueType = reflect.TypeFor[attr.Value]()

// tfValueOf converts a model value: an attr.Value, a struct or a pointer to
// one (an object; nil is null), or a slice of those (a list; nil is null).
func tfValueOf(ctx context.Context, v reflect.Value, typ tftypes.Type) (tftypes.Value, error) {
	if v.Type().Implements(attrValueType) {
		return leafValue(ctx, v, typ)
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return tftypes.NewValue(typ, nil), nil
		}
		return tfValueOf(ctx, v.Elem(), typ)
	case reflect.Struct:
		objType, ok := typ.(tftypes.Object)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("cannot convert %s to %s", v.Type(), typ)
		}
		plan := planOf(v.Type())
		if len(plan) != len(objType.AttributeTypes) {
			return tftypes.Value{}, fmt.Errorf("%s has %d attributes, the schema %d", v.Type(), len(plan), len(objType.AttributeTypes))
		}
		attrs := make(map[string]tftypes.Value, len(plan))
		for _, f := range plan {
			fieldType, ok := objType.AttributeTypes[f.name]
			if !ok {
				return tftypes.Value{}, fmt.Errorf("%s.%s has no attribute in the schema", v.Type(), f.name)
			}
			var value tftypes.Value
			var err error
			if f.leaf {
				value, err = leafValue(ctx, v.Field(f.index), fieldType)
			} else {
				value, err = tfValueOf(ctx, v.Field(f.index), fieldType)
			}
			if err != nil {
				return tftypes.Value{}, err
			}
			attrs[f.name] = value
		}
		return tftypes.NewValue(objType, attrs), nil
	case reflect.Slice:
		listType, ok := typ.(tftypes.List)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("cannot convert %s to %s", v.Type(), typ)
		}
		if v.IsNil() {
			return tftypes.NewValue(typ, nil), nil
		}
		elems := make([]tftypes.Value, v.Len())
		for i := range elems {
			e, err := tfValueOf(ctx, v.Index(i), listType.ElementType)
			if err != nil {
				return tftypes.Value{}, err
			}
			elems[i] = e
		}
		return tftypes.NewValue(typ, elems), nil
	}
	return tftypes.Value{}, fmt.Errorf("cannot convert %s to %s", v.Type(), typ)
}

// leafValue converts an attr.Value. Strings and nulls, most of an event, are
// built directly, skipping the intermediate values of ToTerraformValue: a
// quarter of the time and 40% of the allocations of a conversion.
func leafValue(ctx context.Context, v reflect.Value, typ tftypes.Type) (tftypes.Value, error) {
	av, _ := v.Interface().(attr.Value)
	switch {
	case av.IsNull():
		return tftypes.NewValue(typ, nil), nil
	case av.IsUnknown():
		return tftypes.NewValue(typ, tftypes.UnknownValue), nil
	}
	switch s := av.(type) {
	case types.String:
		return tftypes.NewValue(typ, s.ValueString()), nil
	case timetypes.RFC3339:
		return tftypes.NewValue(typ, s.ValueString()), nil
	}
	return av.ToTerraformValue(ctx)
}

// setAttributeValue replaces one top-level attribute of a state already set
// (with that attribute null) by a converted value.
func setAttributeValue(ctx context.Context, state *tfsdk.State, name string, models any) error {
	objType, ok := state.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		return fmt.Errorf("the schema is not an object")
	}
	value, err := tfValueOf(ctx, reflect.ValueOf(models), objType.AttributeTypes[name])
	if err != nil {
		return err
	}
	var attrs map[string]tftypes.Value
	if err := state.Raw.As(&attrs); err != nil {
		return err
	}
	attrs[name] = value
	state.Raw = tftypes.NewValue(objType, attrs)
	return nil
}
