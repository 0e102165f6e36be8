package tencentcloud

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	tcerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/logging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/paging"
	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/recheck"
)

// The API's documented value sets (the SDK's comments), for validators,
// descriptions and the local cloud's fixtures. EVENT_INGNORE is its spelling.
var (
	Statuses   = []string{"EVENT_UNDEAL", "EVENT_DEALED", "EVENT_INGNORE"}
	RuleLevels = []string{"HIGH", "MIDDLE", "LOW"}
	Behaviors  = []string{"BEHAVIOR_NONE", "BEHAVIOR_ALERT", "BEHAVIOR_RELEASE", "BEHAVIOR_HOLDUP_FAILED", "BEHAVIOR_HOLDUP_SUCCESSED"}
	RuleModes  = []string{"RULE_MODE_ALERT", "RULE_MODE_HOLDUP", "RULE_MODE_RELEASE"}
)

// ListConcurrency bounds the requests one list read has in flight; the
// provider's TCSS limiter, shared with the detail reads, bounds how fast they start.
const ListConcurrency = 8

// The orders a ranged read asks for, by the time its range applies to: the
// SDK documents no values for By, so whether the service honours it is
// checked on every page.
const (
	ByFoundTime       = "FoundTime"
	ByLatestFoundTime = "LatestFoundTime"
	rangeOrder        = "desc"
)

// ListQuery is one read of DescribeAbnormalProcessEvents.
type ListQuery struct {
	Region string
	// Request is every page's request but Offset and Limit: its filters,
	// and By and Order when there is no Range.
	Request DescribeAbnormalProcessEventsRequest
	// Range, when set, keeps the events whose time (By) is within it,
	// bounds included (those whose time is absent or unreadable are left
	// out, with a warning), and reads the list by that time, newest
	// first, stopping after the pages that reach past its begin.
	Range *Range
	// By is the time the range applies to: ByFoundTime (the default) or
	// ByLatestFoundTime, when an event was last seen again.
	By string
	// Zone reads the API's zone-less times.
	Zone *time.Location
}

// Range is a time range, bounds included.
type Range struct{ Begin, End time.Time }

// Keep turns the events of one page that a read keeps (in the range, and
// not certainly outside a filter) into the caller's form, one per event. It
// runs as pages arrive, concurrently; an error ends the read.
type Keep[T any] func(total int64, events []AbnormalProcessEventInfo) ([]T, error)

// ListResult is a list read to the end.
type ListResult[T any] struct {
	// Total is the TotalCount of the first page: the whole list's, whatever the range.
	Total int64
	// Items are what Keep made, in the list's order, each event once.
	Items    []T
	Requests int64
	// Warnings say what the service did not do as asked, and what the read did instead.
	Warnings []paging.Warning
}

