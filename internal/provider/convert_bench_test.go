package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// BenchmarkHSSEventsToState measures what the data source does with events
// once read, on both shapes of data and two sizes: the fast path (encode each
// page's events as state, then splice the list into the framework's small
// state) against the framework's generic path (models set into the state by
// reflection, then encoded by tftypes), in the same run.
//
//	go test -run '^$' -bench BenchmarkHSSEventsToState -benchmem ./internal/provider/
func BenchmarkHSSEventsToState(b *testing.B) {
	ctx := context.Background()
	for _, shape := range []struct {
		name  string
		shape localcloud.Shape
	}{{"full", localcloud.ShapeFull}, {"sparse", localcloud.ShapeSparse}} {
		for _, n := range benchSizes {
			events := readLocalEvents(b, n, shape.shape)
			b.Run(fmt.Sprintf("%s/%d_events/fast", shape.name, n), func(b *testing.B) {
				b.ReportAllocs()
				state, typ := hssStateType(b)
				for b.Loop() {
					kept := make([]hssKeptEvent, 0, n)
					keep := keepHSSEventsEncoded(newStateBudget(types.Int64Null()), nil)
					for page := range pagesOf(events) {
						k, err := keep(huaweicloud.Page{Total: int64(n), Events: page})
						if err != nil {
							b.Fatal(err)
						}
						kept = append(kept, k...)
					}
					model := hssEventsModel{Summary: summarizeHSSEvents(kept)}
					list := &encodedList{}
					if diags := setListState(ctx, &state, list, "events", &model, hssListElements(kept),
						func(m *hssEventsModel, events []hssEventModel) { m.Events = events }); diags.HasError() {
						b.Fatal(diags)
					}
					if _, err := spliceAttribute(mustMsgPack(b, typ, state.Raw), typ, "events", list.parts); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/event")
			})
			if n > 5000 {
				continue // the generic path at 50,000 events takes minutes and gigabytes
			}
			b.Run(fmt.Sprintf("%s/%d_events/framework", shape.name, n), func(b *testing.B) {
				b.ReportAllocs()
				state, typ := hssStateType(b)
				for b.Loop() {
					kept, err := keepHSSEventModels(huaweicloud.Page{Events: events})
					if err != nil {
						b.Fatal(err)
					}
					model := hssEventsModel{Summary: summarizeHSSEvents(kept), Events: make([]hssEventModel, len(kept))}
					for i := range kept {
						model.Events[i] = *kept[i].model
					}
					if diags := state.Set(ctx, &model); diags.HasError() {
						b.Fatal(diags)
					}
					mustMsgPack(b, typ, state.Raw)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/event")
			})
		}
	}
}

// pagesOf splits events into the API's pages.
func pagesOf(events []huaweicloud.AppWhitelistEventResponseInfo) func(func([]huaweicloud.AppWhitelistEventResponseInfo) bool) {
	return func(yield func([]huaweicloud.AppWhitelistEventResponseInfo) bool) {
		for start := 0; start < len(events); start += huaweicloud.PageSize {
			if !yield(events[start:min(start+huaweicloud.PageSize, len(events))]) {
				return
			}
		}
	}
}

// benchSizes are the event counts of BenchmarkHSSEventsToState.
var benchSizes = []int{5000, 50000}

// BenchmarkHSSReadDataSource is the whole ReadDataSource of the provider's
// protocol server, in process, against a local cloud without latency: paging,
// decoding, encoding and splicing, less only Terraform and the network.
//
//	go test -run '^$' -bench BenchmarkHSSReadDataSource -benchmem ./internal/provider/
func BenchmarkHSSReadDataSource(b *testing.B) {
	for _, shape := range []struct {
		name  string
		shape localcloud.Shape
	}{{"full", localcloud.ShapeFull}, {"sparse", localcloud.ShapeSparse}} {
		b.Run(shape.name+"/5000_events", func(b *testing.B) {
			srv := localcloud.StartForTest(b, localcloud.Config{HSSEvents: 5000, HSSShape: shape.shape})
			server, config := configuredHSSServer(b, srv, NewProtocol6Server("bench")())
			b.ReportAllocs()
			for b.Loop() {
				resp, err := server.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{
					TypeName: "cwpp_hss_app_whitelist_events", Config: config,
				})
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatal(err, resp.Diagnostics)
				}
			}
		})
	}
}

// BenchmarkTCSSListReadDataSource is the whole ReadDataSource of the TCSS
// list, in process, against a local cloud without latency or quota. Its CPU
// profile separates the provider's own work from the local cloud's:
//
//	go test -run '^$' -bench BenchmarkTCSSListReadDataSource -cpuprofile cpu.out ./internal/provider/
//	go tool pprof -top -ignore 'localcloud|net/http.\(\*conn\).serve' provider.test cpu.out
func BenchmarkTCSSListReadDataSource(b *testing.B) {
	srv := localcloud.StartForTest(b, localcloud.Config{TCSSEvents: 10000 - 3, TCSSSparse: true, TencentQuota: -1})
	server, _ := configuredHSSServer(b, srv, NewProtocol6Server("bench")())
	var schemaResp datasource.SchemaResponse
	NewTCSSAbnormalProcessesDataSource().Schema(context.Background(), datasource.SchemaRequest{}, &schemaResp)
	typ, _ := schemaResp.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	config := hssConfigValue(b, typ, map[string]any{})
	b.ReportAllocs()
	for b.Loop() {
		resp, err := server.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{
			TypeName: "cwpp_tcss_abnormal_processes", Config: config,
		})
		if err != nil || len(resp.Diagnostics) > 0 {
			b.Fatal(err, resp.Diagnostics)
		}
	}
}
