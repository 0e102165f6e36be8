// Package localcloud is a loopback server that speaks the two APIs the provider
// reads, TCSS DescribeAbnormalProcessDetail and HSS ListAppWhitelistEvent, like
// the real gateways: it checks every request's signature, enforces the
// documented parameter rules and quotas, serves the references' examples plus
// generated events, and injects faults on request. The demo, the acceptance
// tests and the benchmarks all run against it.
package localcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // TCSSZone on machines without a zone database

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/quota"
)

// Keys the demo and the tests use. They are nobody's real keys and none of the
// SDKs' test defaults.
const (
	TencentSecretID  = "AKIDcwppLocalCloudTencent7f3a9c"
	TencentSecretKey = "cwpp-local-tencent-secret-5d1e8b2a"
	HuaweiAccessKey  = "CWPPLOCALHUAWEIAK4C2E"
	HuaweiSecretKey  = "cwpp-local-huawei-secret-93b7f0d6"
	HuaweiProjectID  = "0cwpp0local0project0000000000001"
)

// Cloud names a side of the server.
type Cloud string

// The two clouds.
const (
	Tencent Cloud = "tencentcloud"
	Huawei  Cloud = "huaweicloud"
)

// Config sets up a server. The zero value of each field means its default.
type Config struct {
	// TencentKeys maps secret ids to secret keys (default: TencentSecretID).
	TencentKeys map[string]string
	// HuaweiKeys maps access keys to secret keys (default: HuaweiAccessKey).
	HuaweiKeys map[string]string
	// HuaweiProjectID is the one project that exists (default: HuaweiProjectID).
	HuaweiProjectID string
	// TencentQuota is the per-second request quota of TCSS (default 20, negative: none).
	TencentQuota int
	// HuaweiQuota is the per-second request quota of HSS, answered with 429
	// APIGW.0308 like Huawei's gateway (default: none).
	HuaweiQuota int
	// TencentQuotaModel and HuaweiQuotaModel are how each gateway counts
	// its quota (default quota.FixedWindow, requests per wall-clock second).
	TencentQuotaModel, HuaweiQuotaModel quota.Model
	// TCSSEvents is how many events to generate besides the reference example.
	TCSSEvents int
	// TCSSSparse makes every generated TCSS event sparse: most optional fields absent.
	TCSSSparse bool
	// TCSSTimeZone is the zone TCSS writes its zone-less times in (default
	// TCSSZone). Generated events fall in the last TCSSSpan before Now.
	TCSSTimeZone *time.Location
	// TCSSSpan is how far back generated TCSS events go (default 30 days).
	TCSSSpan time.Duration
	// HSSEvents is how many events to generate, spread over the last 30 days.
	HSSEvents int
	// HSSShape says which generated HSS events are sparse (default: a share, ShapeMixed).
	HSSShape Shape
	// HSSCmdLineBytes, when set, pads the process_cmdline of every HSS event
	// served to this many bytes: events large enough to pass Terraform's
	// limit on a read's state, without the server holding their bytes.
	HSSCmdLineBytes int
	// Fixtures, when set, are the caller's account's only events: no
	// reference examples, nothing generated (TCSSEvents and HSSEvents are
	// ignored). The member account keeps its generated events.
	Fixtures *Fixtures
	// Scenarios are more accounts, each with only its fixtures, chosen by
	// the key id a request is signed with: SecretId / AccessKey NAME, with
	// the secret of the default keys (TencentSecretKey, HuaweiSecretKey).
	// One `terraform test` can then read a clean and a dirty account.
	Scenarios map[string]*Fixtures
	// HSSEnterpriseProject is the enterprise project of generated HSS events (default "0").
	HSSEnterpriseProject string
	// HSSEnterpriseProjects, above 1, makes an account with enterprise
	// projects: generated HSS events go in turn to the default project and
	// to ep-1 ... (HSSGeneratedEnterpriseProject); HSSEnterpriseProject is
	// then not used.
	HSSEnterpriseProjects int
	// Readings make the server read the APIs' open points another way (default: the zero Readings).
	Readings Readings
	// Now is the server's clock (default time.Now).
	Now func() time.Time
	// Log, when set, receives the request log as JSON lines.
	Log io.Writer
	// MemberTCSSEvents and MemberHSSEvents are the generated events of the
	// member account, read with the keys that assuming MemberRoleARN or
	// MemberAgency gives (defaults 7 and 5: never the caller's own counts).
	MemberTCSSEvents, MemberHSSEvents int
	// AssumedLifetime caps the life of assumed keys (default: as the assume
	// call asked), so that a test can watch them expire mid-read.
	AssumedLifetime time.Duration
}

