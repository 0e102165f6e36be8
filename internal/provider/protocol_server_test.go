package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	hwutils "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/utils"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/localcloud"
)

// The fast path must write exactly the state the framework writes from the
// same events: these tests encode events both ways and compare.

// hssStateType is the state type of cwpp_hss_app_whitelist_events.
func hssStateType(t testing.TB) (tfsdk.State, tftypes.Object) {
	t.Helper()
	state := emptyHSSState(context.Background())
	typ, ok := state.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("the schema is not an object")
	}
	return state, typ
}

// hssStatesBothWays returns the msgpack of a state holding events, written
// by the framework's path and by the fast path, with the events list of each.
func hssStatesBothWays(t testing.TB, events []huaweicloud.AppWhitelistEventResponseInfo) (framework, fast, frameworkList, fastList []byte) {
	t.Helper()
	ctx := context.Background()
	state, typ := hssStateType(t)
	models, err := keepHSSEventModels(huaweicloud.Page{Events: events})
	if err != nil {
		t.Fatal(err)
	}
	encoded, err := keepHSSEventsEncoded(newStateBudget(types.Int64Null()), nil)(huaweicloud.Page{Events: events})
	if err != nil {
		t.Fatal(err)
	}
	model := hssEventsModel{TotalNum: types.Int64Value(int64(len(events))), Summary: summarizeHSSEvents(models)}

	model.Events = make([]hssEventModel, len(models))
	for i := range models {
		model.Events[i] = *models[i].model
	}
	if diags := state.Set(ctx, &model); diags.HasError() {
		t.Fatal(diags)
	}
	frameworkValue := state.Raw
	framework = mustMsgPack(t, typ, frameworkValue)
	var attrs map[string]tftypes.Value
	if err := frameworkValue.As(&attrs); err != nil {
		t.Fatal(err)
	}
	frameworkList = mustMsgPack(t, typ.AttributeTypes["events"], attrs["events"])

	list := &encodedList{}
	if diags := setListState(ctx, &state, list, "events", &model, hssListElements(encoded),
		func(m *hssEventsModel, events []hssEventModel) { m.Events = events }); diags.HasError() {
		t.Fatal(diags)
	}
	fastList = bytes.Join(list.parts, nil)
	fast, err = spliceAttribute(mustMsgPack(t, typ, state.Raw), typ, "events", list.parts)
	if err != nil {
		t.Fatal(err)
	}
	return framework, fast, frameworkList, fastList
}

func mustMsgPack(t testing.TB, typ tftypes.Type, v tftypes.Value) []byte {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return dv.MsgPack
}

// sameState decodes both encodings with the schema's type, which refuses a
// wrong key, a missing attribute or a wrong type, and compares the values.
func sameState(typ tftypes.Type, want, got []byte) error {
	w, err := (&tfprotov6.DynamicValue{MsgPack: want}).Unmarshal(typ)
	if err != nil {
		return err
	}
	g, err := (&tfprotov6.DynamicValue{MsgPack: got}).Unmarshal(typ)
	if err != nil {
		return err
	}
	if !g.Equal(w) {
		diffs, _ := w.Diff(g)
		return &stateDiff{diffs}
	}
	return nil
}

type stateDiff struct{ diffs []tftypes.ValueDiff }

func (d *stateDiff) Error() string {
	if len(d.diffs) == 0 {
		return "the states differ"
	}
	return "the states differ at " + d.diffs[0].Path.String() + ": " + d.diffs[0].Value1.String() + " vs " + d.diffs[0].Value2.String()
}

func checkBothWays(t *testing.T, events []huaweicloud.AppWhitelistEventResponseInfo) {
	t.Helper()
	_, typ := hssStateType(t)
	framework, fast, frameworkList, fastList := hssStatesBothWays(t, events)
	if err := sameState(typ, framework, fast); err != nil {
		t.Fatal(err)
	}
	// The events hold no maps, so their bytes are deterministic: they must be
	// the very bytes tftypes writes.
	if !bytes.Equal(frameworkList, fastList) {
		t.Fatalf("the events' msgpack differs from tftypes' (%d vs %d bytes)", len(fastList), len(frameworkList))
	}
}

func decodeHSSEvents(t testing.TB, raw ...string) []huaweicloud.AppWhitelistEventResponseInfo {
	t.Helper()
	var page huaweicloud.ListAppWhitelistEventResponse
	list := "[" + joinRaw(raw) + "]"
	if err := jsonUnmarshal(`{"data_list":`+list+`}`, &page); err != nil {
		t.Fatal(err)
	}
	return page.DataList
}

func joinRaw(raw []string) string {
	var b bytes.Buffer
	for i, r := range raw {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(r)
	}
	return b.String()
}

