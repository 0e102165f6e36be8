package recheck_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/recheck"
)

type event struct{ host *string }

// TestCheckCountsConcurrentPages: pages are checked concurrently; every
// drop is counted once, events without the field are kept.
func TestCheckCountsConcurrentPages(t *testing.T) {
	c := recheck.New("HSS", "ListAppWhitelistEvent", []recheck.Filter[event]{{
		Name: "host_name", Value: func(e *event) *string { return e.host },
		Fails: func(v string) bool { return !strings.Contains(v, "web") }, Rule: `does not contain "web"`,
	}})
	web, db := "web-1", "db-1"
	var wg sync.WaitGroup
	var mu sync.Mutex
	kept := 0
	for range 8 {
		wg.Go(func() {
			for i := range 1000 {
				e := []event{{&web}, {&db}, {nil}}[i%3]
				if !c.Drop(&e) {
					mu.Lock()
					kept++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	w := c.Warnings()
	if kept != 8*667 || len(w) != 1 || !strings.Contains(w[0].Detail, `ListAppWhitelistEvent returned 2664 events whose host_name does not contain "web"`) {
		t.Errorf("kept %d, warnings %+v", kept, w)
	}
	if len(recheck.New[event]("TCSS", "x", nil).Warnings()) != 0 {
		t.Error("a check without filters warns")
	}
}