// Server is a running local cloud.
type Server struct {
	cfg      Config
	listener net.Listener
	http     *http.Server
	url      string

	mu       sync.Mutex
	tcss     map[string]json.RawMessage
	tcssList []tcssListEvent
	// tcssSorted caches tcssList in each order asked for.
	tcssSorted map[string][]*tcssListEvent
	hss        []hssEvent
	faults     map[Cloud]Faults
	counters   map[Cloud]int
	quotas     map[Cloud]*quota.Counter
	requests   []Request
	nextEvent  int
	// generatedAt is the instant the generated TCSS events' times count back from.
	generatedAt time.Time

	// member is the account the known role and agency open; temporary
	// holds the keys assumed for it, by cloud and access key.
	member *Server
	// scenarios are the accounts of Config.Scenarios, by key id.
	scenarios map[string]*Server
	temporary map[Cloud]map[string]temporaryKeys
}

// Request is one request the server received, as the request log records it.
type Request struct {
	Time   time.Time         `json:"time"`
	Cloud  Cloud             `json:"cloud"`
	Action string            `json:"action"`
	Params map[string]string `json:"params,omitempty"`
	Status int               `json:"status"`
	Code   string            `json:"code,omitempty"`
}

// Start listens on 127.0.0.1 with a port the system picks and serves until Close.
func Start(cfg Config) (*Server, error) {
	return StartOn("127.0.0.1:0", cfg)
}

// StartOn listens on addr, which must be a loopback address.
func StartOn(addr string, cfg Config) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("the local cloud listens on loopback only, not %q", host)
	}
	if err := cfg.Readings.validate(); err != nil {
		return nil, err
	}
	for _, m := range []*quota.Model{&cfg.TencentQuotaModel, &cfg.HuaweiQuotaModel} {
		var err error
		if *m, err = quota.Parse(string(*m)); err != nil {
			return nil, err
		}
	}
	cfg = withDefaults(cfg)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := newAccount(cfg)
	s.listener = l
	s.url = "http://" + l.Addr().String()
	s.faults = map[Cloud]Faults{}
	s.counters = map[Cloud]int{}
	s.quotas = map[Cloud]*quota.Counter{}
	s.temporary = map[Cloud]map[string]temporaryKeys{Tencent: {}, Huawei: {}}
	s.member = newAccount(memberConfig(cfg))
	s.scenarios = map[string]*Server{}
	for name, f := range cfg.Scenarios {
		if !scenarioName.MatchString(name) {
			return nil, fmt.Errorf("the scenario name %q is not a key id: use letters, digits, _ and - (at most 64)", name)
		}
		if _, taken := cfg.TencentKeys[name]; taken {
			return nil, fmt.Errorf("the scenario name %q is a key id already", name)
		}
		if _, taken := cfg.HuaweiKeys[name]; taken {
			return nil, fmt.Errorf("the scenario name %q is a key id already", name)
		}
		scenario := cfg
		scenario.Fixtures, scenario.Scenarios = f, nil
		s.scenarios[name] = newAccount(scenario)
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(l) }()
	return s, nil
}

// Now is the instant the generated TCSS events' times count back from: see
// TCSSGeneratedFoundTime.
func (s *Server) Now() time.Time { return s.generatedAt }