func TestFastStateEqualsFrameworkState(t *testing.T) {
	t.Run("reference and bare events", func(t *testing.T) {
		checkBothWays(t, decodeHSSEvents(t, localcloud.HSSReferenceEvent, `{"event_id":"bare"}`, `{}`,
			`{"event_id":"empty lists","operate_accept_list":[],"operate_detail_list":[],"process_info":[],"resource_info":{}}`,
			`{"event_id":"nulls","severity":null,"resource_info":null,"process_info":null,"occur_time":-1}`))
	})
	for _, shape := range []struct {
		name  string
		shape localcloud.Shape
	}{{"generated full", localcloud.ShapeFull}, {"generated sparse", localcloud.ShapeSparse}, {"generated mixed", localcloud.ShapeMixed}} {
		t.Run(shape.name, func(t *testing.T) {
			checkBothWays(t, readLocalEvents(t, 450, shape.shape))
		})
	}
	t.Run("no events", func(t *testing.T) { checkBothWays(t, nil) })
}

// TestFastStateEqualsFrameworkStateRandomized is a property test: events
// where every optional field is independently absent or holds any value.
func TestFastStateEqualsFrameworkStateRandomized(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	for range 20 {
		events := make([]huaweicloud.AppWhitelistEventResponseInfo, r.IntN(40))
		for i := range events {
			fillRandom(r, reflect.ValueOf(&events[i]).Elem())
		}
		checkBothWays(t, events)
	}
}

// fillRandom sets every field of v: each pointer, slice and nested object
// independently absent or present, with values of any size and sign.
func fillRandom(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if r.IntN(2) == 0 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fillRandom(r, v.Elem())
	case reflect.Slice:
		if r.IntN(3) == 0 {
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), r.IntN(3), r.IntN(3)+3))
		for i := range v.Len() {
			fillRandom(r, v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillRandom(r, v.Field(i))
			}
		}
	case reflect.String:
		alphabet := []rune("aZ0 _-|()\"\\é漢\x00\U0001F600")
		s := []rune{}
		for range r.IntN(12) {
			s = append(s, alphabet[r.IntN(len(alphabet))])
		}
		v.SetString(string(s))
	case reflect.Int64, reflect.Int32:
		switch r.IntN(4) {
		case 0:
			v.SetInt(0)
		case 1:
			v.SetInt(r.Int64N(200) - 100)
		default:
			v.SetInt(int64(r.Uint64()))
		}
	}
}

// TestStateComparisonCatchesCorruption: the comparison above fails on a wrong
// key, a missing attribute and a wrong type, so it cannot pass by accident.
func TestStateComparisonCatchesCorruption(t *testing.T) {
	_, typ := hssStateType(t)
	framework, fast, _, _ := hssStatesBothWays(t, decodeHSSEvents(t, localcloud.HSSReferenceEvent))
	if err := sameState(typ, framework, fast); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, from, to string }{
		{"wrong key", "\xa9host_name", "\xa9host_nane"},
		{"wrong type", "\xa8severity\xa4High", "\xa8severity\xc3"},
		{"wrong value", "\xa5login", "\xa5logon"},
	} {
		corrupt := bytes.Replace(fast, []byte(c.from), []byte(c.to), 1)
		if bytes.Equal(corrupt, fast) {
			t.Fatalf("%s: %q is not in the encoding", c.name, c.from)
		}
		if sameState(typ, framework, corrupt) == nil {
			t.Errorf("%s: the comparison did not notice", c.name)
		}
	}
	// A missing attribute: one fewer in the object's header.
	missing := bytes.Replace(fast, []byte{0xde, 0x00, 0x1d}, []byte{0xde, 0x00, 0x1c}, 1)
	if bytes.Equal(missing, fast) || sameState(typ, framework, missing) == nil {
		t.Error("missing attribute: the comparison did not notice")
	}
}

// localHSSClient is an HSS client of srv, fast enough for tests.
func localHSSClient(t testing.TB, srv *localcloud.Server) *huaweicloud.Client {
	t.Helper()
	client, err := huaweicloud.NewClient(huaweicloud.Config{
		AccessKey: localcloud.HuaweiAccessKey, SecretKey: localcloud.HuaweiSecretKey, ProjectID: localcloud.HuaweiProjectID,
		Endpoint: srv.URL(), RequestsPerSecond: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// dataSourceStateType is the state type of a data source's schema.
func dataSourceStateType(t *testing.T, newDataSource func() datasource.DataSource) tftypes.Object {
	t.Helper()
	ctx := context.Background()
	var schemaResp datasource.SchemaResponse
	newDataSource().Schema(ctx, datasource.SchemaRequest{}, &schemaResp)
	typ, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the schema is not an object")
	}
	return typ
}

// readLocalEvents reads n generated events of a shape from a local cloud.
func readLocalEvents(t testing.TB, n int, shape localcloud.Shape) []huaweicloud.AppWhitelistEventResponseInfo {
	t.Helper()
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: n, HSSShape: shape})
	days := int32(30)
	res, err := huaweicloud.ReadEvents(context.Background(), localHSSClient(t, srv), huaweicloud.Query{LastDays: &days}, huaweicloud.DefaultConcurrency)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Events) != n {
		t.Fatalf("read %d events, want %d", len(res.Events), n)
	}
	return res.Events
}

