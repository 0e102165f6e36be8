// Package paging reads every page of an offset-and-limit list API exactly
// once, for both clouds. A list ends at a short or empty page: the first
// page's total is a claim (search-backed APIs cap or estimate it), which
// says how many pages to ask for at once; when the page it calls last comes
// back full, the read goes on. The positions that events arriving mid-read
// pushed past the pages already read are read again. Each page is converted
// as it arrives, so that a caller can keep a compact form of its items
// instead of the API's structs.
package paging

import (
	"context"
	"fmt"
	"sort"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
)

// Fetch reads the page at offset and returns the total the API reported with
// the page's items, already converted.
type Fetch[T any] func(ctx context.Context, offset int) (total int64, items []T, err error)

// Reader bounds the requests of one read: at most as many in flight as its
// semaphore allows, whatever the number of lists read at once.
type Reader struct {
	PageSize  int
	MaxOffset int // the API's largest offset
	// SpeculateSecondPage requests the second page alongside the first,
	// before the total is known. Under a tight rate limit this saves one
	// round trip, during which the limiter would otherwise stand idle, at the
	// price of one request that finds no items when the list fits one page.
	SpeculateSecondPage bool
	sem                 *semaphore.Weighted
	concurrency         int
	requests            atomic.Int64
}

// NewReader allows concurrency requests in flight; the clients' rate limit
// bounds how fast they start.
func NewReader(pageSize, maxOffset, concurrency int) *Reader {
	concurrency = max(concurrency, 1)
	return &Reader{PageSize: pageSize, MaxOffset: maxOffset, sem: semaphore.NewWeighted(int64(concurrency)), concurrency: concurrency}
}

// Requests counts the requests made so far.
func (r *Reader) Requests() int64 { return r.requests.Load() }

// List is one list read to the end.
type List[T any] struct {
	// Total is what the first page reported.
	Total int64
	// Items in list order, as the first page saw the list; an item that moved
	// across a page boundary while the list was read may appear twice.
	Items []T
}

type page[T any] struct {
	offset int
	total  int64
	items  []T
}

// getPage reads the page at offset under r's bound.
func getPage[T any](ctx context.Context, r *Reader, fetch Fetch[T], offset int) (page[T], error) {
	if offset > r.MaxOffset {
		return page[T]{}, fmt.Errorf("the list holds more items than the API can page through (offset above %d): narrow the query", r.MaxOffset)
	}
	if err := r.sem.Acquire(ctx, 1); err != nil {
		return page[T]{}, err
	}
	defer r.sem.Release(1)
	r.requests.Add(1)
	total, items, err := fetch(ctx, offset)
	return page[T]{offset: offset, total: total, items: items}, err
}

