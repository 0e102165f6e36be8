package localcloud

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The member account: the one role (Tencent) and agency (Huawei) that the
// local cloud lets the demo keys assume, and what they open.
const (
	MemberRoleARN    = "qcs::cam::uin/100000000002:roleName/cwpp-reader"
	MemberExternalID = "cwpp-member-external-3f9a"
	MemberAgency     = "cwpp_reader"
	MemberDomainName = "cwpp-member"
	MemberDomainID   = "0cwpp0member0domain0000000000001"
	// MemberProjectID is the member account's HSS project; the caller's own
	// project is not found with the member's keys, nor this one with the caller's.
	MemberProjectID = "0cwpp0member0project000000000001"

	actionAssumeRole  = "AssumeRole"
	iamAgencyKeysPath = "/v3.0/OS-CREDENTIAL/securitytokens"
	// ActionAgencyKeys is how the request log names the IAM call.
	ActionAgencyKeys = "CreateTemporaryAccessKeyByAgency"
)

// memberConfig is the member account's data: other counts than the caller's.
func memberConfig(cfg Config) Config {
	m := cfg
	m.Fixtures = nil
	m.TCSSEvents = cfg.MemberTCSSEvents
	if m.TCSSEvents == 0 {
		m.TCSSEvents = 7
	}
	m.HSSEvents = cfg.MemberHSSEvents
	if m.HSSEvents == 0 {
		m.HSSEvents = 5
	}
	m.HuaweiProjectID = MemberProjectID
	return m
}

// temporaryKeys are keys assumed for the member account.
type temporaryKeys struct {
	secret, token string
	expires       time.Time
}

