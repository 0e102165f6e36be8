package huaweicloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/paging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/recheck"
)

func ptr[T any](v T) *T { return &v }

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
	// Exactly one of LastDays or Begin/End is set. LastDays is never sent:
	// the reference marks begin_time and end_time required, the SDK always
	// sends them, so it is read as the range of the last LastDays days
	// before Now, in windows.
	LastDays   *int32
	Begin, End time.Time
	// Now is when the read started (default: time.Now()).
	Now time.Time

	// EnterpriseProjectID nil reads every enterprise project the
	// credentials may read (all_granted_eps), or, where the account refuses
	// that, the default one, with a warning.
	EnterpriseProjectID, HostName, HostIP, PrivateIP, HandleStatus *string
	// AllProjects remembers, across the reads of one provider, whether the
	// account refused all_granted_eps (nil: ask every time).
	AllProjects *AllProjects
}

// AllEnterpriseProjects is the enterprise_project_id that reads every
// enterprise project the credentials may read.
const AllEnterpriseProjects = "all_granted_eps"

// AllProjects remembers whether an account refused all_granted_eps.
type AllProjects struct{ refused atomic.Bool }

func (a *AllProjects) wasRefused() bool { return a != nil && a.refused.Load() }

func (a *AllProjects) setRefused() {
	if a != nil {
		a.refused.Store(true)
	}
}

// refusesAllProjects says whether err is the service refusing
// all_granted_eps: a client error (400 or 403) that names the parameter or
// the value. The reference needs the parameter only once enterprise
// projects are enabled: an account without them may refuse it.
func refusesAllProjects(err error) bool {
	var se *sdkerr.ServiceResponseError
	if !errors.As(err, &se) || se.StatusCode != http.StatusBadRequest && se.StatusCode != http.StatusForbidden {
		return false
	}
	text := se.ErrorCode + " " + se.ErrorMessage
	return strings.Contains(text, "enterprise_project_id") || strings.Contains(text, AllEnterpriseProjects)
}

// Window is a range of milliseconds, at most MaxWindow long.
type Window struct{ BeginMs, EndMs int64 }

// Windows splits [begin, end] into consecutive windows of at most MaxWindow.
// The reference does not say whether end_time is inclusive, so each window
// starts at the millisecond the previous one ended: an event at that
// instant is read whichever way the service counts it, and the copy is
// dropped by its event_id.
func Windows(begin, end time.Time) []Window {
	b, e := begin.UnixMilli(), end.UnixMilli()
	span := MaxWindow.Milliseconds()
	var out []Window
	for start := b; ; {
		stop := min(start+span, e)
		out = append(out, Window{start, stop})
		if stop >= e {
			return out
		}
		start = stop
	}
}

// Result is every event of a query, deduplicated and newest first.
type Result[T any] struct {
	// TotalNum is what the API reported, summed over windows, an event on
	// the millisecond two windows share counted once.
	TotalNum int64
	Events   []T
	Requests int64
	// Warnings say what the service did not do as asked, and what the read did instead.
	Warnings []paging.Warning
}

// Kept is what a read keeps of one event: its id and time, which order and
// de-duplicate the list, and the caller's own form of the event.
type Kept[T any] struct {
	ID        *string
	OccurTime int64
	Value     T
	// dropped: certainly outside a filter. Kept in the page until the end,
	// so that the pager sees how many events the page held.
	dropped bool
}

// Page is one page as it arrives: its window (0 with last_days), the total
// the API reported for that window, and its events.
type Page struct {
	Window int
	Total  int64
	Events []AppWhitelistEventResponseInfo
}

// Keep turns one page's events into what the caller keeps of them, one per
// event. It runs as each page arrives, concurrently, so the page's API structs
// can go at once; an error ends the read.
type Keep[T any] func(page Page) ([]T, error)

// ReadEvents reads every event of q as the API sends it.
func ReadEvents(ctx context.Context, lister PageLister, q Query, concurrency int) (*Result[AppWhitelistEventResponseInfo], error) {
	return ReadEventsAs(ctx, lister, q, concurrency, func(page Page) ([]AppWhitelistEventResponseInfo, error) {
		return page.Events, nil
	})
}

// ReadEventsAs reads every page of every window of q, keeping of each page
// what keep makes of it. The first page of each window gives its total; the
// remaining pages are fetched concurrently, at most concurrency at a time,
// and none past the last page (see package paging). Events seen twice are
// kept once, newest first.
func ReadEventsAs[T any](ctx context.Context, lister PageLister, q Query, concurrency int, keep Keep[T]) (*Result[T], error) {
	if q.EnterpriseProjectID != nil {
		return readWindows(ctx, lister, q, concurrency, keep)
	}
	warning := paging.Warning{
		Summary: "HSS read the default enterprise project only",
		Detail: "enterprise_project_id is unset, which reads every enterprise project the credentials may read (" +
			AllEnterpriseProjects + "), but this account refuses " + AllEnterpriseProjects + " (the reference needs it only " +
			"once enterprise projects are enabled). The events are those of the default enterprise project: if the account " +
			"has others, name each with enterprise_project_id.",
	}
	if !q.AllProjects.wasRefused() {
		all := q
		all.EnterpriseProjectID = ptr(AllEnterpriseProjects)
		res, err := readWindows(ctx, lister, all, concurrency, keep)
		if !refusesAllProjects(err) {
			return res, err
		}
		q.AllProjects.setRefused()
		logging.Warn(ctx, "HSS refused all_granted_eps: reading the default enterprise project", map[string]any{"error": err.Error()})
	}
	res, err := readWindows(ctx, lister, q, concurrency, keep)
	if res != nil {
		res.Warnings = append(res.Warnings, warning)
	}
	return res, err
}

