package tencentcloud

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	tcerrors "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// listAPI serves a list of events the way a reading of the API would: By
// honoured, ignored (its own order, not by time) or refused. Pure logic:
// the acceptance tests read the same readings from the local cloud through
// the SDK.
type listAPI struct {
	events  []AbnormalProcessEventInfo // newest first
	reading string                     // "honoured", "ignored" or "refused"
	// wrongStatus, when set, is served to every Status filter: the service ignores it.
	ignoreStatus bool

	mu       sync.Mutex
	requests int
	asked    []string
}

func (l *listAPI) DescribeAbnormalProcessDetail(context.Context, string, string) (*DescribeAbnormalProcessDetailResponseParams, error) {
	panic("not used")
}

func (l *listAPI) Region() string { return "ap-guangzhou" }

func (l *listAPI) DescribeAbnormalProcessEvents(_ context.Context, _ string, page DescribeAbnormalProcessEventsRequest) (*DescribeAbnormalProcessEventsResponseParams, error) {
	l.mu.Lock()
	l.requests++
	by := ""
	if page.By != nil {
		by = *page.By
	}
	l.asked = append(l.asked, by)
	l.mu.Unlock()
	if page.By != nil && l.reading == "refused" {
		return nil, tcerrors.NewTencentCloudSDKError("InvalidParameterValue.By", "By FoundTime is not supported.", "req-1")
	}
	events := slices.Clone(l.events)
	if l.reading == "ignored" || page.By == nil && l.reading != "honoured" {
		sort.SliceStable(events, func(a, b int) bool { return hash(*events[a].Id) < hash(*events[b].Id) })
	}
	if !l.ignoreStatus {
		for _, f := range page.Filters {
			if *f.Name == "Status" {
				events = slices.DeleteFunc(events, func(e AbnormalProcessEventInfo) bool { return *e.Status != *f.Values[0] })
			}
		}
	}
	offset, limit := int(*page.Offset), int(*page.Limit)
	total := uint64(len(events))
	events = events[min(offset, len(events)):min(offset+limit, len(events))]
	return &DescribeAbnormalProcessEventsResponseParams{TotalCount: &total, EventSet: events}, nil
}

func hash(s string) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(s))
	return h.Sum32()
}

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// eventsEvery makes n events, newest first, spacing apart; every third
// handled, the rest unhandled.
func eventsEvery(n int, spacing time.Duration) []AbnormalProcessEventInfo {
	out := make([]AbnormalProcessEventInfo, n)
	for i := range out {
		status := "EVENT_UNDEAL"
		if i%3 == 0 {
			status = "EVENT_DEALED"
		}
		out[i] = AbnormalProcessEventInfo{
			Id: ptr(fmt.Sprintf("e%05d", i)), Status: ptr(status),
			FoundTime: ptr(now.Add(-time.Duration(i) * spacing).Format(time.DateTime)),
		}
	}
	return out
}

func ids(events []AbnormalProcessEventInfo) []string {
	var out []string
	for _, e := range events {
		out = append(out, *e.Id)
	}
	sort.Strings(out)
	return out
}

func readIDs(t *testing.T, api API, q ListQuery) (ListResult[string], []string) {
	t.Helper()
	result, err := ReadList(context.Background(), api, q, func() Keep[string] {
		return func(_ int64, events []AbnormalProcessEventInfo) ([]string, error) { return ids(events), nil }
	})
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(result.Items)
	sort.Strings(got)
	return result, got
}

// TestReadListEveryReadingOfBy reads a 7-day range of a 30-day list under
// each reading of By: the same events each time, a warning with the
// requests when By was not honoured, and no request more than a ranged
// read when it was.
func TestReadListEveryReadingOfBy(t *testing.T) {
	events := eventsEvery(1000, 43*time.Minute) // about 30 days
	rng := &Range{Begin: now.Add(-7 * 24 * time.Hour), End: now}
	var want []AbnormalProcessEventInfo
	for _, e := range events {
		at, _ := ParseTime(e.FoundTime, time.UTC)
		if !at.Before(rng.Begin) {
			want = append(want, e)
		}
	}
	for _, reading := range []string{"honoured", "ignored", "refused"} {
		t.Run(reading, func(t *testing.T) {
			api := &listAPI{events: events, reading: reading}
			result, got := readIDs(t, api, ListQuery{Range: rng, Zone: time.UTC})
			if !slices.Equal(got, ids(want)) {
				t.Fatalf("%d events, want the %d of the range", len(got), len(want))
			}
			switch reading {
			case "honoured":
				if len(result.Warnings) != 0 || result.Requests > int64(len(want)/MaxEventsLimit+2) {
					t.Errorf("honoured: %d requests, warnings %v", result.Requests, result.Warnings)
				}
			default:
				if len(result.Warnings) != 1 || result.Warnings[0].Summary != "TCSS did not honour By = FoundTime" {
					t.Fatalf("want one warning, got %v", result.Warnings)
				}
				detail := result.Warnings[0].Detail
				for _, part := range []string{fmt.Sprintf("the read cost %d requests instead of about 4", result.Requests), "The events are complete."} {
					if !strings.Contains(detail, part) {
						t.Errorf("warning lacks %q: %s", part, detail)
					}
				}
				if reading == "refused" && !strings.Contains(detail, "refused By (InvalidParameterValue.By: By FoundTime is not supported., request id req-1)") {
					t.Errorf("the warning does not say By was refused: %s", detail)
				}
				if reading == "ignored" && !strings.Contains(detail, "answered in another order") {
					t.Errorf("the warning does not say the order was not kept: %s", detail)
				}
				if api.asked[len(api.asked)-1] != "" {
					t.Errorf("the fallback still sent By")
				}
			}
		})
	}
}

