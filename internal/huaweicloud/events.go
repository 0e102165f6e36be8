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
// while paging shift offsets: a total that grows is followed up, and events
// seen twice are kept once.
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
	// Follow up windows whose total grew while they were paged.
	for i := range windows {
		if err := reader.readGrowth(ctx, requests[i], &windows[i]); err != nil {
			return nil, err
		}
	}

	res := &Result{Requests: reader.requests.Load()}
	size := 0
	for i := range windows {
		res.TotalNum += windows[i].firstTotal
		for _, p := range windows[i].pages {
			size += len(p)
		}
	}
	seen := make(map[string]struct{}, size)
	res.Events = make([]AppWhitelistEventResponseInfo, 0, size)
	for i := range windows {
		for _, page := range windows[i].pages {
			for _, ev := range page {
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
	maxTotal   atomic.Int64
	pages      [][]AppWhitelistEventResponseInfo
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
	first, err := r.fetch(ctx, req, 0)
	if err != nil {
		return err
	}
	if first.TotalNum != nil {
		w.firstTotal = int64(*first.TotalNum)
	}
	w.maxTotal.Store(w.firstTotal)
	pageCount := max(1, int((w.firstTotal+PageSize-1)/PageSize))
	w.pages = make([][]AppWhitelistEventResponseInfo, pageCount)
	w.pages[0] = first.DataList
	tflog.Debug(ctx, "read first page of window", map[string]any{
		"window": n, "windows": of, "total_num": w.firstTotal, "pages": pageCount,
	})
	for p := 1; p < pageCount; p++ {
		g.Go(func() error {
			resp, err := r.fetch(ctx, req, p*PageSize)
			if err != nil {
				return err
			}
			w.pages[p] = resp.DataList
			if resp.TotalNum != nil {
				for total := int64(*resp.TotalNum); ; {
					cur := w.maxTotal.Load()
					if total <= cur || w.maxTotal.CompareAndSwap(cur, total) {
						break
					}
				}
			}
			return nil
		})
	}
	return nil
}

// readGrowth reads, one after another, the pages a window's grown total added.
func (r *pageReader) readGrowth(ctx context.Context, req ListAppWhitelistEventRequest, w *windowPages) error {
	for offset := len(w.pages) * PageSize; int64(offset) < w.maxTotal.Load(); offset += PageSize {
		resp, err := r.fetch(ctx, req, offset)
		if err != nil {
			return err
		}
		w.pages = append(w.pages, resp.DataList)
		if resp.TotalNum != nil && int64(*resp.TotalNum) > w.maxTotal.Load() {
			w.maxTotal.Store(int64(*resp.TotalNum))
		}
		if len(resp.DataList) == 0 {
			break
		}
	}
	return nil
}