// ReadList reads the list q asks for. newKeep gives each attempt its own
// Keep: a ranged read that finds the service does not keep the order it
// asked for starts again, reading every page, and what the first attempt
// counted must not be counted twice.
func ReadList[T any](ctx context.Context, api API, q ListQuery, newKeep func() Keep[T]) (ListResult[T], error) {
	if q.Zone == nil {
		q.Zone = time.UTC
	}
	if q.By == "" {
		q.By = ByFoundTime
	}
	if q.Range == nil {
		reader, read := newListReader(), newAttempt(api, q, newKeep())
		list, err := paging.Read(ctx, reader, ActionDescribeAbnormalProcessEvents, read.fetch)
		return read.result(list, reader.Requests()), err
	}

	ordered := q
	ordered.Request.By, ordered.Request.Order = ptr(q.By), ptr(rangeOrder)
	reader, read := paging.NewReader(MaxEventsLimit, math.MaxInt32, ListConcurrency), newAttempt(api, ordered, newKeep())
	var order orderCheck[T]
	list, err := paging.ReadWhile(ctx, reader, ActionDescribeAbnormalProcessEvents,
		func(read []entry[T]) int { return rangeWave(read, q.Range.Begin) }, read.fetch,
		func(page []entry[T]) (bool, error) {
			if err := order.next(page); err != nil {
				return false, err
			}
			if len(page) == 0 {
				return false, nil
			}
			last := &page[len(page)-1]
			return !last.hasTime || !last.at.Before(q.Range.Begin), nil
		})
	why, ok := notHonoured(err)
	if !ok {
		return read.result(list, reader.Requests()), err
	}

	// The order cannot be trusted: read every page in the service's own
	// order and keep the range here.
	logging.Warn(ctx, "TCSS did not honour the order asked for; reading every page", map[string]any{"why": why})
	first := reader.Requests()
	full, fullRead := newListReader(), newAttempt(api, q, newKeep())
	list, err = paging.Read(ctx, full, ActionDescribeAbnormalProcessEvents, fullRead.fetch)
	result := fullRead.result(list, first+full.Requests())
	if err != nil {
		return result, err
	}
	honoured := min(int64(len(result.Items))/MaxEventsLimit+2, full.Requests())
	result.Warnings = append([]paging.Warning{{
		Summary: "TCSS did not honour By = " + q.By,
		Detail: fmt.Sprintf("A read of a time range asks %s for the list ordered by that time, newest first (By = %q, Order = %q), "+
			"so that it can stop at the range's start. The SDK documents no values for By, and the service %s. So that no event "+
			"of the range is missed, every page of the list was read and the range applied by the provider: the read cost %d "+
			"requests instead of about %d. The events are complete.",
			ActionDescribeAbnormalProcessEvents, q.By, rangeOrder, why, result.Requests, honoured),
	}}, result.Warnings...)
	return result, nil
}

// newListReader reads a whole list. At TCSS's 20 requests a second, the
// first page's round trip would leave the limiter idle: it requests the
// second page alongside the first.
func newListReader() *paging.Reader {
	r := paging.NewReader(MaxEventsLimit, math.MaxInt32, ListConcurrency)
	r.SpeculateSecondPage = true
	return r
}

// entry is what a read holds of one event while pages arrive: its id and
// found time, which order, range and de-duplicate the list, and, for an
// event the read keeps, the caller's form of it.
type entry[T any] struct {
	id      *string
	at      time.Time
	hasTime bool
	kept    bool
	// untimed marks an event a ranged read left out for want of a time.
	untimed bool
	value   T
}

// attempt is one pass over the list: its Keep and its filter re-checks.
type attempt[T any] struct {
	api     API
	q       ListQuery
	keep    Keep[T]
	filters *recheck.Check[AbnormalProcessEventInfo]
}

func newAttempt[T any](api API, q ListQuery, keep Keep[T]) *attempt[T] {
	return &attempt[T]{api: api, q: q, keep: keep, filters: newFilterCheck(q.Request.Filters)}
}

// fetch reads one page, drops the events certainly outside a filter, and
// keeps those in the range.
func (a *attempt[T]) fetch(ctx context.Context, offset int) (int64, []entry[T], error) {
	req := a.q.Request
	req.Offset, req.Limit = ptr(uint64(offset)), ptr(uint64(MaxEventsLimit))
	resp, err := a.api.DescribeAbnormalProcessEvents(ctx, a.q.Region, req)
	if err != nil {
		return 0, nil, err
	}
	pageTotal := int64(0)
	if resp.TotalCount != nil {
		if *resp.TotalCount > math.MaxInt64 {
			return 0, nil, fmt.Errorf("TotalCount %d is out of range", *resp.TotalCount)
		}
		pageTotal = int64(*resp.TotalCount)
	}
	total := pageTotal
	// One entry per event returned, dropped or not: the pager ends a list at
	// a short page, and the order check sees what the service sent.
	events := resp.EventSet
	entries := make([]entry[T], len(events))
	var in []int
	for i := range events {
		e := &entries[i]
		if events[i].Id != nil {
			e.id = ptr(strings.Clone(*events[i].Id)) // not the page's memory
		}
		e.at, e.hasTime = ParseTime(a.timeOf(&events[i]), a.q.Zone)
		if a.filters.Drop(&events[i]) {
			continue
		}
		if r := a.q.Range; r == nil || (e.hasTime && !e.at.Before(r.Begin) && !e.at.After(r.End)) {
			in = append(in, i)
		} else if !e.hasTime {
			e.untimed = true // left out, but said (result)
		}
	}
	keptEvents := events
	if len(in) < len(events) {
		keptEvents = make([]AbnormalProcessEventInfo, len(in))
		for j, i := range in {
			keptEvents[j] = events[i]
		}
	}
	if a.q.Range != nil {
		total = 0 // the API counts the whole list: only what is read counts toward the caller's budget
	}
	values, err := a.keep(total, keptEvents)
	if err != nil {
		return 0, nil, err
	}
	if len(values) != len(in) {
		return 0, nil, fmt.Errorf("kept %d of a page's %d events", len(values), len(in))
	}
	for j, i := range in {
		entries[i].kept, entries[i].value = true, values[j]
	}
	return pageTotal, entries, nil
}

