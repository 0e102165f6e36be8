package tencentcloud

import (
	"testing"
	"time"

	"github.com/cwpp-terraform/terraform-provider-cwpp/internal/credentials"
)

// TestLiveCredentialKeepsTheNewestKeys: attempts that looked their keys up
// before a refresh must not put the older keys back.
func TestLiveCredentialKeepsTheNewestKeys(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	older := credentials.Keys{AccessKey: "id-1", SecretKey: "key-1", Token: "token-1", Expires: now.Add(time.Hour)}
	newer := credentials.Keys{AccessKey: "id-2", SecretKey: "key-2", Token: "token-2", Expires: now.Add(2 * time.Hour)}
	var c liveCredential
	c.use(older)
	c.use(newer)
	c.use(older)
	if id, key, token := c.GetCredential(); id != "id-2" || key != "key-2" || token != "token-2" {
		t.Fatalf("signing with %s/%s/%s; want the newer keys", id, key, token)
	}

	var static liveCredential
	static.use(credentials.Keys{AccessKey: "AKID", SecretKey: "secret"})
	if static.GetSecretId() != "AKID" || static.GetSecretKey() != "secret" || static.GetToken() != "" {
		t.Fatalf("static keys: %s/%s/%q", static.GetSecretId(), static.GetSecretKey(), static.GetToken())
	}
}