// newAccount holds the data of one account: the caller's own, or the member
// account that the known role and agency open.
func newAccount(cfg Config) *Server {
	s := &Server{
		cfg:        cfg,
		tcss:       map[string]json.RawMessage{},
		tcssSorted: map[string][]*tcssListEvent{},
	}
	now := cfg.Now()
	s.generatedAt = now
	if cfg.Fixtures != nil {
		s.loadFixtures(cfg.Fixtures, now)
		return s
	}
	s.tcss[TCSSReferenceEventID] = json.RawMessage(TCSSReferenceResponse)
	s.tcss[TCSSSparseEventID] = json.RawMessage(tcssSparseResponse)
	s.tcss[TCSSBadTreeEventID] = json.RawMessage(tcssBadTreeResponse)
	for i := 1; i <= cfg.TCSSEvents; i++ {
		raw, _ := json.Marshal(generateTCSSEvent(i, cfg.TCSSEvents, now, cfg.TCSSSpan, cfg.TCSSTimeZone, cfg.TCSSSparse))
		s.tcss[TCSSGeneratedEventID(i)] = raw
	}
	for id, raw := range s.tcss {
		s.tcssList = append(s.tcssList, tcssListEventOf(id, raw))
	}
	s.ResetHSSEvents(cfg.HSSEvents)
	return s
}

func withDefaults(cfg Config) Config {
	if cfg.TencentKeys == nil {
		cfg.TencentKeys = map[string]string{TencentSecretID: TencentSecretKey}
	}
	if cfg.HuaweiKeys == nil {
		cfg.HuaweiKeys = map[string]string{HuaweiAccessKey: HuaweiSecretKey}
	}
	if cfg.HuaweiProjectID == "" {
		cfg.HuaweiProjectID = HuaweiProjectID
	}
	if cfg.TencentQuota == 0 {
		cfg.TencentQuota = 20
	}
	if cfg.TCSSSpan == 0 {
		cfg.TCSSSpan = tcssSpan
	}
	if cfg.TCSSTimeZone == nil {
		cfg.TCSSTimeZone, _ = time.LoadLocation(TCSSZone) // embedded: time/tzdata
	}
	if cfg.HSSEnterpriseProject == "" {
		cfg.HSSEnterpriseProject = "0"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

// URL is the base URL of both APIs, such as http://127.0.0.1:38123.
func (s *Server) URL() string { return s.url }

// Close stops the server and drops open connections.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.http.Shutdown(ctx); err != nil {
		return s.http.Close()
	}
	return nil
}

// ResetHSSEvents replaces the HSS data with the reference example and n
// generated events spread over the last 30 days.
// enterpriseProjects are the projects generated events go to, in turn.
func (s *Server) enterpriseProjects() []string {
	if s.cfg.HSSEnterpriseProjects <= 1 {
		return []string{s.cfg.HSSEnterpriseProject}
	}
	out := make([]string, s.cfg.HSSEnterpriseProjects)
	for i := range out {
		out[i] = HSSGeneratedEnterpriseProject(i, len(out))
	}
	return out
}

func (s *Server) ResetHSSEvents(n int) {
	now := s.cfg.Now()
	events := append([]hssEvent{hssReference()},
		generateHSSEvents(n, now.Add(-30*24*time.Hour+time.Hour), now.Add(-time.Minute), s.enterpriseProjects(), s.cfg.HSSShape)...)
	sortNewestFirst(events)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hss = events
	s.nextEvent = n
}

// AddHSSEvents adds n generated events spread over (from, to].
func (s *Server) AddHSSEvents(n int, from, to time.Time, enterpriseProject string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, ev := range generateHSSEvents(n, from, to, []string{enterpriseProject}, s.cfg.HSSShape) {
		ev.id = fmt.Sprintf("extra-%d-%s", s.nextEvent+i, ev.id)
		ev.raw = replaceEventID(ev.raw, ev.id)
		s.hss = append(s.hss, ev)
	}
	s.nextEvent += n
	sortNewestFirst(s.hss)
}

// HSSEventTimes maps the id of every HSS event to its occur_time (ms).
func (s *Server) HSSEventTimes() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int64, len(s.hss))
	for _, ev := range s.hss {
		out[ev.id] = ev.occurTime
	}
	return out
}

func replaceEventID(raw json.RawMessage, id string) json.RawMessage {
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	m["event_id"] = id
	out, _ := json.Marshal(m)
	return out
}

