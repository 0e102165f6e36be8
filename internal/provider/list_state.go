package provider

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/paging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/statemsgpack"
)

// A list data source keeps each element of its list, as pages arrive, in
// one of two forms: under the protocol server, the msgpack of its state
// (protocol_server.go); on the framework's own path, its model.
type listElement[M any] struct {
	encoded []byte
	model   *M
}

// elementCodec compiles, once, the codec of the elements of the list
// attribute of a data source's schema.
func elementCodec[M any](newDataSource func() datasource.DataSource, attribute string) func() (*statemsgpack.Codec[M], error) {
	return sync.OnceValues(func() (*statemsgpack.Codec[M], error) {
		var resp datasource.SchemaResponse
		newDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &resp)
		list := resp.Schema.Attributes[attribute].(schema.ListNestedAttribute)    //nolint:forcetypeassert // the schema declares it
		elem := list.GetType().TerraformType(context.Background()).(tftypes.List) //nolint:forcetypeassert // a list attribute
		return statemsgpack.Compile[M](elem.ElementType)
	})
}

// keepModels keeps n elements as models.
func keepModels[M any](n int, model func(i int) M) []listElement[M] {
	models := make([]M, n)
	kept := make([]listElement[M], n)
	for i := range models {
		models[i] = model(i)
		kept[i].model = &models[i]
	}
	return kept
}

// keepEncoded keeps n elements as their state's msgpack, in one buffer.
func keepEncoded[M any](codec *statemsgpack.Codec[M], n int, model func(i int) M) ([]listElement[M], error) {
	var buf bytes.Buffer
	w := statemsgpack.NewWriter(&buf)
	ends := make([]int, n)
	for i := range n {
		m := model(i)
		if err := codec.Encode(w, &m); err != nil {
			return nil, err
		}
		ends[i] = buf.Len()
		if i == 0 { // the first element's size sizes the page: no regrowing
			buf.Grow(ends[0] * (n - 1) * 5 / 4)
		}
	}
	encoded := buf.Bytes()
	if cap(encoded) > len(encoded)*9/8 {
		encoded = bytes.Clone(encoded) // without much spare capacity
	}
	kept := make([]listElement[M], n)
	start := 0
	for i, end := range ends {
		kept[i].encoded = encoded[start:end:end]
		start = end
	}
	return kept, nil
}

// keepElements keeps n elements in the form the read's state takes: models
// on the framework's path (list nil), their msgpack under the protocol server.
func keepElements[M any](list *encodedList, codec func() (*statemsgpack.Codec[M], error), n int, model func(i int) M) ([]listElement[M], error) {
	if list == nil {
		return keepModels(n, model), nil
	}
	c, err := codec()
	if err != nil {
		return nil, err
	}
	return keepEncoded(c, n, model)
}

// addReadWarnings adds what a reader noticed in what a service returned.
func addReadWarnings(diags *diag.Diagnostics, warnings []paging.Warning) {
	for _, w := range warnings {
		diags.AddWarning(w.Summary, w.Detail)
	}
}

// setListState finishes a list data source's Read: the state of model, whose
// list field set(model, models) fills on the framework's path; under the
// protocol server the list is left null there and handed over encoded.
func setListState[T, M any](ctx context.Context, state *tfsdk.State, list *encodedList, attribute string,
	model *T, elements []listElement[M], set func(*T, []M),
) diag.Diagnostics {
	if list == nil {
		models := make([]M, len(elements))
		for i := range elements {
			models[i] = *elements[i].model
		}
		set(model, models)
		return state.Set(ctx, model)
	}
	set(model, nil)
	diags := state.Set(ctx, model)
	if diags.HasError() {
		return diags
	}
	stateType, ok := state.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		diags.AddError("Encoding the state failed", "This is a bug in the provider: the schema is not an object.")
		return diags
	}
	var header bytes.Buffer
	_ = statemsgpack.NewWriter(&header).ArrayHeader(len(elements)) // a bytes.Buffer does not fail
	parts := make([][]byte, 0, len(elements)+1)
	parts = append(parts, header.Bytes())
	for i := range elements {
		parts = append(parts, elements[i].encoded)
		elements[i].encoded = nil
	}
	list.set(stateType, attribute, parts)
	return diags
}

// keepMatching keeps the elements whose field, as value reads it, is one of
// wanted: a client-side filter. An empty wanted keeps everything.
func keepMatching[E any](elements []E, wanted []types.String, value func(*E) *string) []E {
	if len(wanted) == 0 {
		return elements
	}
	matches := matcher(wanted)
	kept := elements[:0]
	for i := range elements {
		if matches(value(&elements[i])) {
			kept = append(kept, elements[i])
		}
	}
	return kept
}

// matcher says whether a field is one of wanted; an empty wanted matches all.
func matcher(wanted []types.String) func(*string) bool {
	if len(wanted) == 0 {
		return func(*string) bool { return true }
	}
	set := make(map[string]bool, len(wanted))
	for _, w := range wanted {
		set[w.ValueString()] = true
	}
	return func(v *string) bool { return v != nil && set[*v] }
}

// encodedSize is the size of the state of the elements under the protocol server.
func encodedSize[M any](elements []listElement[M]) int64 {
	size := int64(0)
	for i := range elements {
		size += int64(len(elements[i].encoded))
	}
	return size
}

// cutToMaxResults keeps the first max_results elements, with a warning that
// says how many matched and which (`kept`, such as "newest") were kept. 0
// asks for the summary alone: no warning.
func cutToMaxResults[E any](elements []E, maxResults types.Int64, kept string, diags *diag.Diagnostics) []E {
	limit := maxResults.ValueInt64()
	if maxResults.IsNull() || int64(len(elements)) <= limit {
		return elements
	}
	if limit > 0 {
		diags.AddAttributeWarning(path.Root("max_results"), "Event list cut",
			fmt.Sprintf("%d events matched; only the %s %d are kept (max_results).", len(elements), kept, limit))
	}
	return elements[:limit]
}