// readWindows reads every page of every window of q.
func readWindows[T any](ctx context.Context, lister PageLister, q Query, concurrency int, keep Keep[T]) (*Result[T], error) {
	base := ListAppWhitelistEventRequest{
		EnterpriseProjectID: q.EnterpriseProjectID,
		HostName:            q.HostName,
		HostIP:              q.HostIP,
		PrivateIP:           q.PrivateIP,
		HandleStatus:        q.HandleStatus,
		Limit:               PageSize,
	}
	begin, end := q.Begin, q.End
	if q.LastDays != nil {
		now := q.Now
		if now.IsZero() {
			now = time.Now()
		}
		begin, end = now.Add(-time.Duration(*q.LastDays)*24*time.Hour), now
	}
	var requests []ListAppWhitelistEventRequest
	for _, w := range Windows(begin, end) {
		r := base
		r.BeginTime, r.EndTime = &w.BeginMs, &w.EndMs
		requests = append(requests, r)
	}
	filters := newFilterCheck(q)

	reader := paging.NewReader(PageSize, maxOffset, concurrency)
	windows := make([]paging.List[Kept[T]], len(requests))
	g, gctx := errgroup.WithContext(ctx)
	for i := range requests {
		name := fmt.Sprintf("window %d of %d", i+1, len(requests))
		g.Go(func() error {
			var err error
			windows[i], err = paging.Read(gctx, reader, name, func(ctx context.Context, offset int) (int64, []Kept[T], error) {
				req := requests[i]
				req.Offset = int32(offset)
				resp, err := lister.ListAppWhitelistEventPage(ctx, q.Target, &req)
				if err != nil {
					return 0, nil, err
				}
				total := int64(0)
				if resp.TotalNum != nil {
					total = int64(*resp.TotalNum)
				}
				kept, err := keepPage(Page{Window: i, Total: total, Events: resp.DataList}, filters, keep)
				return total, kept, err
			})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	size := 0
	for _, w := range windows {
		size += len(w.Items)
	}
	all := make([]Kept[T], 0, size)
	res := &Result[T]{Requests: reader.Requests(), Warnings: filters.Warnings()}
	// An event at a boundary millisecond is in both windows' totals: count it once.
	boundaries := map[int64]bool{}
	for _, r := range requests[1:] {
		boundaries[*r.BeginTime] = true
	}
	atBoundary := map[string]int{} // event id -> the window it was first seen in
	for i := range windows {
		res.TotalNum += windows[i].Total
		for _, k := range windows[i].Items {
			if k.ID == nil || !boundaries[k.OccurTime] {
				continue
			}
			if first, seen := atBoundary[*k.ID]; !seen {
				atBoundary[*k.ID] = i
			} else if first != i {
				res.TotalNum--
			}
		}
		all = append(all, windows[i].Items...)
		windows[i].Items = nil
	}
	res.TotalNum = max(res.TotalNum, 0)
	all = slices.DeleteFunc(all, func(k Kept[T]) bool { return k.dropped })
	all = paging.Unique(all, func(k *Kept[T]) (string, bool) {
		if k.ID == nil {
			return "", false
		}
		return *k.ID, true
	})
	sort.SliceStable(all, func(a, b int) bool { return all[a].OccurTime > all[b].OccurTime })
	res.Events = make([]T, len(all))
	for i := range all {
		res.Events[i] = all[i].Value
	}
	return res, nil
}

// keepPage keeps what keep makes of the page's events, and a placeholder
// for each one certainly outside a filter.
func keepPage[T any](page Page, filters *recheck.Check[AppWhitelistEventResponseInfo], keep Keep[T]) ([]Kept[T], error) {
	events := page.Events
	dropped := make([]bool, len(events))
	var in []AppWhitelistEventResponseInfo
	for i := range events {
		if dropped[i] = filters.Drop(&events[i]); !dropped[i] {
			in = append(in, events[i])
		}
	}
	if len(in) == len(events) {
		in = events
	}
	page.Events = in
	values, err := keep(page)
	if err != nil {
		return nil, err
	}
	if len(values) != len(in) {
		return nil, fmt.Errorf("kept %d of a page's %d events", len(values), len(in))
	}
	kept := make([]Kept[T], len(events))
	j := 0
	for i := range events {
		kept[i] = Kept[T]{ID: events[i].EventID, dropped: dropped[i]}
		if events[i].OccurTime != nil {
			kept[i].OccurTime = *events[i].OccurTime
		}
		if !dropped[i] {
			kept[i].Value = values[j]
			j++
		}
	}
	return kept, nil
}
