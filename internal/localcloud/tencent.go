package localcloud

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

const tencentActionDetail = "DescribeAbnormalProcessDetail"

// tencentError is an error the TCSS gateway returns in its envelope with HTTP 200.
type tencentError struct{ code, message string }

func (s *Server) serveTencent(w http.ResponseWriter, r *http.Request) {
	requestID := uuid.NewString()
	action := r.Header.Get("X-TC-Action")
	rec := Request{Time: s.cfg.Now(), Cloud: Tencent, Action: action, Status: http.StatusOK}
	defer func() { s.record(rec) }()

	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		rec.Status = http.StatusBadRequest
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	var params struct {
		EventId *string `json:"EventId"`
	}
	if err := json.Unmarshal(body, &params); err == nil && params.EventId != nil {
		rec.Params = map[string]string{"EventId": *params.EventId}
	}

	fail := func(e tencentError) {
		rec.Code = e.code
		writeTencent(w, http.StatusOK, map[string]any{
			"Error": map[string]string{"Code": e.code, "Message": e.message}, "RequestId": requestID,
		})
	}

	secretID, e := verifyTC3(r, body, "tcss", s.secretOf(Tencent), s.cfg.Now())
	if e != nil {
		if e.code == "AuthFailure.SecretIdNotFound" {
			e.message += s.knownScenarios(Tencent)
		}
		fail(*e)
		return
	}
	account, refused := s.accountOf(Tencent, secretID, r.Header.Get("X-TC-Token"))
	if account == nil {
		fail(tencentError{"AuthFailure.TokenFailure", "Token verification failed: " + refused + "."})
		return
	}
	if s.overQuota(Tencent, float64(s.cfg.TencentQuota)) {
		fail(tencentError{"RequestLimitExceeded", "Your current request times equals to `" +
			strconv.Itoa(s.cfg.TencentQuota) + "` in a second, which exceeds the frequency limit."})
		return
	}
	f, faults := s.nextFault(r.Context(), Tencent)
	switch f {
	case faultInvalidParameter:
		fail(tencentError{"InvalidParameterValue", "The parameter EventId is invalid (injected)."})
		return
	case faultDrop:
		rec.Status = 0
		rec.Code = "DroppedConnection"
		_ = dropConnection(w)
		return
	case faultThrottle:
		fail(tencentError{"RequestLimitExceeded", "injected throttling"})
		return
	case faultServerError:
		rec.Status, rec.Code = http.StatusBadGateway, "InternalError"
		writeTencent(w, http.StatusBadGateway, map[string]any{
			"Error": map[string]string{"Code": "InternalError", "Message": "injected server error"}, "RequestId": requestID,
		})
		return
	case faultNonJSON:
		rec.Code = "NonJSON"
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<html><body>502 Bad Gateway</body></html>")
		return
	case faultTruncate:
		account.answerTencent(w, action, body, params.EventId, requestID, &rec, true, 0)
		rec.Code = "Truncated"
		return
	}
	account.answerTencent(w, action, body, params.EventId, requestID, &rec, false, faults.Oversize)
}

func (s *Server) answerTencent(w http.ResponseWriter, action string, body []byte, eventID *string, requestID string, rec *Request, truncate bool, pad int) {
	if action == tencentActionList {
		s.answerTencentList(w, body, requestID, rec, truncate)
		return
	}
	fail := func(code, message string) {
		rec.Code = code
		writeTencent(w, http.StatusOK, map[string]any{
			"Error": map[string]string{"Code": code, "Message": message}, "RequestId": requestID,
		})
	}
	if action != tencentActionDetail {
		fail("InvalidAction", fmt.Sprintf("The action %q is not supported.", action))
		return
	}
	if eventID == nil {
		fail("InvalidParameter.MissingParameter", "The parameter `EventId` is missing.")
		return
	}
	if *eventID == "" {
		fail("InvalidParameterValue", "The value of `EventId` must not be empty.")
		return
	}
	s.mu.Lock()
	raw, ok := s.tcss[*eventID]
	s.mu.Unlock()
	if !ok {
		fail("ResourceNotFound", fmt.Sprintf("The event %s does not exist.", *eventID))
		return
	}
	var resp map[string]any
	_ = json.Unmarshal(raw, &resp)
	resp["RequestId"] = requestID
	out, _ := json.Marshal(map[string]any{"Response": resp})
	if truncate {
		out = out[:len(out)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
	writePadding(w, pad)
}

// writePadding appends n bytes of JSON whitespace: still valid, just big.
func writePadding(w io.Writer, n int) {
	chunk := []byte(strings.Repeat(" ", 64<<10))
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return
		}
		n -= k
	}
}

