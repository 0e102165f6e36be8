package huaweicloud

import (
	"context"
	"fmt"
	"sort"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

const (
	// PageSize is the API's largest page.
	PageSize = 200
	// MaxWindow is the longest begin_time..end_time the API accepts in one request.
	MaxWindow = 48 * time.Hour
	// maxOffset is the API's largest offset.
	maxOffset = 2_000_000
	// DefaultConcurrency bounds the requests one read has in flight; the
	// provider's rate limit bounds how fast they start.
	DefaultConcurrency = 8
)

// Query is one read of the data source, before windows and pages.
type Query struct {
	Target Target
	// Exactly one of LastDays or Begin/End is set.
	LastDays   *int32
	Begin, End time.Time

	EnterpriseProjectID, HostName, HostIP, PrivateIP, HandleStatus *string
}

// Window is an inclusive range of milliseconds, at most MaxWindow long.
type Window struct{ BeginMs, EndMs int64 }

// Windows splits [begin, end] into consecutive windows of at most MaxWindow.
// Both bounds are inclusive in the API, so each window starts one millisecond
// after the previous one ends: no event is read twice or lost at a boundary.
func Windows(begin, end time.Time) []Window {
	b, e := begin.UnixMilli(), end.UnixMilli()
	span := MaxWindow.Milliseconds()
	var out []Window
	for start := b; start <= e; {
		stop := min(start+span, e)
		out = append(out, Window{start, stop})
		start = stop + 1
	}
	return out
}

// Result is every event of a query, deduplicated and newest first.
type Result struct {
	// TotalNum is what the API reported, summed over windows.
	TotalNum int64
	Events   []AppWhitelistEventResponseInfo
	Requests int64
}

// ReadEvents reads every page of every window of q. The first page of each
// window gives its total; the remaining pages are fetched concurrently, at
// most concurrency at a time, and none past the last page. Events that arrive
// while paging shift offsets: the positions that shift left unread are read
// again (see fillGaps), and events seen twice are kept once.
func ReadEvents(ctx context.Context, lister PageLister, q Query, concurrency int) (*Result, error) {
	base := ListAppWhitelistEventRequest{
		EnterpriseProjectID: q.EnterpriseProjectID,
		HostName:            q.HostName,
		HostIP:              q.HostIP,
		PrivateIP:           q.PrivateIP,
		HandleStatus:        q.HandleStatus,
		Limit:               PageSize,
	}
	var requests []ListAppWhitelistEventRequest
	if q.LastDays != nil {
		r := base
		r.LastDays = q.LastDays
		requests = append(requests, r)
	} else {
		for _, w := range Windows(q.Begin, q.End) {
			r := base
			r.BeginTime, r.EndTime = &w.BeginMs, &w.EndMs
			requests = append(requests, r)
		}
	}

	reader := &pageReader{lister: lister, target: q.Target, sem: semaphore.NewWeighted(int64(max(concurrency, 1)))}
	windows := make([]windowPages, len(requests))
	g, gctx := errgroup.WithContext(ctx)
	for i := range requests {
		g.Go(func() error { return reader.readWindow(gctx, g, requests[i], &windows[i], i+1, len(requests)) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i := range windows {
		if err := reader.fillGaps(ctx, requests[i], &windows[i]); err != nil {
			return nil, err
		}
	}

	res := &Result{Requests: reader.requests.Load()}
	size := 0
	for i := range windows {
		res.TotalNum += windows[i].firstTotal
		for _, p := range windows[i].pages {
			size += len(p.events)
		}
	}
	seen := make(map[string]struct{}, size)
	res.Events = make([]AppWhitelistEventResponseInfo, 0, size)
	for i := range windows {
		for _, page := range windows[i].pages {
			for _, ev := range page.events {
				if ev.EventID != nil {
					if _, dup := seen[*ev.EventID]; dup {
						continue
					}
					seen[*ev.EventID] = struct{}{}
				}
				res.Events = append(res.Events, ev)
			}
		}
	}
	sort.SliceStable(res.Events, func(a, b int) bool {
		return occurTime(res.Events[a]) > occurTime(res.Events[b])
	})
	return res, nil
}

func occurTime(e AppWhitelistEventResponseInfo) int64 {
	if e.OccurTime == nil {
		return 0
	}
	return *e.OccurTime
}

type windowPages struct {
	firstTotal int64
	pages      []page
}

// page is one response: its offset, the total it reported, its events.
type page struct {
	offset int
	total  int64
	events []AppWhitelistEventResponseInfo
}

func newPage(offset int, resp *ListAppWhitelistEventResponse) page {
	p := page{offset: offset, events: resp.DataList}
	if resp.TotalNum != nil {
		p.total = int64(*resp.TotalNum)
	}
	return p
}

// firstGap returns the first position, counted as the window's first page
// saw the list, that no page covered. New events arrive at the head (the list
// is newest first), so a page whose total is larger by k saw every older
// event k places further down: it covers [offset-k, offset-k+len).
func (w *windowPages) firstGap() (gap, shift int64, ok bool) {
	type span struct{ from, to int64 }
	spans := make([]span, 0, len(w.pages))
	for _, p := range w.pages {
		k := p.total - w.firstTotal
		shift = max(shift, k)
		from := int64(p.offset) - k
		spans = append(spans, span{from, from + int64(len(p.events))})
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].from < spans[b].from })
	covered := int64(0)
	for _, s := range spans {
		if s.from > covered {
			return covered, shift, true
		}
		covered = max(covered, s.to)
	}
	return covered, shift, covered < w.firstTotal
}

type pageReader struct {
	lister   PageLister
	target   Target
	sem      *semaphore.Weighted
	requests atomic.Int64
}

func (r *pageReader) fetch(ctx context.Context, req ListAppWhitelistEventRequest, offset int) (*ListAppWhitelistEventResponse, error) {
	if offset > maxOffset {
		return nil, fmt.Errorf("the window holds more events than the API can page through (offset above %d): narrow the time range or add filters", maxOffset)
	}
	if err := r.sem.Acquire(ctx, 1); err != nil {
		return nil, err
	}
	defer r.sem.Release(1)
	req.Offset = int32(offset)
	r.requests.Add(1)
	return r.lister.ListAppWhitelistEventPage(ctx, r.target, &req)
}

func (r *pageReader) readWindow(ctx context.Context, g *errgroup.Group, req ListAppWhitelistEventRequest, w *windowPages, n, of int) error {
	resp, err := r.fetch(ctx, req, 0)
	if err != nil {
		return err
	}
	first := newPage(0, resp)
	w.firstTotal = first.total
	w.pages = make([]page, max(1, int((first.total+PageSize-1)/PageSize)))
	w.pages[0] = first
	tflog.Debug(ctx, "read first page of window", map[string]any{
		"window": n, "windows": of, "total_num": w.firstTotal, "pages": len(w.pages),
	})
	for p := 1; p < len(w.pages); p++ {
		g.Go(func() error {
			resp, err := r.fetch(ctx, req, p*PageSize)
			if err != nil {
				return err
			}
			w.pages[p] = newPage(p*PageSize, resp)
			return nil
		})
	}
	return nil
}

// maxGapReads bounds the re-reads of one window while events keep arriving.
const maxGapReads = 50

// fillGaps reads, one after another, the positions that shifted past the
// pages read concurrently while new events arrived.
func (r *pageReader) fillGaps(ctx context.Context, req ListAppWhitelistEventRequest, w *windowPages) error {
	for reads := 0; ; reads++ {
		gap, shift, ok := w.firstGap()
		if !ok {
			return nil
		}
		if reads == maxGapReads {
			return fmt.Errorf("events kept arriving faster than %d re-reads could follow; try again or narrow the range", maxGapReads)
		}
		offset := int(gap + shift)
		tflog.Debug(ctx, "re-reading a page shifted by new events", map[string]any{"offset": offset, "shift": shift})
		resp, err := r.fetch(ctx, req, offset)
		if err != nil {
			return err
		}
		if len(resp.DataList) == 0 {
			return nil // the list shrank: nothing is left to read there
		}
		w.pages = append(w.pages, newPage(offset, resp))
	}
}
