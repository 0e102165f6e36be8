package provider

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// grpcLimit is the largest message terraform-plugin-go's gRPC server sends;
// past it Terraform prints "grpc: trying to send message larger than max" and
// names nothing.
const grpcLimit = 256 << 20

// maxStateBytes is the most state a list read may return: grpcLimit less a
// margin for the rest of the response (the framework's small state,
// diagnostics). Tests lower it to reach it with fewer events.
var maxStateBytes atomic.Int64

func init() { maxStateBytes.Store(grpcLimit - 2<<20) }

// earlyFailure is how far a projection must pass the limit to end the read
// before its last page: the size per event of the first pages is an estimate.
const earlyFailure = 1.1

// stateBudget follows the encoded state of a list read as pages arrive, and
// ends the read as soon as the events it will keep cannot fit: once the first
// pages give the total and the size per event, a read that cannot fit fails
// without spending the API's quota on pages it would throw away.
type stateBudget struct {
	limit      int64
	maxResults int64 // -1: no max_results

	mu    sync.Mutex
	lists map[int]*listCount // each list read (each HSS window, the TCSS list)
}

// listCount is what one list read has added so far.
type listCount struct {
	total   int64 // the API's count of the list
	seen    int64 // events encoded so far
	matched int64 // of which the client-side filter keeps
	bytes   int64 // the encoded size of those
}

func newStateBudget(maxResults types.Int64) *stateBudget {
	b := &stateBudget{limit: maxStateBytes.Load(), maxResults: -1, lists: map[int]*listCount{}}
	if !maxResults.IsNull() {
		b.maxResults = maxResults.ValueInt64()
	}
	return b
}

// restart forgets what list added: its read starts over.
func (b *stateBudget) restart(list int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.lists, list)
}

// add counts one page of list, whose total the API reported: n events, of
// which size says the encoded size of each the client-side filter keeps.
func (b *stateBudget) add(list int, total int64, n int, size func(i int) (bytes int, kept bool)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	l := b.lists[list]
	if l == nil {
		l = &listCount{}
		b.lists[list] = l
	}
	l.total = max(l.total, total)
	for i := range n {
		l.seen++
		if s, kept := size(i); kept {
			l.matched++
			l.bytes += int64(s)
		}
	}
	var all listCount
	for _, l := range b.lists {
		all.total += l.total
		all.seen += l.seen
		all.matched += l.matched
		all.bytes += l.bytes
	}
	if all.matched == 0 {
		return nil
	}
	known := all.total
	perEvent := float64(all.bytes) / float64(all.matched)
	expected := max(float64(known)*float64(all.matched)/float64(all.seen), float64(all.matched))
	certain := all.bytes
	if b.maxResults >= 0 {
		expected = min(expected, float64(b.maxResults))
		certain = min(certain, int64(float64(b.maxResults)*perEvent))
	}
	switch {
	case certain > b.limit:
		err := &stateTooLargeError{events: all.matched, bytes: certain, perEvent: perEvent, limit: b.limit}
		if all.seen < known {
			err.atLeast, err.stopped = true, true
		}
		return err
	case expected*perEvent > earlyFailure*float64(b.limit):
		return &stateTooLargeError{events: int64(expected), bytes: int64(expected * perEvent), perEvent: perEvent, limit: b.limit,
			estimated: true, stopped: true}
	}
	return nil
}

// check measures the state of the events kept, once the read is done.
func (b *stateBudget) check(events int, bytes int64) error {
	if bytes <= b.limit || events == 0 {
		return nil
	}
	return &stateTooLargeError{events: int64(events), bytes: bytes, perEvent: float64(bytes) / float64(events), limit: b.limit}
}

// stateTooLargeError is a read whose state Terraform could not be sent.
type stateTooLargeError struct {
	events    int64
	bytes     int64
	perEvent  float64
	limit     int64
	estimated bool // projected from the first pages
	atLeast   bool // measured on the pages read so far
	stopped   bool // before the last page
}

func (e *stateTooLargeError) Error() string {
	return fmt.Sprintf("%d events would take %d bytes of state, more than %d", e.events, e.bytes, e.limit)
}

// fits is about how many events of this shape fit under the limit.
func (e *stateTooLargeError) fits() int64 { return int64(float64(e.limit) / e.perEvent) }

// addStateTooLarge reports err, if it is a stateTooLargeError, as the one
// diagnostic of the read; narrow names the data source's own ways to read less.
func addStateTooLarge(diags *diag.Diagnostics, err error, narrow, keptFirst string) bool {
	var tooLarge *stateTooLargeError
	if !errors.As(err, &tooLarge) {
		return false
	}
	about, stopped := "", ""
	switch {
	case tooLarge.estimated:
		about = "about "
	case tooLarge.atLeast:
		about = "at least "
	}
	if tooLarge.stopped {
		stopped = " The read stopped there, before requesting the pages it would have thrown away."
	}
	fits := tooLarge.fits()
	diags.AddError("Event list too large for Terraform",
		fmt.Sprintf("This read would keep %s%d events, %s of state (%s per event), more than the %s a read may return: "+
			"Terraform's plugin protocol carries at most %s in one response (terraform-plugin-go's gRPC limit). "+
			"About %d events of this shape fit.%s\n\n"+
			"Narrow the read: %s; or set max_results, such as max_results = %d to keep the %s that fit; or set "+
			"max_results = 0 to keep no events and only summary, which counts any number of them.",
			about, tooLarge.events, mib(tooLarge.bytes), kib(tooLarge.perEvent), mib(tooLarge.limit), fmt.Sprintf("%d MiB", grpcLimit>>20), fits, stopped,
			narrow, fits*9/10, keptFirst))
	return true
}

func mib(b int64) string   { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/(1<<10)) }