// TestReadListSaysWhatItCannotPlace reads a 7-day range whose list has
// three events that cannot be placed in it, their FoundTime absent, empty
// and of another form: under each reading of By the events of the range
// are kept, and one warning names the three left out.
func TestReadListSaysWhatItCannotPlace(t *testing.T) {
	events := eventsEvery(1000, 43*time.Minute)
	events[3].FoundTime, events[150].FoundTime, events[151].FoundTime = nil, ptr(""), ptr("2026/12/01 09:00")
	rng := &Range{Begin: now.Add(-7 * 24 * time.Hour), End: now}
	var want []AbnormalProcessEventInfo
	for _, e := range events {
		if at, ok := ParseTime(e.FoundTime, time.UTC); ok && !at.Before(rng.Begin) {
			want = append(want, e)
		}
	}
	for _, reading := range []string{"honoured", "ignored", "refused"} {
		t.Run(reading, func(t *testing.T) {
			result, got := readIDs(t, &listAPI{events: events, reading: reading}, ListQuery{Range: rng, Zone: time.UTC})
			if !slices.Equal(got, ids(want)) {
				t.Fatalf("%d events, want the %d of the range", len(got), len(want))
			}
			w := result.Warnings[len(result.Warnings)-1]
			if w.Summary != "3 TCSS events without a readable FoundTime were left out" ||
				!strings.Contains(w.Detail, `they were left out: "e00003", "e00150", "e00151". A read without a time range keeps them.`) {
				t.Errorf("warning %+v", w)
			}
		})
	}
	t.Run("no range", func(t *testing.T) {
		result, got := readIDs(t, &listAPI{events: events, reading: "honoured"}, ListQuery{Zone: time.UTC})
		if len(got) != len(events) || len(result.Warnings) != 0 {
			t.Errorf("%d events of %d, warnings %v: a read without a range keeps every event", len(got), len(events), result.Warnings)
		}
	})
}

// TestUntimedWarningNamesTenAtMost: the ids in order, ten of them.
func TestUntimedWarningNamesTenAtMost(t *testing.T) {
	var ids []string
	for i := range 12 {
		ids = append(ids, fmt.Sprintf("%q", fmt.Sprintf("e%02d", 11-i)))
	}
	w := untimedWarning(ByLatestFoundTime, ids)
	if w.Summary != "12 TCSS events without a readable LatestFoundTime were left out" ||
		!strings.Contains(w.Detail, `: "e00", "e01", "e02", "e03", "e04", "e05", "e06", "e07", "e08", "e09" and 2 more.`) {
		t.Errorf("%+v", w)
	}
}

// TestOrderCheck proves ties pass, and a page that breaks the order in the
// middle of the list, or starts newer than the previous one ended, fails.
func TestOrderCheck(t *testing.T) {
	at := func(minutes ...int) []entry[string] {
		out := make([]entry[string], len(minutes))
		for i, m := range minutes {
			out[i] = entry[string]{at: now.Add(-time.Duration(m) * time.Minute), hasTime: m >= 0}
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		pages [][]entry[string]
		fails int // the page that fails, -1 none
	}{
		{"in order", [][]entry[string]{at(0, 1, 2), at(3, 4, 5)}, -1},
		{"ties within and across pages", [][]entry[string]{at(0, 1, 1), at(1, 1, 2)}, -1},
		{"events without a time are not compared", [][]entry[string]{at(0, -1, 2), at(-1, 3)}, -1},
		{"a page out of order in the middle", [][]entry[string]{at(0, 1), at(2, 4, 3), at(5, 6)}, 1},
		{"a page that starts newer than the last ended", [][]entry[string]{at(0, 1, 5), at(4, 6)}, 1},
		{"ascending", [][]entry[string]{at(5, 4)}, 0},
	} {
		var c orderCheck[string]
		failed := -1
		for i, p := range tc.pages {
			if err := c.next(p); err != nil {
				failed = i
				break
			}
		}
		if failed != tc.fails {
			t.Errorf("%s: failed at page %d, want %d", tc.name, failed, tc.fails)
		}
	}
}

func TestNotHonoured(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{tcerrors.NewTencentCloudSDKError("InvalidParameterValue.By", "not supported", "r"), true},
		{tcerrors.NewTencentCloudSDKError("InvalidParameterValue", "By FoundTime is not a valid sort field", "r"), true},
		{tcerrors.NewTencentCloudSDKError("InvalidParameter", "invalid By", "r"), true},
		{tcerrors.NewTencentCloudSDKError("InvalidParameterValue.Limit", "Limit must be between 1 and 100.", "r"), false},
		{tcerrors.NewTencentCloudSDKError("AuthFailure.SignatureFailure", "By the way", "r"), false},
		{fmt.Errorf("wrapped: %w", &outOfOrderError{position: 3}), true},
	} {
		if _, got := notHonoured(tc.err); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.err, got, tc.want)
		}
	}
}

