// Package processtree parses the process ancestry string TCSS reports, such as
// "xenoncli(2907621)|containerd-shim(330852)|systemd(1)", into its nodes.
//
// Grammar: entries separated by "|", each entry is name "(" pid ")" where the pid
// may be empty. A "|" separates entries only right after an entry's closing
// "(pid)", so process names may themselves contain "(", ")" and "|".
package processtree

import (
	"fmt"
	"strconv"
)

// Node is one process of the tree. PID is nil when the API left it empty.
type Node struct {
	Name string
	PID  *int64
}

// Parse returns the nodes child first, in the order the API lists them.
// An empty string is an empty tree; anything not matching the grammar is an error.
func Parse(tree string) ([]Node, error) {
	nodes := []Node{}
	start := 0
	for start < len(tree) {
		open, closing, ok := nextEntryEnd(tree, start)
		if !ok {
			return nil, fmt.Errorf("entry %d (%q) does not end with \"(pid)\"", len(nodes)+1, tree[start:])
		}
		name := tree[start:open]
		if name == "" {
			return nil, fmt.Errorf("entry %d has an empty process name", len(nodes)+1)
		}
		node := Node{Name: name}
		if digits := tree[open+1 : closing]; digits != "" {
			pid, err := strconv.ParseInt(digits, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("entry %d: pid %q is out of range", len(nodes)+1, digits)
			}
			node.PID = &pid
		}
		nodes = append(nodes, node)
		start = closing + 1
		if start < len(tree) {
			start++ // the "|" after the entry
			if start == len(tree) {
				return nil, fmt.Errorf("the tree ends with a separator after entry %d", len(nodes))
			}
		}
	}
	return nodes, nil
}

// nextEntryEnd finds, from start, the first "(digits)" that is followed by "|" or
// the end of the string, and returns the positions of its parentheses.
func nextEntryEnd(s string, start int) (open, closing int, ok bool) {
	for closing = start; closing < len(s); closing++ {
		if s[closing] != ')' || (closing+1 < len(s) && s[closing+1] != '|') {
			continue
		}
		open = closing - 1
		for open >= start && s[open] >= '0' && s[open] <= '9' {
			open--
		}
		if open >= start && s[open] == '(' {
			return open, closing, true
		}
	}
	return 0, 0, false
}

// String prints nodes back in the API's notation.
func String(nodes []Node) string {
	b := make([]byte, 0, 16*len(nodes))
	for i, n := range nodes {
		if i > 0 {
			b = append(b, '|')
		}
		b = append(b, n.Name...)
		b = append(b, '(')
		if n.PID != nil {
			b = strconv.AppendInt(b, *n.PID, 10)
		}
		b = append(b, ')')
	}
	return string(b)
}