func writeTencent(w http.ResponseWriter, status int, response map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"Response": response})
}

// verifyTC3 checks a TC3-HMAC-SHA256 signature as the TCSS gateway does.
// service is the API's ("tcss" or "sts"); secretOf looks up a key's secret.
// It returns the secret id the request was signed with.
func verifyTC3(r *http.Request, body []byte, service string, secretOf func(string) (string, bool), now time.Time) (string, *tencentError) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return "", &tencentError{"AuthFailure.SignatureFailure", "The request has no Authorization header."}
	}
	algorithm, rest, _ := strings.Cut(auth, " ")
	if algorithm != "TC3-HMAC-SHA256" {
		return "", &tencentError{"AuthFailure.SignatureFailure", "The signature algorithm must be TC3-HMAC-SHA256."}
	}
	fields := authFields(rest)
	credential := strings.Split(fields["Credential"], "/")
	if len(credential) != 4 || credential[3] != "tc3_request" {
		return "", &tencentError{"AuthFailure.SignatureFailure", "The Credential of the Authorization header is malformed."}
	}
	secretID, date, scopeService := credential[0], credential[1], credential[2]
	secretKey, ok := secretOf(secretID)
	if !ok {
		return "", &tencentError{"AuthFailure.SecretIdNotFound", "The SecretId is not found."}
	}
	if scopeService != service {
		return "", &tencentError{"AuthFailure.SignatureFailure", fmt.Sprintf("The service %q of the credential scope is not %s.", scopeService, service)}
	}
	timestamp, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		return "", &tencentError{"AuthFailure.SignatureFailure", "X-TC-Timestamp is missing or not a number."}
	}
	signedAt := time.Unix(timestamp, 0).UTC()
	if d := now.Sub(signedAt); d > 5*time.Minute || d < -5*time.Minute {
		return "", &tencentError{"AuthFailure.SignatureExpire", "The request's timestamp is more than 5 minutes from the server's time."}
	}
	if signedAt.Format("2006-01-02") != date {
		return "", &tencentError{"AuthFailure.SignatureFailure", "The date of the credential scope does not match X-TC-Timestamp."}
	}
	signedHeaders := fields["SignedHeaders"]
	var canonicalHeaders strings.Builder
	for _, name := range strings.Split(signedHeaders, ";") {
		value := r.Header.Get(name)
		if name == "host" {
			value = r.Host
		}
		canonicalHeaders.WriteString(name + ":" + strings.ToLower(strings.TrimSpace(value)) + "\n")
	}
	canonicalRequest := strings.Join([]string{
		r.Method, "/", r.URL.RawQuery, canonicalHeaders.String(), signedHeaders, sha256Hex(body),
	}, "\n")
	scope := date + "/" + service + "/tc3_request"
	stringToSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(timestamp, 10) + "\n" + scope + "\n" + sha256Hex([]byte(canonicalRequest))
	key := hmacSHA256([]byte("TC3"+secretKey), date)
	key = hmacSHA256(key, service)
	key = hmacSHA256(key, "tc3_request")
	want := hex.EncodeToString(hmacSHA256(key, stringToSign))
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return "", &tencentError{"AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct."}
	}
	return secretID, nil
}

// authFields parses "Key=value, Key=value" of an Authorization header.
func authFields(s string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			out[k] = v
		}
	}
	return out
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
