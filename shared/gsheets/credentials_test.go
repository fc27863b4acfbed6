package gsheets_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/api/option"

	"github.com/leadrouter/leadrouter/shared/gsheets"
	"github.com/leadrouter/leadrouter/shared/gsheets/fakesheets"
	"github.com/leadrouter/leadrouter/shared/sheet"
)

// serviceAccountKey returns a service-account key document with a fresh
// RSA key whose token_uri is tokenURL.
func serviceAccountKey(t *testing.T, tokenURL string) []byte {
	t.Helper()

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}

	doc, err := json.Marshal(map[string]string{
		"type":           "service_account",
		"project_id":     "leadrouter-test",
		"private_key_id": "test-key",
		"private_key":    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":   "writer@leadrouter-test.iam.gserviceaccount.com",
		"client_id":      "1",
		"token_uri":      tokenURL,
	})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestNewServiceServiceAccount(t *testing.T) {
	var tokenRequests atomic.Int32
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokenRequests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"test-token","token_type":"Bearer","expires_in":3600}`))
	}))
	t.Cleanup(tokens.Close)
	fake := fakesheets.New()
	t.Cleanup(fake.Close)

	svc, err := gsheets.NewService(context.Background(), serviceAccountKey(t, tokens.URL), option.WithEndpoint(fake.URL()))
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	book, err := gsheets.New(svc, fakesheets.SpreadsheetID)
	if err != nil {
		t.Fatal(err)
	}

	if err := book.EnsureTabs(context.Background(), []sheet.Tab{leadsTab}); err != nil {
		t.Fatalf("EnsureTabs with service-account credentials: %v", err)
	}
	if got := tokenRequests.Load(); got != 1 {
		t.Errorf("token requests = %d, want 1 (the token is reused)", got)
	}
}

func TestNewServiceCredentialChecks(t *testing.T) {
	awsSource := `{"environment_id":"aws1","region_url":"http://169.254.169.254/latest/meta-data/placement/availability-zone","url":"http://169.254.169.254/latest/meta-data/iam/security-credentials","regional_cred_verification_url":"https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15"}`
	external := func(source string) string {
		return `{"type":"external_account","audience":"//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/aws/providers/lambda","subject_token_type":"urn:ietf:params:aws:token-type:aws4_request","token_url":"https://sts.googleapis.com/v1/token","service_account_impersonation_url":"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/writer@p.iam.gserviceaccount.com:generateAccessToken","credential_source":` + source + `}`
	}

	tests := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{name: "aws workload identity", doc: external(awsSource)},
		{name: "url source", doc: external(`{"url":"http://127.0.0.1:1/token"}`), wantErr: "must take their source from AWS"},
		{name: "file source", doc: external(`{"file":"/tmp/token"}`), wantErr: "must take their source from AWS"},
		{name: "no source", doc: `{"type":"external_account","audience":"x"}`, wantErr: "lack audience or credential_source"},
		{name: "user credentials", doc: `{"type":"authorized_user","refresh_token":"x"}`, wantErr: "unsupported Google credentials type"},
		{name: "key without email", doc: `{"type":"service_account","private_key":"secret-key-material"}`, wantErr: "lack client_email"},
		{name: "empty", doc: " ", wantErr: "empty Google credentials"},
		{name: "broken json", doc: `{"type":"service_account","private_key":"secret-key-material"`, wantErr: "not valid JSON"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := gsheets.NewService(context.Background(), []byte(tt.doc), option.WithEndpoint("http://127.0.0.1:1/"))

			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("NewService: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "secret-key-material") {
				t.Errorf("error = %v, want no key material in it", err)
			}
		})
	}
}