// secretOf looks up the secret of a base or assumed access key.
func (s *Server) secretOf(cloud Cloud) func(accessKey string) (string, bool) {
	base := s.cfg.TencentKeys
	if cloud == Huawei {
		base = s.cfg.HuaweiKeys
	}
	scenarioSecret := TencentSecretKey
	if cloud == Huawei {
		scenarioSecret = HuaweiSecretKey
	}
	return func(accessKey string) (string, bool) {
		if secret, ok := base[accessKey]; ok {
			return secret, true
		}
		if _, ok := s.scenarios[accessKey]; ok {
			return scenarioSecret, true
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		t, ok := s.temporary[cloud][accessKey]
		return t.secret, ok
	}
}

// keysIn looks secrets up in a map of base keys only: they alone may assume.
func keysIn(keys map[string]string) func(accessKey string) (string, bool) {
	return func(accessKey string) (string, bool) {
		secret, ok := keys[accessKey]
		return secret, ok
	}
}

// accountOf is the account a verified access key reads: the caller's own for
// base keys, a scenario's for its name, the member's for assumed ones, which
// must carry their token and be unexpired.
func (s *Server) accountOf(cloud Cloud, accessKey, token string) (*Server, string) {
	s.mu.Lock()
	t, assumed := s.temporary[cloud][accessKey]
	s.mu.Unlock()
	if scenario, ok := s.scenarios[accessKey]; ok {
		return scenario, ""
	}
	switch {
	case !assumed:
		return s, ""
	case token != t.token:
		return nil, "the security token is missing or does not belong to the access key"
	case !s.cfg.Now().Before(t.expires):
		return nil, "the security token has expired"
	}
	return s.member, ""
}

// assume issues keys for the member account, living duration or
// AssumedLifetime if shorter.
func (s *Server) assume(cloud Cloud, accessKeyPrefix string, duration time.Duration) (string, temporaryKeys) {
	if s.cfg.AssumedLifetime > 0 {
		duration = min(duration, s.cfg.AssumedLifetime)
	}
	accessKey := accessKeyPrefix + strings.ToUpper(randomHex(8))
	t := temporaryKeys{secret: randomHex(16), token: randomHex(48), expires: s.cfg.Now().Add(duration).Truncate(time.Second)}
	s.mu.Lock()
	s.temporary[cloud][accessKey] = t
	s.mu.Unlock()
	return accessKey, t
}

// scenarioName is what a scenario's name must be: a key id.
var scenarioName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// knownScenarios names the scenarios, for the message of an unknown key id.
func (s *Server) knownScenarios(cloud Cloud) string {
	if len(s.scenarios) == 0 {
		return ""
	}
	names := make([]string, 0, len(s.scenarios))
	for name := range s.scenarios {
		names = append(names, name)
	}
	sort.Strings(names)
	id := TencentSecretID
	if cloud == Huawei {
		id = HuaweiAccessKey
	}
	return fmt.Sprintf(" This local cloud serves the scenarios %s, selected by key id, and the default one with %s.",
		strings.Join(names, ", "), id)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var sessionName = regexp.MustCompile(`^[\w+=,.@-]{2,128}$`)

// serveAssumeRole is STS AssumeRole (2018-08-13), signed with the base keys.
func (s *Server) serveAssumeRole(w http.ResponseWriter, r *http.Request) {
	requestID := uuid.NewString()
	rec := Request{Time: s.cfg.Now(), Cloud: Tencent, Action: actionAssumeRole, Status: http.StatusOK, Params: map[string]string{}}
	defer func() { s.record(rec) }()
	fail := func(code, message string) {
		rec.Code = code
		writeTencent(w, http.StatusOK, map[string]any{
			"Error": map[string]string{"Code": code, "Message": message}, "RequestId": requestID,
		})
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		fail("InvalidParameter", "cannot read the body")
		return
	}
	var req struct {
		RoleArn, RoleSessionName, ExternalId, Policy *string
		DurationSeconds                              *int64
	}
	if err := json.Unmarshal(body, &req); err != nil {
		fail("InvalidParameter", "the body is not JSON")
		return
	}
	for k, v := range map[string]*string{"RoleArn": req.RoleArn, "RoleSessionName": req.RoleSessionName, "ExternalId": req.ExternalId, "Policy": req.Policy} {
		if v != nil {
			rec.Params[k] = *v
		}
	}
	if req.DurationSeconds != nil {
		rec.Params["DurationSeconds"] = strconv.FormatInt(*req.DurationSeconds, 10)
	}
	// Only the base keys may assume: an assumed key is not found here.
	if _, e := verifyTC3(r, body, "sts", keysIn(s.cfg.TencentKeys), s.cfg.Now()); e != nil {
		fail(e.code, e.message)
		return
	}
	duration := int64(7200)
	if req.DurationSeconds != nil {
		duration = *req.DurationSeconds
	}
	switch {
	case req.RoleArn == nil || req.RoleSessionName == nil:
		fail("InvalidParameter.ParamError", "RoleArn and RoleSessionName are required.")
		return
	case !sessionName.MatchString(*req.RoleSessionName):
		fail("InvalidParameter.ParamError", "RoleSessionName must be 2 to 128 characters of [\\w+=,.@-].")
		return
	case duration < 1 || duration > 43200:
		fail("InvalidParameter.OverTimeError", "DurationSeconds must be between 1 and 43200.")
		return
	case *req.RoleArn != MemberRoleARN:
		fail("ResourceNotFound.RoleNotExist", fmt.Sprintf("The role %s does not exist.", *req.RoleArn))
		return
	case req.ExternalId == nil || *req.ExternalId != MemberExternalID:
		fail("AuthFailure.UnauthorizedOperation", "The ExternalId does not match the role's trust policy.")
		return
	}
	if req.Policy != nil {
		// The policy arrives URL-encoded, as STS documents.
		decoded, err := url.QueryUnescape(*req.Policy)
		if err != nil || !json.Valid([]byte(decoded)) || strings.HasPrefix(*req.Policy, "{") {
			fail("InvalidParameter.StrategyFormatError", "Policy must be a URL-encoded JSON policy.")
			return
		}
	}
	id, t := s.assume(Tencent, "AKIDtmp", time.Duration(duration)*time.Second)
	writeTencent(w, http.StatusOK, map[string]any{
		"Credentials": map[string]string{"TmpSecretId": id, "TmpSecretKey": t.secret, "Token": t.token},
		"ExpiredTime": t.expires.Unix(),
		"Expiration":  t.expires.UTC().Format(time.RFC3339),
		"RequestId":   requestID,
	})
}

// serveAgencyKeys is IAM CreateTemporaryAccessKeyByAgency, signed with the base keys.
func (s *Server) serveAgencyKeys(w http.ResponseWriter, r *http.Request) {
	requestID := uuid.NewString()
	w.Header().Set("X-Request-Id", requestID)
	rec := Request{Time: s.cfg.Now(), Cloud: Huawei, Action: ActionAgencyKeys, Status: http.StatusCreated, Params: map[string]string{}}
	defer func() { s.record(rec) }()
	fail := func(status int, code, msg string) {
		rec.Status, rec.Code = status, code
		writeJSON(w, status, map[string]string{"error_code": code, "error_msg": msg})
	}
	if r.Method != http.MethodPost {
		fail(http.StatusNotFound, "APIGW.0101", "The API does not exist or has not been published in the environment.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		fail(http.StatusBadRequest, "IAM.0011", "cannot read the body")
		return
	}
	if _, e := verifySDKHMAC(r, body, keysIn(s.cfg.HuaweiKeys), s.cfg.Now()); e != nil {
		fail(e.status, e.code, e.msg)
		return
	}
	var req struct {
		Auth struct {
			Identity struct {
				Methods    []string `json:"methods"`
				AssumeRole *struct {
					AgencyName      string `json:"agency_name"`
					DomainName      string `json:"domain_name"`
					DomainID        string `json:"domain_id"`
					DurationSeconds *int64 `json:"duration_seconds"`
				} `json:"assume_role"`
			} `json:"identity"`
		} `json:"auth"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		fail(http.StatusBadRequest, "IAM.0011", "The request body is not JSON.")
		return
	}
	a := req.Auth.Identity.AssumeRole
	if len(req.Auth.Identity.Methods) != 1 || req.Auth.Identity.Methods[0] != "assume_role" || a == nil {
		fail(http.StatusBadRequest, "IAM.0011", `identity.methods must be ["assume_role"] with identity.assume_role.`)
		return
	}
	rec.Params = map[string]string{"agency_name": a.AgencyName, "domain_name": a.DomainName, "domain_id": a.DomainID}
	duration := int64(900)
	if a.DurationSeconds != nil {
		duration = *a.DurationSeconds
		rec.Params["duration_seconds"] = strconv.FormatInt(duration, 10)
	}
	switch {
	case (a.DomainName == "") == (a.DomainID == ""):
		fail(http.StatusBadRequest, "IAM.0011", "Exactly one of domain_name and domain_id is required.")
		return
	case duration < 900 || duration > 86400:
		fail(http.StatusBadRequest, "IAM.0011", "duration_seconds must be between 900 and 86400.")
		return
	case a.DomainName != "" && a.DomainName != MemberDomainName, a.DomainID != "" && a.DomainID != MemberDomainID:
		fail(http.StatusNotFound, "IAM.0003", "The domain does not exist.")
		return
	case a.AgencyName != MemberAgency:
		fail(http.StatusForbidden, "IAM.0002", fmt.Sprintf("The agency %s does not exist or does not trust the caller.", a.AgencyName))
		return
	}
	ak, t := s.assume(Huawei, "CWPPTMP", time.Duration(duration)*time.Second)
	writeJSON(w, http.StatusCreated, map[string]any{"credential": map[string]string{
		"access": ak, "secret": t.secret, "securitytoken": t.token,
		"expires_at": t.expires.UTC().Format("2006-01-02T15:04:05.000000Z"),
	}})
}

// AssumedSecrets lists the secrets and tokens of every key assumed so far,
// for tests that prove none of them leaks.
func (s *Server) AssumedSecrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, keys := range s.temporary {
		for _, t := range keys {
			out = append(out, t.secret, t.token)
		}
	}
	return out
}
