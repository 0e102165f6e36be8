package provider

import (
	"math"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Computed attributes of API results; the description is the API's.
func computedString(description string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, Description: description}
}

func computedInt64(description string) schema.Int64Attribute {
	return schema.Int64Attribute{Computed: true, Description: description}
}

// uint64Value converts an unsigned API integer; one above the int64 range is
// reported as not representable (ok false) and becomes null.
func uint64Value(v *uint64) (types.Int64, bool) {
	if v == nil {
		return types.Int64Null(), true
	}
	if *v > math.MaxInt64 {
		return types.Int64Null(), false
	}
	return types.Int64Value(int64(*v)), true
}