// TestReadListRechecksStatus: a service that ignores the Status filter
// gives the same events as one that applies it, and one warning.
func TestReadListRechecksStatus(t *testing.T) {
	events := eventsEvery(450, time.Minute)
	status := []*RunTimeFilters{{Name: ptr("Status"), Values: []*string{ptr("EVENT_UNDEAL")}, ExactMatch: ptr(true)}}
	for _, rng := range []*Range{nil, {Begin: now.Add(-5 * time.Hour), End: now}} { // a range over three pages
		applied, want := readIDs(t, &listAPI{events: events, reading: "honoured"},
			ListQuery{Range: rng, Zone: time.UTC, Request: DescribeAbnormalProcessEventsRequest{Filters: status}})
		ignored, got := readIDs(t, &listAPI{events: events, reading: "honoured", ignoreStatus: true},
			ListQuery{Range: rng, Zone: time.UTC, Request: DescribeAbnormalProcessEventsRequest{Filters: status}})
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Fatalf("range %v: %d events with the filter ignored, %d applied", rng, len(got), len(want))
		}
		if len(applied.Warnings) != 0 {
			t.Errorf("warnings when the filter was applied: %v", applied.Warnings)
		}
		if len(ignored.Warnings) != 1 || ignored.Warnings[0].Summary != "TCSS did not apply the filter Status" ||
			!strings.Contains(ignored.Warnings[0].Detail, "returned ") || !strings.Contains(ignored.Warnings[0].Detail, "whose Status is not EVENT_UNDEAL") {
			t.Errorf("want one warning naming Status: %v", ignored.Warnings)
		}
	}
}

func TestFilterCheck(t *testing.T) {
	filters := []*RunTimeFilters{
		{Name: ptr("Status"), Values: []*string{ptr("EVENT_UNDEAL")}},
		{Name: ptr("EventType"), Values: []*string{ptr("MALICE"), ptr("FILE")}},
		{Name: ptr("NotAField"), Values: []*string{ptr("x")}},
	}
	for _, tc := range []struct {
		e    AbnormalProcessEventInfo
		drop string
	}{
		{AbnormalProcessEventInfo{Status: ptr("EVENT_UNDEAL"), EventType: ptr("MALICE_PROCESS_START")}, ""},
		{AbnormalProcessEventInfo{}, ""}, // says nothing: kept
		{AbnormalProcessEventInfo{Status: ptr("EVENT_DEALED")}, "Status"},
		{AbnormalProcessEventInfo{Status: ptr("EVENT_UNDEAL"), EventType: ptr("PROCESS_START")}, "EventType"},
		{AbnormalProcessEventInfo{EventType: ptr("FILE_ABNORMAL_READ")}, ""}, // contains a value: kept either way
	} {
		c := newFilterCheck(filters)
		dropped := c.Drop(&tc.e)
		name := ""
		if w := c.Warnings(); len(w) == 1 {
			name = strings.TrimPrefix(w[0].Summary, "TCSS did not apply the filter ")
		}
		if dropped != (tc.drop != "") || name != tc.drop {
			t.Errorf("%+v: dropped %v by %q, want %q", tc.e, dropped, name, tc.drop)
		}
	}
}

func TestRangeWave(t *testing.T) {
	// Events a minute apart, newest first.
	read := func(n int) []entry[string] {
		out := make([]entry[string], n)
		for i := range out {
			out[i] = entry[string]{at: now.Add(-time.Duration(i) * time.Minute), hasTime: true}
		}
		return out
	}
	for _, tc := range []struct {
		read  int
		begin time.Duration // before now
		want  int
	}{
		{0, time.Hour, 2},           // nothing read yet: two pages
		{200, 250 * time.Minute, 1}, // 51 events left: one page
		{200, 450 * time.Minute, 3}, // 251 left: three pages
		{200, 30 * 24 * time.Hour, ListConcurrency},
		{200, 100 * time.Minute, 1}, // already past begin: the wave that confirms it
	} {
		if got := rangeWave(read(tc.read), now.Add(-tc.begin)); got != tc.want {
			t.Errorf("%d read, begin %v ago: wave %d, want %d", tc.read, tc.begin, got, tc.want)
		}
	}
}
