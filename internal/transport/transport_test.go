package transport

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, strings.Repeat("x", len(r.URL.Path)-1))
	}))
	defer srv.Close()
	client := &http.Client{Transport: New(10)}
	for path, wantErr := range map[string]bool{"/0123456789": false, "/0123456789a": true, "/": false} {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if (err != nil) != wantErr {
			t.Errorf("%d-byte body: err = %v, want error %v", len(path)-1, err, wantErr)
		}
		if err == nil && len(body) != len(path)-1 {
			t.Errorf("read %d bytes of %d", len(body), len(path)-1)
		}
	}
}
