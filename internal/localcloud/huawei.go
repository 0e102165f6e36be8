package localcloud

import (
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

const huaweiActionList = "ListAppWhitelistEvent"

// huaweiError is an error response of the HSS gateway.
type huaweiError struct {
	status    int
	code, msg string
}

func (s *Server) serveHuawei(w http.ResponseWriter, r *http.Request) {
	requestID := uuid.NewString()
	w.Header().Set("X-Request-Id", requestID)
	rec := Request{Time: s.cfg.Now(), Cloud: Huawei, Action: huaweiActionList, Status: http.StatusOK, Params: map[string]string{}}
	for k, v := range r.URL.Query() {
		rec.Params[k] = strings.Join(v, ",")
	}
	defer func() { s.record(rec) }()
	fail := func(e huaweiError) {
		rec.Status, rec.Code = e.status, e.code
		writeJSON(w, e.status, map[string]string{"error_code": e.code, "error_msg": e.msg})
	}

	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if r.Method != http.MethodGet || len(parts) != 4 || parts[2] != "app" || parts[3] != "event" {
		fail(huaweiError{http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment."})
		return
	}
	accessKey, e := verifySDKHMAC(r, nil, s.secretOf(Huawei), s.cfg.Now())
	if e != nil {
		if strings.HasSuffix(e.msg, "unknown access key") {
			e.msg += "." + s.knownScenarios(Huawei)
		}
		fail(*e)
		return
	}
	account, refused := s.accountOf(Huawei, accessKey, r.Header.Get("X-Security-Token"))
	if account == nil {
		fail(huaweiError{http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: " + refused})
		return
	}
	if parts[1] != account.cfg.HuaweiProjectID {
		fail(huaweiError{http.StatusNotFound, "HSS.1018", fmt.Sprintf("The project %s does not exist.", parts[1])})
		return
	}
	q, e := parseHSSQuery(r.URL.Query(), s.cfg.Now(), s.cfg.Readings)
	if e != nil {
		fail(*e)
		return
	}
	if s.overQuota(Huawei, float64(s.cfg.HuaweiQuota)) {
		fail(huaweiError{http.StatusTooManyRequests, "APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit, limit:" +
			strconv.Itoa(s.cfg.HuaweiQuota) + ", time:1 second"})
		return
	}

	f, faults := s.nextFault(r.Context(), Huawei)
	switch f {
	case faultInvalidParameter:
		fail(huaweiError{http.StatusBadRequest, "HSS.1001", "Invalid parameter (injected)."})
		return
	case faultDrop:
		rec.Status, rec.Code = 0, "DroppedConnection"
		_ = dropConnection(w)
		return
	case faultThrottle:
		if faults.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(faults.RetryAfter.Seconds())))
		}
		fail(huaweiError{http.StatusTooManyRequests, "APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit."})
		return
	case faultServerError:
		fail(huaweiError{http.StatusInternalServerError, "HSS.0001", "Internal server error (injected)."})
		return
	case faultNonJSON:
		rec.Code = "NonJSON"
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
		return
	}
	if faults.GrowTotal {
		now := s.cfg.Now()
		account.AddHSSEvents(1, now.Add(-2*time.Second), now.Add(-time.Second), s.cfg.HSSEnterpriseProject)
	}

	account.mu.Lock()
	var matched []json.RawMessage
	for _, ev := range account.hss {
		if q.matches(ev) {
			matched = append(matched, ev.raw)
		}
	}
	account.mu.Unlock()
	page := []json.RawMessage{}
	if q.offset < len(matched) {
		page = matched[q.offset:min(q.offset+q.limit, len(matched))]
	}
	if s.cfg.HSSCmdLineBytes > 0 {
		page = padCmdLines(page, s.cfg.HSSCmdLineBytes)
	}
	if s.cfg.Readings.HSSHostFieldsInResourceInfo {
		page = withoutTopLevelHost(page)
	}
	out, _ := json.Marshal(map[string]any{"total_num": capped(len(matched), s.cfg.Readings.HSSTotalCap), "data_list": page})
	if f == faultTruncate {
		rec.Code = "Truncated"
		out = out[:len(out)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
	if f != faultTruncate {
		writePadding(w, faults.Oversize)
	}
}

// padCmdLines returns the events with the process_cmdline of their first
// process (process_info or process_info_list) n bytes long.
func padCmdLines(events []json.RawMessage, n int) []json.RawMessage {
	long := "sh -c " + strings.Repeat("x", max(n-6, 0))
	out := make([]json.RawMessage, len(events))
	for i, raw := range events {
		var ev map[string]any
		if json.Unmarshal(raw, &ev) != nil {
			out[i] = raw
			continue
		}
		for _, key := range []string{"process_info", "process_info_list"} {
			if procs, ok := ev[key].([]any); ok && len(procs) > 0 {
				if p, ok := procs[0].(map[string]any); ok {
					p["process_cmdline"] = long
				}
			}
		}
		out[i], _ = json.Marshal(ev)
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// hssQuery is a validated ListAppWhitelistEvent query.
type hssQuery struct {
	offset, limit                                           int
	from, to                                                int64 // inclusive, ms; to == 0: no range
	toExclusive                                             bool  // the reading of end_time as exclusive
	enterpriseProject, hostName, hostIP, privateIP, handled string
}

func (q hssQuery) matches(ev hssEvent) bool {
	return (q.to == 0 || (ev.occurTime >= q.from && (ev.occurTime < q.to || !q.toExclusive && ev.occurTime == q.to))) &&
		(q.enterpriseProject == "all_granted_eps" || ev.enterpriseProject == q.enterpriseProject) &&
		(q.hostName == "" || ev.hostName == q.hostName) &&
		(q.hostIP == "" || ev.hostIP == q.hostIP) &&
		(q.privateIP == "" || ev.privateIP == q.privateIP) &&
		(q.handled == "" || ev.handleStatus == q.handled)
}

// parseHSSQuery enforces the API reference's parameter rules.
func parseHSSQuery(v url.Values, now time.Time, readings Readings) (hssQuery, *huaweiError) {
	bad := func(format string, args ...any) *huaweiError {
		return &huaweiError{http.StatusBadRequest, "HSS.1001", fmt.Sprintf(format, args...)}
	}
	integer := func(name string, required bool, lo, hi int64) (int64, *huaweiError) {
		s := v.Get(name)
		if s == "" {
			if required {
				return 0, bad("The parameter %s is required.", name)
			}
			return 0, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, bad("The parameter %s must be an integer.", name)
		}
		// A value of 0 counts as absent for the optional time parameters.
		if !required && n == 0 {
			return 0, nil
		}
		if n < lo || n > hi {
			return 0, bad("The parameter %s must be between %d and %d.", name, lo, hi)
		}
		return n, nil
	}
	text := func(name string, maxLen int) (string, *huaweiError) {
		s, present := v.Get(name), v.Has(name)
		if present && (len(s) < 1 || len(s) > maxLen) {
			return "", bad("The parameter %s must be 1 to %d characters long.", name, maxLen)
		}
		return s, nil
	}

	var q hssQuery
	var e *huaweiError
	var n int64
	if n, e = integer("offset", true, 0, 2_000_000); e != nil {
		return q, e
	}
	q.offset = int(n)
	if n, e = integer("limit", true, 10, 200); e != nil {
		return q, e
	}
	q.limit = int(n)
	lastDays, e := integer("last_days", false, 1, 30)
	if e != nil {
		return q, e
	}
	begin, e := integer("begin_time", false, 1, 1<<62)
	if e != nil {
		return q, e
	}
	end, e := integer("end_time", false, 1, 1<<62)
	if e != nil {
		return q, e
	}
	switch {
	case readings.HSSRangeRequired && begin == 0:
		return q, bad("The parameter begin_time is required.")
	case readings.HSSRangeRequired && end == 0:
		return q, bad("The parameter end_time is required.")
	case lastDays != 0 && (begin != 0 || end != 0):
		return q, bad("last_days and begin_time/end_time are mutually exclusive.")
	case (begin == 0) != (end == 0):
		return q, bad("begin_time and end_time must be given together.")
	case begin > end:
		return q, bad("begin_time must not be after end_time.")
	case end-begin > (48 * time.Hour).Milliseconds():
		return q, bad("end_time minus begin_time must be at most 2 days.")
	case lastDays != 0:
		q.to = now.UnixMilli()
		q.from = now.Add(-time.Duration(lastDays) * 24 * time.Hour).UnixMilli()
	case begin != 0:
		q.from, q.to = begin, end
	}
	if q.enterpriseProject, e = text("enterprise_project_id", 256); e != nil {
		return q, e
	}
	if q.enterpriseProject == "" {
		q.enterpriseProject = "0"
	}
	if q.enterpriseProject == "all_granted_eps" && readings.HSSAllProjectsRefused {
		return q, bad("The parameter enterprise_project_id is invalid: all_granted_eps needs the enterprise project function to be enabled.")
	}
	q.toExclusive = readings.HSSEndTimeExclusive
	for _, p := range []struct {
		name string
		max  int
		dst  *string
	}{{"host_name", 256, &q.hostName}, {"host_ip", 256, &q.hostIP}, {"private_ip", 128, &q.privateIP}} {
		if *p.dst, e = text(p.name, p.max); e != nil {
			return q, e
		}
	}
	if readings.HSSPrivateIPIgnored {
		q.privateIP = ""
	}
	q.handled = v.Get("handle_status")
	if v.Has("handle_status") && q.handled != "handled" && q.handled != "unhandled" {
		return q, bad("The parameter handle_status must be handled or unhandled.")
	}
	return q, nil
}

// verifySDKHMAC checks an SDK-HMAC-SHA256 signature as the HSS gateway does.
// body is the request's (nil for a GET); secretOf looks up a key's secret.
// It returns the access key the request was signed with.
func verifySDKHMAC(r *http.Request, body []byte, secretOf func(string) (string, bool), now time.Time) (string, *huaweiError) {
	unauthorized := func(msg string) *huaweiError {
		return &huaweiError{http.StatusUnauthorized, "APIGW.0301", "Incorrect IAM authentication information: " + msg}
	}
	algorithm, rest, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if algorithm != "SDK-HMAC-SHA256" {
		return "", unauthorized("the Authorization header is missing or not SDK-HMAC-SHA256")
	}
	fields := authFields(rest)
	secretKey, ok := secretOf(fields["Access"])
	if !ok {
		return "", unauthorized("unknown access key")
	}
	date := r.Header.Get("X-Sdk-Date")
	signedAt, err := time.Parse("20060102T150405Z", date)
	if err != nil {
		return "", unauthorized("X-Sdk-Date is missing or malformed")
	}
	if d := now.Sub(signedAt); d > 15*time.Minute || d < -15*time.Minute {
		return "", unauthorized("X-Sdk-Date is more than 15 minutes from the server's time")
	}
	signedHeaders := fields["SignedHeaders"]
	var headers []string
	for _, name := range strings.Split(signedHeaders, ";") {
		value := r.Header.Get(name)
		if name == "host" {
			value = r.Host
		}
		headers = append(headers, name+":"+strings.TrimSpace(value))
	}
	bodyHash := r.Header.Get("X-Sdk-Content-Sha256")
	if bodyHash == "" {
		bodyHash = sha256Hex(body)
	}
	canonicalRequest := strings.Join([]string{
		r.Method, canonicalURI(r.URL.Path), canonicalQuery(r.URL.Query()),
		strings.Join(headers, "\n") + "\n", signedHeaders, bodyHash,
	}, "\n")
	stringToSign := "SDK-HMAC-SHA256\n" + date + "\n" + sha256Hex([]byte(canonicalRequest))
	want := hex.EncodeToString(hmacSHA256([]byte(secretKey), stringToSign))
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return "", unauthorized("the signature does not match")
	}
	return fields["Access"], nil
}

func canonicalURI(path string) string {
	segments := strings.Split(path, "/")
	for i, s := range segments {
		segments[i] = escapeRFC3986(s)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

func canonicalQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		values := append([]string(nil), v[k]...)
		sort.Strings(values)
		for _, value := range values {
			pairs = append(pairs, escapeRFC3986(k)+"="+escapeRFC3986(value))
		}
	}
	return strings.Join(pairs, "&")
}

// escapeRFC3986 percent-encodes all but the unreserved characters.
func escapeRFC3986(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '~' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
