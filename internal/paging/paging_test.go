package paging_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/paging"
)

// list is an API's list, newest first, that can grow at its head.
type list struct {
	mu       sync.Mutex
	items    []string
	requests []int
	grow     func(requests int) int // items to add at the head before answering
}

func (l *list) fetch(_ context.Context, offset int) (int64, []string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests = append(l.requests, offset)
	if l.grow != nil {
		for range l.grow(len(l.requests)) {
			l.items = append([]string{fmt.Sprintf("new-%d", len(l.items))}, l.items...)
		}
	}
	end := min(offset+100, len(l.items))
	if offset >= end {
		return int64(len(l.items)), nil, nil
	}
	return int64(len(l.items)), append([]string(nil), l.items[offset:end]...), nil
}

func items(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("item-%04d", i)
	}
	return out
}

func TestReadEveryPageOnce(t *testing.T) {
	l := &list{items: items(1234)}
	got, err := paging.Read(context.Background(), paging.NewReader(100, 1<<20, 4), "test", l.fetch)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != 1234 || len(got.Items) != 1234 || len(l.requests) != 13 {
		t.Fatalf("total %d, %d items, %d requests; want 1234, 1234, 13", got.Total, len(got.Items), len(l.requests))
	}
	for i, item := range got.Items {
		if item != l.items[i] {
			t.Fatalf("item %d is %s, want %s: not in list order", i, item, l.items[i])
		}
	}
}

func TestReadWhileTheListGrows(t *testing.T) {
	original := items(950)
	// Seven new items before every request after the first.
	l := &list{items: append([]string(nil), original...), grow: func(requests int) int { return min(requests-1, 1) * 7 }}
	got, err := paging.Read(context.Background(), paging.NewReader(100, 1<<20, 1), "test", l.fetch)
	if err != nil {
		t.Fatal(err)
	}
	unique := paging.Unique(got.Items, func(s *string) (string, bool) { return *s, true })
	seen := map[string]bool{}
	for _, item := range unique {
		if seen[item] {
			t.Fatalf("%s twice after Unique", item)
		}
		seen[item] = true
	}
	for _, item := range original {
		if !seen[item] {
			t.Errorf("%s was lost while the list grew", item)
		}
	}
}

func TestReadStopsAtTheOffsetLimit(t *testing.T) {
	l := &list{items: items(500)}
	_, err := paging.Read(context.Background(), paging.NewReader(100, 300, 2), "test", l.fetch)
	if err == nil {
		t.Fatal("read past the API's largest offset")
	}
}

// TestReadSpeculatesTheSecondPage proves the second page is requested before
// the first one has answered, and that every page is still read once.
func TestReadSpeculatesTheSecondPage(t *testing.T) {
	for _, n := range []int{0, 80, 100, 101, 1234} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			l := &list{items: items(n)}
			secondAsked := make(chan struct{})
			fetch := func(ctx context.Context, offset int) (int64, []string, error) {
				switch offset {
				case 0:
					select { // the first page answers only once the second is asked for
					case <-secondAsked:
					case <-time.After(10 * time.Second):
						return 0, nil, fmt.Errorf("the second page was not requested alongside the first")
					}
				case 100:
					close(secondAsked)
				}
				return l.fetch(ctx, offset)
			}
			reader := paging.NewReader(100, 1<<20, 4)
			reader.SpeculateSecondPage = true
			got, err := paging.Read(context.Background(), reader, "test", fetch)
			if err != nil {
				t.Fatal(err)
			}
			pages := max(2, (n+99)/100) // a list of one page costs the speculative request
			if got.Total != int64(n) || len(got.Items) != n || len(l.requests) != pages {
				t.Fatalf("total %d, %d items, %d requests; want %d, %d, %d", got.Total, len(got.Items), len(l.requests), n, n, pages)
			}
			offsets := map[int]int{}
			for _, o := range l.requests {
				offsets[o]++
			}
			for p := range pages {
				if offsets[p*100] != 1 {
					t.Errorf("offset %d read %d times", p*100, offsets[p*100])
				}
			}
			for i, item := range got.Items {
				if item != l.items[i] {
					t.Fatalf("item %d is %s, want %s: not in list order", i, item, l.items[i])
				}
			}
		})
	}
}

// TestReadSpeculatedPageFailing: the speculative page's error fails the read
// only when the list needs that page.
func TestReadSpeculatedPageFailing(t *testing.T) {
	for _, tc := range []struct {
		n       int
		wantErr bool
	}{{50, false}, {250, true}} {
		l := &list{items: items(tc.n)}
		fetch := func(ctx context.Context, offset int) (int64, []string, error) {
			if offset == 100 {
				return 0, nil, fmt.Errorf("refused")
			}
			return l.fetch(ctx, offset)
		}
		reader := paging.NewReader(100, 1<<20, 4)
		reader.SpeculateSecondPage = true
		got, err := paging.Read(context.Background(), reader, "test", fetch)
		if (err != nil) != tc.wantErr {
			t.Errorf("%d items: error %v, want error %v", tc.n, err, tc.wantErr)
		}
		if !tc.wantErr && len(got.Items) != tc.n {
			t.Errorf("%d items: read %d", tc.n, len(got.Items))
		}
	}
}

