package provider

import (
	"bytes"
	"context"
	"fmt"
	"runtime/debug"
	"sort"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// The list data sources answer ReadDataSource below the framework for their
// one large attribute. The framework's generic path walks every null value of
// a state (ReifyNullCollectionBlocks, about 75 us each) and copies the value
// tree several times: 6 ms per sparse event and 5.9 GB at 50,000 events
// (BENCHMARKS.md). Everything else stays the framework's: schema, validation,
// configuration, diagnostics, the rest of the state. The data source's Read
// leaves the list null in the framework's state and hands its msgpack, encoded
// from the API structs page by page (package statemsgpack), to this server,
// which puts it in place of the null in the response.

// NewProtocol6Server serves the provider: the framework's server, with the
// list data sources' state encoded below it.
func NewProtocol6Server(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return &protocolServer{ProviderServer: providerserver.NewProtocol6(New(version)())()}
	}
}

type protocolServer struct {
	tfprotov6.ProviderServer
}

func (s *protocolServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	ctx, list := withEncodedList(ctx)
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if err != nil || resp == nil || resp.State == nil || list.parts == nil {
		return resp, err
	}
	// A large list is live twice over: its parts beside the state, then the
	// state beside the gRPC library's copy of it. The heap stays near that
	// (about 240 MB at 50,000 fully populated events), but each copy is one
	// contiguous allocation that cannot reuse the freed parts, scattered in
	// page-sized pieces, so the process kept 390 MiB resident. Returning
	// freed memory to the OS before each copy keeps it near the heap.
	large := partsSize(list.parts) > largeState
	if large {
		debug.FreeOSMemory()
	}
	state, err := spliceAttribute(resp.State.MsgPack, list.stateType, list.attribute, list.parts)
	if err != nil {
		resp.Diagnostics = append(resp.Diagnostics, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityError,
			Summary:  "Encoding the state failed",
			Detail:   fmt.Sprintf("This is a bug in the provider, please report it: %s: %s", list.attribute, err),
		})
		resp.State = nil
		return resp, nil
	}
	resp.State.MsgPack = state
	if large {
		debug.FreeOSMemory() // the parts, before the gRPC library's copy
	}
	return resp, nil
}

// largeState is the size of a state worth a collection once sent: about
// 10,000 events.
const largeState = 24 << 20

// encodedList carries one attribute's msgpack from a Read to the server, in
// parts (the list's header, then one part per element) that are copied once,
// into the response, and let go as they are: the list is never held twice.
type encodedList struct {
	mu        sync.Mutex
	attribute string
	stateType tftypes.Object
	parts     [][]byte
}

type encodedListKey struct{}

func withEncodedList(ctx context.Context) (context.Context, *encodedList) {
	list := &encodedList{}
	return context.WithValue(ctx, encodedListKey{}, list), list
}

// encodedListFrom returns where a Read under this server puts its list, or
// nil on the framework's own path (another server, or a test of that path).
func encodedListFrom(ctx context.Context) *encodedList {
	list, _ := ctx.Value(encodedListKey{}).(*encodedList)
	return list
}

// set hands over the msgpack of attribute, which the Read left null in the
// framework's state of stateType: the concatenation of parts.
func (l *encodedList) set(stateType tftypes.Object, attribute string, parts [][]byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stateType, l.attribute, l.parts = stateType, attribute, parts
}

// spliceAttribute re-encodes a state whose attribute is null with the
// concatenation of parts in its place. The rest of the state is small: it is
// decoded and encoded by tftypes, with the attributes in the order tftypes
// writes them.
func spliceAttribute(state []byte, typ tftypes.Object, attribute string, parts [][]byte) ([]byte, error) {
	decoded, err := (&tfprotov6.DynamicValue{MsgPack: state}).Unmarshal(typ)
	if err != nil {
		return nil, err
	}
	var attrs map[string]tftypes.Value
	if err := decoded.As(&attrs); err != nil {
		return nil, err
	}
	if v, ok := attrs[attribute]; !ok || !v.IsNull() {
		return nil, fmt.Errorf("the framework's state has no null %q to replace", attribute)
	}
	names := make([]string, 0, len(typ.AttributeTypes))
	for name := range typ.AttributeTypes {
		names = append(names, name)
	}
	sort.Strings(names)
	size := len(state) + partsSize(parts)
	var buf bytes.Buffer
	buf.Grow(size)
	enc := msgpack.NewEncoder(&buf)
	if err := enc.EncodeMapLen(len(names)); err != nil {
		return nil, err
	}
	for _, name := range names {
		if err := enc.EncodeString(name); err != nil {
			return nil, err
		}
		if name == attribute {
			for i := range parts {
				buf.Write(parts[i])
				parts[i] = nil
			}
			continue
		}
		raw, err := attrs[name].MarshalMsgPack(typ.AttributeTypes[name]) //nolint:staticcheck // the encoder of one tftypes value
		if err != nil {
			return nil, err
		}
		buf.Write(raw)
	}
	return buf.Bytes(), nil
}

func partsSize(parts [][]byte) int {
	size := 0
	for _, p := range parts {
		size += len(p)
	}
	return size
}
