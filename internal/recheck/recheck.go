// Package recheck checks again, on every event a service returns, the
// filters its request sent, for the clouds whose documents leave open how
// (or whether) a filter is applied. An event is dropped only when it
// carries the field and no reading of the filter could have matched it; a
// read says once per filter how many it dropped.
package recheck

import (
	"fmt"
	"sync"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/paging"
)

// Filter is one filter a request sent.
type Filter[E any] struct {
	// Name is the filter's name in the API, such as host_name.
	Name string
	// Value is the event's value for it; nil: the event does not say.
	Value func(*E) *string
	// Fails says whether a value certainly fails the filter.
	Fails func(v string) bool
	// Rule says what a dropped event's value is, for the warning, such as
	// `does not contain "web-1"`.
	Rule string
}

// Check re-checks the filters of one read; safe for the pages checked concurrently.
type Check[E any] struct {
	service, action string
	filters         []Filter[E]
	mu              sync.Mutex
	dropped         map[string]int
}

// New checks filters on what service's action returns (service and action
// name the warnings: "HSS", "ListAppWhitelistEvent").
func New[E any](service, action string, filters []Filter[E]) *Check[E] {
	return &Check[E]{service: service, action: action, filters: filters, dropped: map[string]int{}}
}

// Drop says whether e certainly fails a filter, and counts it.
func (c *Check[E]) Drop(e *E) bool {
	for _, f := range c.filters {
		if v := f.Value(e); v != nil && f.Fails(*v) {
			c.mu.Lock()
			c.dropped[f.Name]++
			c.mu.Unlock()
			return true
		}
	}
	return false
}

// Warnings says, once per filter, how many events the service returned
// that the filter excludes.
func (c *Check[E]) Warnings() []paging.Warning {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []paging.Warning
	for _, f := range c.filters {
		if n := c.dropped[f.Name]; n > 0 {
			out = append(out, paging.Warning{
				Summary: c.service + " did not apply the filter " + f.Name,
				Detail: fmt.Sprintf("%s returned %d events whose %s %s, though the request filtered on it. They were dropped and "+
					"are not counted anywhere (the API's own total still counts them): the service did not apply the filter, or "+
					"reads it in a way its documents do not say.", c.action, n, f.Name, f.Rule),
			})
		}
	}
	return out
}
