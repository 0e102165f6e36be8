package processtree

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func pid(v int64) *int64 { return &v }

func TestParse(t *testing.T) {
	cases := []struct {
		name, tree string
		want       []Node
		wantErr    string
	}{
		{
			name: "reference example",
			tree: "xenoncli(2907621)|containerd-shim(330852)|containerd(17863)|dockerd(17838)|systemd(1)",
			want: []Node{
				{"xenoncli", pid(2907621)}, {"containerd-shim", pid(330852)}, {"containerd", pid(17863)},
				{"dockerd", pid(17838)}, {"systemd", pid(1)},
			},
		},
		{name: "empty", tree: "", want: []Node{}},
		{name: "single", tree: "init(1)", want: []Node{{"init", pid(1)}}},
		{name: "missing pid", tree: "sh()|bash(12)", want: []Node{{"sh", nil}, {"bash", pid(12)}}},
		{name: "parentheses in name", tree: "kworker/0:1(events)(42)|kthreadd(2)", want: []Node{{"kworker/0:1(events)", pid(42)}, {"kthreadd", pid(2)}}},
		{name: "pipe in name", tree: "a|b(5)|c(1)", want: []Node{{"a|b", pid(5)}, {"c", pid(1)}}},
		{name: "digits group inside name", tree: "foo(12)bar(5)", want: []Node{{"foo(12)bar", pid(5)}}},
		{name: "unicode name", tree: "进程(7)", want: []Node{{"进程", pid(7)}}},
		{name: "large pid", tree: "p(9223372036854775807)", want: []Node{{"p", pid(9223372036854775807)}}},
		{name: "pid overflow", tree: "p(9223372036854775808)", wantErr: "out of range"},
		{name: "no pid group", tree: "bash", wantErr: "does not end"},
		{name: "garbage", tree: "(((|||", wantErr: "does not end"},
		{name: "empty name", tree: "(5)", wantErr: "empty process name"},
		{name: "trailing separator", tree: "a(1)|", wantErr: "ends with a separator"},
		{name: "text after last entry", tree: "a(1)|b", wantErr: "entry 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.tree)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q", tc.tree, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.tree, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Parse(%q) = %s, want %s", tc.tree, format(got), format(tc.want))
			}
		})
	}
}

func format(nodes []Node) string {
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(n.Name)
		if n.PID != nil {
			fmt.Fprintf(&b, "#%d", *n.PID)
		}
		b.WriteString(";")
	}
	return b.String()
}

// FuzzParse checks that any input either fails with an error or parses into
// nodes that survive printing and parsing again: never a panic.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"xenoncli(2907621)|containerd-shim(330852)|systemd(1)", "", "a()", "a|b(1)", "((()))|", "x(99999999999999999999)",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tree string) {
		nodes, err := Parse(tree)
		if err != nil {
			return
		}
		again, err := Parse(String(nodes))
		if err != nil || !reflect.DeepEqual(again, nodes) {
			t.Fatalf("round trip of %q: %s, then %s (%v)", tree, format(nodes), format(again), err)
		}
	})
}
