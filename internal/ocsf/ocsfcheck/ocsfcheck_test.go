package ocsfcheck

import (
	"encoding/json"
	"strings"
	"testing"
)

// valid is a Detection Finding that validates: every mutation below breaks
// one rule of it.
const valid = `{
 "activity_id": 1, "activity_name": "Create", "category_uid": 2, "category_name": "Findings",
 "class_uid": 2004, "class_name": "Detection Finding", "type_uid": 200401, "type_name": "Detection Finding: Create",
 "time": 1764489600051, "time_dt": "2025-11-30T08:00:00.051Z",
 "metadata": {"version": "1.8.0", "product": {"name": "Host Security Service", "vendor_name": "Huawei Cloud"}, "profiles": ["cloud", "datetime"]},
 "cloud": {"provider": "Huawei Cloud", "region": "cn-north-4"},
 "finding_info": {"uid": "e1", "title": "Untrusted process running", "first_seen_time": 1764489600051},
 "severity_id": 4, "severity": "High", "status_id": 1, "status": "New", "status_code": "unhandled",
 "device": {"type_id": 0, "type": "Unknown", "hostname": "web-1", "ip": "192.168.10.10"},
 "evidences": [{"process": {"pid": 1000, "name": "curl", "file": {"name": "curl", "path": "/usr/bin/curl", "type_id": 0},
   "parent_process": {"pid": 999}}}],
 "unmapped": {"attack_phase": "installation"}
}`

func TestValidFindingValidates(t *testing.T) {
	if err := DetectionFinding().Check([]byte(valid)); err != nil {
		t.Fatal(err)
	}
}

// TestWrongFindingsFail: the check can fail, for each kind of rule.
func TestWrongFindingsFail(t *testing.T) {
	for name, tc := range map[string]struct {
		set   map[string]any // dotted path: value; nil deletes
		error string
	}{
		"a string time":                 {map[string]any{"time": "1764489600051"}, "time"},
		"time in seconds":               {map[string]any{"time": 1764489600, "time_dt": "2025-11-30T08:00:00Z"}, "milliseconds"},
		"time_dt not time":              {map[string]any{"time_dt": "2025-11-30T08:00:01.051Z"}, "time_dt"},
		"type_uid 200404":               {map[string]any{"type_uid": 200404}, "type_uid"},
		"type_uid of another activity":  {map[string]any{"type_uid": 200402, "type_name": "Detection Finding: Update"}, "type_uid"},
		"a process with no id":          {map[string]any{"evidences.0.process.pid": nil}, "pid"},
		"a parent with no id":           {map[string]any{"evidences.0.process.parent_process.pid": nil}, "pid"},
		"a caption not its id's":        {map[string]any{"severity": "Low"}, "severity"},
		"a status caption not its id's": {map[string]any{"status": "Resolved"}, "status"},
		"other without the word":        {map[string]any{"severity_id": 99, "severity": nil}, "99"},
		"a severity id outside the set": {map[string]any{"severity_id": 7, "severity": nil}, "severity_id"},
		"no finding_info.uid":           {map[string]any{"finding_info.uid": nil}, "uid"},
		"no metadata.version":           {map[string]any{"metadata.version": nil}, "version"},
		"no device.type_id":             {map[string]any{"device.type_id": nil, "device.type": nil}, "type_id"},
		"a file without type_id":        {map[string]any{"evidences.0.process.file.type_id": nil}, "type_id"},
		"an attribute OCSF lacks":       {map[string]any{"process": map[string]any{"pid": 1}}, "process"},
		"cloud without its profile":     {map[string]any{"metadata.profiles": []any{"datetime"}}, "cloud"},
		"time_dt without its profile":   {map[string]any{"metadata.profiles": []any{"cloud"}}, "time_dt"},
		"an IP that is not one":         {map[string]any{"device.ip": "10.0.0.1,10.0.0.2"}, "ip"},
		"a container-only evidence":     {map[string]any{"evidences.0.process": nil, "evidences.0.container": map[string]any{"uid": "c"}}, "evidences"},
		"no class_uid":                  {map[string]any{"class_uid": nil}, "class_uid"},
	} {
		t.Run(name, func(t *testing.T) {
			var v map[string]any
			if err := json.Unmarshal([]byte(valid), &v); err != nil {
				t.Fatal(err)
			}
			for path, value := range tc.set {
				set(v, path, value)
			}
			wrong, _ := json.Marshal(v)
			err := DetectionFinding().Check(wrong)
			if err == nil {
				t.Fatalf("validated: %s", wrong)
			}
			if !strings.Contains(err.Error(), tc.error) {
				t.Errorf("the error does not name %q: %v", tc.error, err)
			}
		})
	}
}

// set sets (nil: deletes) a dotted path; a number in it indexes a list.
func set(v map[string]any, path string, value any) {
	keys := strings.Split(path, ".")
	var at any = v
	for _, k := range keys[:len(keys)-1] {
		switch c := at.(type) {
		case map[string]any:
			at = c[k]
		case []any:
			at = c[int(k[0]-'0')]
		}
	}
	m := at.(map[string]any)
	last := keys[len(keys)-1]
	if value == nil {
		delete(m, last)
		return
	}
	m[last] = value
}