// FuzzHSSEventState: any event the decoder accepts encodes to the framework's state.
func FuzzHSSEventState(f *testing.F) {
	f.Add(localcloud.HSSReferenceEvent)
	f.Add(`{"event_id":"x","occur_time":9007199254740993,"process_info":[{"process_pid":-1}]}`)
	f.Add(`{"resource_info":{},"operate_accept_list":[""],"operate_detail_list":[{}]}`)
	f.Fuzz(func(t *testing.T, raw string) {
		var event huaweicloud.AppWhitelistEventResponseInfo
		if json.Unmarshal([]byte(raw), &event) != nil {
			return
		}
		checkBothWays(t, []huaweicloud.AppWhitelistEventResponseInfo{event})
	})
}

// bothServers are the framework's own protocol server and the provider's,
// both configured against srv: the two paths whose states must be equal.
func bothServers(t *testing.T, srv *localcloud.Server) map[string]tfprotov6.ProviderServer {
	t.Helper()
	servers := map[string]tfprotov6.ProviderServer{}
	servers["framework"], _ = configuredHSSServer(t, srv, providerserver.NewProtocol6(New("test")())())
	servers["provider"], _ = configuredHSSServer(t, srv, NewProtocol6Server("test")())
	return servers
}

// TestProtocolServerMatchesFramework reads through both servers, the
// framework's own and the provider's, against the same local cloud: the
// whole state, summary and filters included, must be the same.
func TestProtocolServerMatchesFramework(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{HSSEvents: 700})
	_, typ := hssStateType(t)
	servers := bothServers(t, srv)
	for _, c := range []struct {
		name   string
		config map[string]any
	}{
		{"every event", map[string]any{"last_days": 30}},
		{"severities and max_results", map[string]any{"last_days": 30, "severities": []string{"High", "Low"}, "max_results": 100}},
		{"summary only", map[string]any{"last_days": 30, "max_results": 0}},
		{"no event", map[string]any{"last_days": 1, "host_name": "nowhere"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			readBothServers(t, servers, "cwpp_hss_app_whitelist_events", typ, c.config)
		})
	}
}

// configuredHSSServer configures server's clouds against srv, and returns it
// with a configuration of cwpp_hss_app_whitelist_events reading the last 30 days.
func configuredHSSServer(t testing.TB, srv *localcloud.Server, server tfprotov6.ProviderServer) (tfprotov6.ProviderServer, *tfprotov6.DynamicValue) {
	t.Helper()
	ctx := context.Background()
	typ := providerSchemaType(t)
	providerConfig := mustDynamicValue(t, typ, map[string]tftypes.Value{
		"tencentcloud": tftypes.NewValue(typ.AttributeTypes["tencentcloud"], map[string]tftypes.Value{
			"secret_id": tfString(localcloud.TencentSecretID), "secret_key": tfString(localcloud.TencentSecretKey),
			"security_token": tfString(nil), "region": tfString(nil), "endpoint": tfString(srv.URL()),
			"requests_per_second": tfNumber(int64(1000)), "max_retries": tfNumber(nil), "time_zone": tfString(nil),
			"assume_role": nullOf(typ, "tencentcloud", "assume_role"),
		}),
		"huaweicloud": tftypes.NewValue(typ.AttributeTypes["huaweicloud"], map[string]tftypes.Value{
			"access_key": tfString(localcloud.HuaweiAccessKey), "secret_key": tfString(localcloud.HuaweiSecretKey),
			"security_token": tfString(nil), "region": tfString("cn-north-4"), "project_id": tfString(localcloud.HuaweiProjectID),
			"endpoint": tfString(srv.URL()), "requests_per_second": tfNumber(int64(1000)), "max_retries": tfNumber(nil),
			"assume_role": nullOf(typ, "huaweicloud", "assume_role"),
		}),
	})
	if _, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{}); err != nil {
		t.Fatal(err)
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: providerConfig})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	_, stateType := hssStateType(t)
	return server, hssConfigValue(t, stateType, map[string]any{"last_days": 30})
}