// TestReadWhile reads the wanted head of a list in waves and stops after the
// wave that reaches past it.
func TestReadWhile(t *testing.T) {
	const size = 1234
	for _, tc := range []struct {
		wanted, wave int
		requests     int64
	}{
		{0, 2, 2}, {50, 2, 2}, {100, 2, 2}, {250, 2, 4}, {300, 2, 4}, {310, 2, 4}, {1234, 2, 13}, {250, 1, 3},
	} {
		r := paging.NewReader(100, 1<<20, 8)
		var mu sync.Mutex
		seen := map[int]int{}
		got, err := paging.ReadWhile(t.Context(), r, "test", func([]int) int { return tc.wave }, func(_ context.Context, offset int) (int64, []int, error) {
			mu.Lock()
			seen[offset]++
			mu.Unlock()
			var items []int
			for i := offset; i < min(offset+100, size); i++ {
				items = append(items, i)
			}
			return size, items, nil
		}, func(page []int) (bool, error) { return len(page) > 0 && page[len(page)-1] < tc.wanted, nil })
		if err != nil {
			t.Fatal(err)
		}
		if r.Requests() != tc.requests {
			t.Errorf("wanted %d, wave %d: %d requests, want %d", tc.wanted, tc.wave, r.Requests(), tc.requests)
		}
		if got.Total != size || len(got.Items) < min(tc.wanted, size) {
			t.Errorf("wanted %d: total %d, %d items", tc.wanted, got.Total, len(got.Items))
		}
		for i, v := range got.Items {
			if v != i {
				t.Fatalf("wanted %d: item %d is %d: not in list order", tc.wanted, i, v)
			}
		}
		for offset, n := range seen {
			if n != 1 {
				t.Errorf("offset %d read %d times", offset, n)
			}
		}
	}
}

// capped serves a list whose every page reports a total of at most cap, as
// search-backed APIs that cap or estimate their counts do.
type capped struct {
	list
	cap int64
}

func (c *capped) fetch(ctx context.Context, offset int) (int64, []string, error) {
	total, items, err := c.list.fetch(ctx, offset)
	return min(total, c.cap), items, err
}

// TestReadTotalsAreClaims: a list ends at a short or empty page, whatever
// its total says; an exact total costs one request more only when the list
// fills its last page.
func TestReadTotalsAreClaims(t *testing.T) {
	for _, tc := range []struct {
		name        string
		size, total int
		requests    int // at most
	}{
		{"understated by one page", 1234, 1134, 13},
		{"understated by many pages", 5000, 1000, 50 + 8},
		{"a total of 0 with a full first page", 250, 0, 4},
		{"exact, a multiple of the page size", 1200, 1200, 13},
		{"exact", 1234, 1234, 13},
		{"overstated", 1234, 5000, 50},
	} {
		for _, speculate := range []bool{false, true} {
			c := &capped{list: list{items: items(tc.size)}, cap: int64(tc.total)}
			r := paging.NewReader(100, 1<<20, 8)
			r.SpeculateSecondPage = speculate
			got, err := paging.Read(t.Context(), r, "test", c.fetch)
			if err != nil {
				t.Fatal(err)
			}
			unique := paging.Unique(got.Items, func(s *string) (string, bool) { return *s, true })
			if len(unique) != tc.size {
				t.Errorf("%s (speculating %v): %d items, want %d", tc.name, speculate, len(unique), tc.size)
			}
			for i, item := range unique {
				if item != c.items[i] {
					t.Fatalf("%s: item %d is %s, want %s: not in list order", tc.name, i, item, c.items[i])
				}
			}
			if len(c.requests) > tc.requests {
				t.Errorf("%s (speculating %v): %d requests, want at most %d", tc.name, speculate, len(c.requests), tc.requests)
			}
			if tc.name == "exact, a multiple of the page size" && len(c.requests) != 13 {
				t.Errorf("exact multiple: %d requests, want exactly one more than the 12 pages", len(c.requests))
			}
			if tc.name == "exact" && len(c.requests) != 13 {
				t.Errorf("exact: %d requests, want none past the last page", len(c.requests))
			}
		}
	}
}

// TestReadWhileTotalsAreClaims: a ordered read past an understated total
// goes on until the wanted part ends or a page is short.
func TestReadWhileTotalsAreClaims(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		size, total, wanted   int
		requests, wantedItems int
	}{
		{"understated, wanted beyond it", 1234, 300, 900, 10, 900},
		{"total 0, full first page", 450, 0, 450, 5, 450},
		{"exact multiple, everything wanted", 400, 400, 400, 5, 400},
	} {
		var mu sync.Mutex
		requests := 0
		got, err := paging.ReadWhile(t.Context(), paging.NewReader(100, 1<<20, 8), "test", func([]int) int { return 2 },
			func(_ context.Context, offset int) (int64, []int, error) {
				mu.Lock()
				requests++
				mu.Unlock()
				var items []int
				for i := offset; i < min(offset+100, tc.size); i++ {
					items = append(items, i)
				}
				return int64(tc.total), items, nil
			}, func(page []int) (bool, error) { return len(page) > 0 && page[len(page)-1] < tc.wanted-1, nil })
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, v := range got.Items {
			if v < tc.wanted {
				n++
			}
		}
		if n != tc.wantedItems {
			t.Errorf("%s: %d wanted items read, want %d", tc.name, n, tc.wantedItems)
		}
		if requests > tc.requests {
			t.Errorf("%s: %d requests, want at most %d", tc.name, requests, tc.requests)
		}
	}
}