// ReadWhile reads a list ordered so that the items wanted come first (the
// newest, for a time range), a wave of pages at a time, and stops after the
// wave in which a page ends the list or more says it reaches past what is
// wanted. more sees every page read, in list order, once: it can check what
// the service returned, and its error ends the read. wave says how many pages
// the next wave asks for, from the items read so far (none for the first):
// concurrency is spent only where the items seen say it will not be wasted.
// Items of the pages after the one that reaches past what is wanted are
// dropped: they are further past.
func ReadWhile[T any](ctx context.Context, r *Reader, name string, wave func(read []T) int, fetch Fetch[T], more func(page []T) (bool, error)) (List[T], error) {
	var out List[T]
	beyond := 0 // waves read past the pages the total counts
	for offset := 0; ; {
		n := max(wave(out.Items), 1)
		if offset > 0 {
			if counted := int((out.Total - int64(offset) + int64(r.PageSize) - 1) / int64(r.PageSize)); counted > 0 {
				n = min(n, counted)
			} else {
				// The total understated the list: one page first (an exact
				// total costs one request more), then twice as many each wave.
				n = min(n, 1<<beyond, r.concurrency)
				beyond = min(beyond+1, 30)
			}
		}
		pages := make([]page[T], n)
		g, gctx := errgroup.WithContext(ctx)
		for i := range pages {
			g.Go(func() error {
				var err error
				pages[i], err = getPage(gctx, r, fetch, offset+i*r.PageSize)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return List[T]{}, err
		}
		if offset == 0 {
			out.Total = pages[0].total
		}
		for _, p := range pages {
			out.Items = append(out.Items, p.items...)
			goOn, err := more(p.items)
			if err != nil {
				return List[T]{}, err
			}
			if len(p.items) < r.PageSize || !goOn {
				logging.Debug(ctx, "read the wanted part of the list", map[string]any{
					"list": name, "total": out.Total, "items": len(out.Items), "requests": r.Requests(),
				})
				return out, nil
			}
		}
		offset += len(pages) * r.PageSize
	}
}

// Read reads one list to the end. name labels its log lines.
func Read[T any](ctx context.Context, r *Reader, name string, fetch Fetch[T]) (List[T], error) {
	get := func(ctx context.Context, offset int) (page[T], error) { return getPage(ctx, r, fetch, offset) }

	type result struct {
		page page[T]
		err  error
	}
	var second chan result
	secondCtx, cancelSecond := context.WithCancel(ctx)
	defer cancelSecond()
	if r.SpeculateSecondPage {
		second = make(chan result, 1)
		go func() {
			p, err := get(secondCtx, r.PageSize)
			second <- result{p, err}
		}()
	}

	first, err := get(ctx, 0)
	if err != nil {
		return List[T]{}, err
	}
	counted := int((first.total + int64(r.PageSize) - 1) / int64(r.PageSize))
	if first.total > 0 && first.total%int64(r.PageSize) == 0 {
		// The total calls a full page the last: whether it is, only the page
		// after it says. Asked for with the others, it costs no round trip.
		counted++
	}
	pages := make([]page[T], max(1, counted))
	pages[0] = first
	logging.Debug(ctx, "read the first page", map[string]any{"list": name, "total": first.total, "pages": len(pages)})
	read := 1 // pages read so far
	if second != nil && len(pages) == 1 {
		if len(first.items) < r.PageSize {
			// The list ends on the first page: the second one, sent or
			// not, is not needed.
			cancelSecond()
			<-second
		} else {
			// The total calls a full page the last: the second page, asked
			// for already, says whether it was.
			got := <-second
			if got.err != nil {
				return List[T]{}, got.err
			}
			pages, read = append(pages, got.page), 2
		}
		second = nil
	}
	g, gctx := errgroup.WithContext(ctx)
	for p := read; p < len(pages); p++ {
		g.Go(func() error {
			if p == 1 && second != nil {
				got := <-second
				pages[1] = got.page
				return got.err
			}
			var err error
			pages[p], err = get(gctx, p*r.PageSize)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return List[T]{}, err
	}
	if pages, err = readOn(ctx, r, get, pages, name); err != nil {
		return List[T]{}, err
	}
	if pages, err = fillGaps(ctx, get, pages, name); err != nil {
		return List[T]{}, err
	}

	// List order: by the position each page's items had when the first page was read.
	sort.SliceStable(pages, func(a, b int) bool { return pages[a].from(first.total) < pages[b].from(first.total) })
	size := 0
	for _, p := range pages {
		size += len(p.items)
	}
	out := List[T]{Total: first.total, Items: make([]T, 0, size)}
	for _, p := range pages {
		out.Items = append(out.Items, p.items...)
	}
	return out, nil
}

// readOn reads past the pages the total counts while the last page read is
// full: the first wave one page (an exact total costs one request more),
// then twice as many each wave, concurrently, up to the reader's bound.
func readOn[T any](ctx context.Context, r *Reader, get func(context.Context, int) (page[T], error), pages []page[T], name string) ([]page[T], error) {
	for wave := 1; len(pages[len(pages)-1].items) >= r.PageSize; wave = min(wave*2, r.concurrency) {
		next := pages[len(pages)-1].offset + r.PageSize
		logging.Debug(ctx, "the last page the total counts is full: reading on", map[string]any{
			"list": name, "total": pages[0].total, "offset": next, "pages": wave,
		})
		batch := make([]page[T], wave)
		g, gctx := errgroup.WithContext(ctx)
		for i := range batch {
			g.Go(func() error {
				var err error
				batch[i], err = get(gctx, next+i*r.PageSize)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		for _, p := range batch {
			pages = append(pages, p)
			if len(p.items) < r.PageSize {
				return pages, nil // the list ends here; any page after it is empty
			}
		}
	}
	return pages, nil
}

// from is where the page starts in the list as a first page of total saw it.
// New items arrive at the head (the lists are newest first), so a page whose
// total is larger by k saw every older item k places further down.
func (p page[T]) from(firstTotal int64) int64 {
	return int64(p.offset) - (p.total - firstTotal)
}

// firstGap returns the first position, counted as the first page saw the
// list, that no page covered, and the largest shift seen.
func firstGap[T any](pages []page[T]) (gap, shift int64, ok bool) {
	firstTotal := pages[0].total
	type span struct{ from, to int64 }
	spans := make([]span, 0, len(pages))
	for _, p := range pages {
		shift = max(shift, p.total-firstTotal)
		from := p.from(firstTotal)
		spans = append(spans, span{from, from + int64(len(p.items))})
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].from < spans[b].from })
	covered := int64(0)
	for _, s := range spans {
		if s.from > covered {
			return covered, shift, true
		}
		covered = max(covered, s.to)
	}
	return covered, shift, covered < firstTotal
}

// maxGapReads bounds the re-reads of one list while items keep arriving.
const maxGapReads = 50

// fillGaps reads, one after another, the positions that shifted past the
// pages read concurrently while new items arrived.
func fillGaps[T any](ctx context.Context, get func(context.Context, int) (page[T], error), pages []page[T], name string) ([]page[T], error) {
	for reads := 0; ; reads++ {
		gap, shift, ok := firstGap(pages)
		if !ok {
			return pages, nil
		}
		if reads == maxGapReads {
			return nil, fmt.Errorf("items kept arriving faster than %d re-reads could follow; try again or narrow the query", maxGapReads)
		}
		offset := int(gap + shift)
		logging.Debug(ctx, "re-reading a page shifted by new items", map[string]any{"list": name, "offset": offset, "shift": shift})
		p, err := get(ctx, offset)
		if err != nil {
			return nil, err
		}
		if len(p.items) == 0 {
			return pages, nil // the list shrank: nothing is left to read there
		}
		pages = append(pages, p)
	}
}

// Unique drops the items whose key was seen before; an item without a key
// (ok false) is always kept.
func Unique[T any](items []T, key func(*T) (string, bool)) []T {
	seen := make(map[string]struct{}, len(items))
	kept := items[:0]
	for i := range items {
		if k, ok := key(&items[i]); ok {
			if _, dup := seen[k]; dup {
				continue
			}
			seen[k] = struct{}{}
		}
		kept = append(kept, items[i])
	}
	clear(items[len(kept):]) // let the dropped items go
	return kept
}

// Warning is something a reader noticed in what a service returned and
// worked around: the read is complete, and the user should know.
type Warning struct{ Summary, Detail string }