// timeOf is the event's time the range applies to.
func (a *attempt[T]) timeOf(e *AbnormalProcessEventInfo) *string {
	if a.q.By == ByLatestFoundTime {
		return e.LatestFoundTime
	}
	return e.FoundTime
}

// result is what the caller keeps of a list: each kept event once.
func (a *attempt[T]) result(list paging.List[entry[T]], requests int64) ListResult[T] {
	entries := paging.Unique(list.Items, func(e *entry[T]) (string, bool) {
		if e.id == nil {
			return "", false
		}
		return *e.id, true
	})
	out := ListResult[T]{Total: list.Total, Requests: requests, Warnings: a.filters.Warnings()}
	var untimed []string
	for i := range entries {
		if entries[i].kept {
			out.Items = append(out.Items, entries[i].value)
		}
		if entries[i].untimed {
			untimed = append(untimed, idOf(&entries[i]))
		}
	}
	if len(untimed) > 0 {
		out.Warnings = append(out.Warnings, untimedWarning(a.q.By, untimed))
	}
	return out
}

// idOf is an entry's id for messages.
func idOf[T any](e *entry[T]) string {
	if e.id == nil {
		return "(no id)"
	}
	return strconv.Quote(*e.id)
}

// untimedWarning says which events a ranged read left out because their
// time (by) could not place them in the range, the first ten of their ids
// in order. They cannot be kept: where the service lists events without
// the time it orders by is not documented, so a read that stops at the
// range's start meets them or not by where they fall.
func untimedWarning(by string, ids []string) paging.Warning {
	const shown = 10
	slices.Sort(ids)
	list := strings.Join(ids[:min(len(ids), shown)], ", ")
	if len(ids) > shown {
		list += fmt.Sprintf(" and %d more", len(ids)-shown)
	}
	return paging.Warning{
		Summary: fmt.Sprintf("%d TCSS events without a readable %s were left out", len(ids), by),
		Detail: fmt.Sprintf("A time range keeps the events whose %s is within it. %d events read have it absent, empty or not of "+
			"the API's form (YYYY-MM-DD hh:mm:ss), though the API documents it as always present, so the range cannot place them "+
			"and they were left out: %s. A read without a time range keeps them.", by, len(ids), list),
	}
}

// ParseTime reads one of TCSS's zone-less times ("YYYY-MM-DD hh:mm:ss") in
// zone; ok is false when s is absent, empty or not of that form.
func ParseTime(s *string, zone *time.Location) (time.Time, bool) {
	if s == nil || *s == "" {
		return time.Time{}, false
	}
	v, err := time.ParseInLocation(time.DateTime, *s, zone)
	return v, err == nil
}