func providerSchemaType(t testing.TB) tftypes.Object {
	t.Helper()
	resp, err := providerserver.NewProtocol6(New("test")())().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ, ok := resp.Provider.ValueType().(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object")
	}
	return typ
}

// hssConfigValue is a configuration of the data source: the given
// attributes set, every other one null.
func hssConfigValue(t testing.TB, typ tftypes.Object, set map[string]any) *tfprotov6.DynamicValue {
	t.Helper()
	attrs := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		var v any
		switch x := set[name].(type) {
		case int:
			v = tfNumberValue(int64(x))
		case string:
			v = x
		case bool:
			v = x
		case []string:
			elems := make([]tftypes.Value, len(x))
			for i, s := range x {
				elems[i] = tftypes.NewValue(tftypes.String, s)
			}
			v = elems
		}
		if list, ok := attrType.(tftypes.List); ok && v == nil && list.ElementType.Is(tftypes.Object{}) {
			v = []tftypes.Value{} // an absent list block is an empty list
		}
		if v == nil {
			attrs[name] = tftypes.NewValue(attrType, nil)
			continue
		}
		attrs[name] = tftypes.NewValue(attrType, v)
	}
	return mustDynamicValue(t, typ, attrs)
}

func mustDynamicValue(t testing.TB, typ tftypes.Object, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func tfString(v any) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }

func tfNumber(v any) tftypes.Value { return tftypes.NewValue(tftypes.Number, v) }

func tfNumberValue(n int64) any { return n }

// jsonUnmarshal decodes as the Huawei SDK does.
func jsonUnmarshal(s string, v any) error { return hwutils.Unmarshal([]byte(s), v) }

// emptyHSSState is a null state of cwpp_hss_app_whitelist_events, as Read receives it.
func emptyHSSState(ctx context.Context) tfsdk.State {
	var resp datasource.SchemaResponse
	NewHSSAppWhitelistEventsDataSource().Schema(ctx, datasource.SchemaRequest{}, &resp)
	return tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
}

// TestProtocolServerMatchesFrameworkTCSS: the same for the TCSS list.
func TestProtocolServerMatchesFrameworkTCSS(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: 250, TencentQuota: -1})
	typ := dataSourceStateType(t, NewTCSSAbnormalProcessesDataSource)
	servers := bothServers(t, srv)
	for _, c := range []struct {
		name   string
		config map[string]any
	}{
		{"every event", map[string]any{}},
		{"status, order, rule_levels and max_results", map[string]any{
			"status": "EVENT_UNDEAL", "order_by": "latest_found_time", "order": "asc", "rule_levels": []string{"HIGH", "LOW"}, "max_results": 40,
		}},
		{"summary only", map[string]any{"max_results": 0}},
		{"last_days", map[string]any{"last_days": 7, "rule_levels": []string{"HIGH"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			readBothServers(t, servers, "cwpp_tcss_abnormal_processes", typ, c.config)
		})
	}
}

// TestProtocolServerMatchesFrameworkProcessEvents: both clouds' events,
// normalized, give the same state on both paths.
func TestProtocolServerMatchesFrameworkProcessEvents(t *testing.T) {
	srv := localcloud.StartForTest(t, localcloud.Config{TCSSEvents: 250, HSSEvents: 400, TencentQuota: -1})
	typ := dataSourceStateType(t, NewProcessEventsDataSource)
	servers := bothServers(t, srv)
	for _, c := range []struct {
		name   string
		config map[string]any
	}{
		{"both clouds", map[string]any{"last_days": 30}},
		{"filters and max_results", map[string]any{"last_days": 30, "severities": []string{"high", "informational"}, "statuses": []string{"new"}, "max_results": 60}},
		{"summary only", map[string]any{"last_days": 30, "max_results": 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			readBothServers(t, servers, "cwpp_process_events", typ, c.config)
		})
	}
}

// readBothServers reads a data source through the framework's server and the
// provider's, and requires the same state.
func readBothServers(t *testing.T, servers map[string]tfprotov6.ProviderServer, typeName string, typ tftypes.Object, set map[string]any) {
	t.Helper()
	config := hssConfigValue(t, typ, set)
	states := map[string][]byte{}
	for name, s := range servers {
		resp, err := s.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: config})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("%s: %s: %s", name, d.Summary, d.Detail)
			}
		}
		states[name] = resp.State.MsgPack
	}
	if err := sameState(typ, states["framework"], states["provider"]); err != nil {
		t.Fatal(err)
	}
}

// nullOf is the null value of a block nested in one of the provider's blocks.
func nullOf(typ tftypes.Object, block, nested string) tftypes.Value {
	return tftypes.NewValue(typ.AttributeTypes[block].(tftypes.Object).AttributeTypes[nested], nil)
}
