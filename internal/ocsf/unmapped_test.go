package ocsf

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/huaweicloud"
)

// TestAppendStringIsEncodingJSON: the unmapped writer's strings are
// encoding/json's (without HTML escaping), whatever the bytes.
func TestAppendStringIsEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quo"te \ back`, "tab\tnew\nline\r\x00\x1f", "<&>", "反弹shell", "\u2028\u2029",
		"bad \xff utf-8 \xc3", "emoji 🛡"} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := string(appendString(nil, s)); got != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Errorf("%q: %s, encoding/json %s", s, got, want.String())
		}
	}
}

// TestUnmappedIsTheNativeJSONLessWhatIsMapped: what the writer keeps is
// exactly the native event's own JSON, less the fields the finding took.
func TestUnmappedIsTheNativeJSONLessWhatIsMapped(t *testing.T) {
	for _, h := range referenceHSS(t) {
		got := unmapped(reflectOf(&h), map[string]bool{"event_id": true, "resource_info.host_name": true, "process_info_list[0].process_pid": true})
		var kept, native map[string]any
		if err := json.Unmarshal(got, &kept); err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		raw, _ := json.Marshal(h)
		if err := json.Unmarshal(raw, &native); err != nil {
			t.Fatal(err)
		}
		dropNulls(native)
		delete(native, "event_id")
		delete(native["resource_info"].(map[string]any), "host_name")
		delete(native["process_info_list"].([]any)[0].(map[string]any), "process_pid")
		a, _ := json.Marshal(kept)
		b, _ := json.Marshal(native)
		if !bytes.Equal(a, b) {
			t.Errorf("unmapped:\n%s\nthe native JSON less the mapped fields:\n%s", a, b)
		}
	}
}

func dropNulls(v any) {
	switch c := v.(type) {
	case map[string]any:
		for k, x := range c {
			if x == nil {
				delete(c, k)
			} else {
				dropNulls(x)
			}
		}
	case []any:
		for _, x := range c {
			dropNulls(x)
		}
	}
}

func reflectOf(h *huaweicloud.AppWhitelistEventResponseInfo) reflect.Value {
	return reflect.ValueOf(h).Elem()
}