// rangeWave is how many pages the next wave of a ranged read asks for: two
// at first, so that a range of one page wastes at most one request; then as
// many as the found times read so far say remain until begin, at the rate
// the list has covered time (at most ListConcurrency). The wave that
// reaches past begin is the last.
func rangeWave[T any](read []entry[T], begin time.Time) int {
	var newest, oldest time.Time
	n := 0
	for i := range read {
		if t := read[i].at; read[i].hasTime {
			if n == 0 || t.After(newest) {
				newest = t
			}
			if n == 0 || t.Before(oldest) {
				oldest = t
			}
			n++
		}
	}
	covered := newest.Sub(oldest)
	if n < 2 || covered <= 0 {
		return 2
	}
	remaining := float64(n) * float64(oldest.Sub(begin)) / float64(covered) // events still in the range, at that rate
	pages := int(math.Ceil(remaining / MaxEventsLimit))
	return min(max(pages, 1), ListConcurrency)
}

// orderCheck follows the times (By) of a ranged read's pages in list
// order: each no newer than the one before it (ties allowed), across pages
// too. Events without a time are not compared.
type orderCheck[T any] struct {
	last     time.Time
	seen     bool
	position int
}

// next checks the next page.
func (c *orderCheck[T]) next(page []entry[T]) error {
	for i := range page {
		c.position++
		if !page[i].hasTime {
			continue
		}
		if c.seen && page[i].at.After(c.last) {
			return &outOfOrderError{position: c.position, newer: page[i].at, before: c.last}
		}
		c.last, c.seen = page[i].at, true
	}
	return nil
}

// outOfOrderError is a page not in the order asked for.
type outOfOrderError struct {
	position      int
	newer, before time.Time
}

func (e *outOfOrderError) Error() string {
	return fmt.Sprintf("answered in another order: event %d of the list is at %s, after one at %s",
		e.position, e.newer.Format(time.DateTime), e.before.Format(time.DateTime))
}

// notHonoured says whether err means the service did not honour the order
// a ranged read asked for, and how: it answered out of order, or refused By.
func notHonoured(err error) (string, bool) {
	var order *outOfOrderError
	if errors.As(err, &order) {
		return order.Error(), true
	}
	var sdkErr *tcerrors.TencentCloudSDKError
	if errors.As(err, &sdkErr) && strings.HasPrefix(sdkErr.Code, "InvalidParameter") &&
		(strings.Contains(sdkErr.Code, "By") || strings.Contains(sdkErr.Message, "By")) {
		return fmt.Sprintf("refused By (%s: %s, request id %s)", sdkErr.Code, sdkErr.Message, sdkErr.RequestId), true
	}
	return "", false
}

// newFilterCheck re-checks, on each event that carries the field, the
// filters sent for fields the list returns. The docs leave the service's
// matching open (ExactMatch's SDK comment reads "whether the query is
// fuzzy"), so an event is dropped only when no reading could match it: its
// value contains none of the filter's values.
func newFilterCheck(filters []*RunTimeFilters) *recheck.Check[AbnormalProcessEventInfo] {
	var checks []recheck.Filter[AbnormalProcessEventInfo]
	for _, f := range filters {
		if f == nil || f.Name == nil {
			continue
		}
		field, ok := listFilterFields[*f.Name]
		if !ok {
			continue
		}
		var values []string
		for _, v := range f.Values {
			if v != nil {
				values = append(values, *v)
			}
		}
		checks = append(checks, recheck.Filter[AbnormalProcessEventInfo]{Name: *f.Name, Value: field,
			Fails: func(v string) bool {
				return !slices.ContainsFunc(values, func(want string) bool { return strings.Contains(v, want) })
			},
			Rule: "is not " + strings.Join(values, " or ")})
	}
	return recheck.New("TCSS", ActionDescribeAbnormalProcessEvents, checks)
}

// listFilterFields are the filters whose field each list event carries.
var listFilterFields = map[string]func(*AbnormalProcessEventInfo) *string{
	"Status":             func(e *AbnormalProcessEventInfo) *string { return e.Status },
	"EventType":          func(e *AbnormalProcessEventInfo) *string { return e.EventType },
	"ContainerStatus":    func(e *AbnormalProcessEventInfo) *string { return e.ContainerStatus },
	"ContainerNetStatus": func(e *AbnormalProcessEventInfo) *string { return e.ContainerNetStatus },
}

func ptr[T any](v T) *T { return &v }