// Requests returns a copy of the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RequestCount counts the logged requests of a cloud.
func (s *Server) RequestCount(cloud Cloud) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Cloud == cloud {
			n++
		}
	}
	return n
}

// ResetRequests clears the request log and the fault counters.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.counters = map[Cloud]int{}
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r)
	w := s.cfg.Log
	s.mu.Unlock()
	if w != nil {
		line, _ := json.Marshal(r)
		_, _ = w.Write(append(line, '\n'))
	}
}

// ServeHTTP routes: POST / is TCSS (and STS AssumeRole), GET
// /v5/{project_id}/app/event is HSS, POST /v3.0/OS-CREDENTIAL/securitytokens is IAM.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/" && r.Header.Get("X-TC-Action") == actionAssumeRole:
		s.serveAssumeRole(w, r)
	case r.URL.Path == "/" && r.Header.Get("X-TC-Action") != "":
		s.serveTencent(w, r)
	case r.URL.Path == iamAgencyKeysPath:
		s.serveAgencyKeys(w, r)
	case strings.HasPrefix(r.URL.Path, "/v5/"):
		s.serveHuawei(w, r)
	default:
		http.NotFound(w, r)
	}
}

// overQuota counts a request against a per-second quota, the way the
// cloud's gateway counts it, and says if it is over.
func (s *Server) overQuota(cloud Cloud, perSecond float64) bool {
	if perSecond <= 0 {
		return false
	}
	now := s.cfg.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.quotas[cloud]
	if c == nil {
		model := s.cfg.TencentQuotaModel
		if cloud == Huawei {
			model = s.cfg.HuaweiQuotaModel
		}
		c = quota.New(model, perSecond, now)
		s.quotas[cloud] = c
	}
	return c.Over(now)
}

var errNoHijack = errors.New("the connection cannot be dropped")

// dropConnection closes the TCP connection without a response.
func dropConnection(w http.ResponseWriter) error {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return errNoHijack
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return err
	}
	return conn.Close()
}

// AddHSSEventsAt adds one generated event at each of the given times (ms),
// with ids "at-<ms>".
func (s *Server) AddHSSEventsAt(times ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ms := range times {
		ev := generateHSSEvent(s.nextEvent, ms, s.cfg.HSSEnterpriseProject, s.cfg.HSSShape.sparse(s.nextEvent))
		ev.id = fmt.Sprintf("at-%d", ms)
		ev.raw = replaceEventID(ev.raw, ev.id)
		s.hss = append(s.hss, ev)
		s.nextEvent++
	}
	sortNewestFirst(s.hss)
}

// ProviderHCL is a provider "cwpp" block configuring both clouds against this
// server; each extra is added inside its cloud's block, such as "max_retries = 0".
func (s *Server) ProviderHCL(tencentExtra, huaweiExtra string) string {
	return s.providerHCL(HuaweiProjectID, tencentExtra, huaweiExtra)
}

// MemberProviderHCL is ProviderHCL for the member account: the same base keys,
// the member's HSS project; the extras add the assume_role blocks.
func (s *Server) MemberProviderHCL(tencentExtra, huaweiExtra string) string {
	return s.providerHCL(MemberProjectID, tencentExtra, huaweiExtra)
}

func (s *Server) providerHCL(projectID, tencentExtra, huaweiExtra string) string {
	return fmt.Sprintf(`
provider "cwpp" {
  tencentcloud {
    secret_id  = %q
    secret_key = %q
    endpoint   = %q
    %s
  }
  huaweicloud {
    access_key = %q
    secret_key = %q
    project_id = %q
    region     = "cn-north-4"
    endpoint   = %q
    %s
  }
}
`, TencentSecretID, TencentSecretKey, s.url, tencentExtra, HuaweiAccessKey, HuaweiSecretKey, projectID, s.url, huaweiExtra)
}

// StartForTest starts a server for one test or benchmark and closes it when
// that ends, like httptest.NewServer.
func StartForTest(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	srv, err := Start(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = srv.Close() })
	return srv
}
