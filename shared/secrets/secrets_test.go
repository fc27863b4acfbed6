package secrets_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/leadrouter/leadrouter/shared/secrets"
)

const secretValue = `{"type":"service_account","private_key":"KEY-MATERIAL"}`

// awsServer speaks the JSON 1.1 protocol of Secrets Manager and SSM for
// a fixed set of secrets and parameters.
type awsServer struct {
	mu       sync.Mutex
	requests []map[string]any
}

func (s *awsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var input map[string]any
	_ = json.Unmarshal(body, &input)

	s.mu.Lock()
	s.requests = append(s.requests, input)
	s.mu.Unlock()

	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	fail := func(status int, code, message string) {
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": message})
	}

	switch r.Header.Get("X-Amz-Target") {
	case "secretsmanager.GetSecretValue":
		switch input["SecretId"] {
		case "google", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:google-AbCdEf":
			_ = json.NewEncoder(w).Encode(map[string]any{"ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:google-AbCdEf", "Name": "google", "SecretString": secretValue})
		case "binary":
			_ = json.NewEncoder(w).Encode(map[string]any{"Name": "binary", "SecretBinary": "a2V5"})
		case "empty":
			_ = json.NewEncoder(w).Encode(map[string]any{"Name": "empty"})
		case "denied":
			fail(http.StatusBadRequest, "AccessDeniedException", "User is not authorized to perform secretsmanager:GetSecretValue")
		default:
			fail(http.StatusBadRequest, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
		}

	case "AmazonSSM.GetParameter":
		if input["WithDecryption"] != true {
			fail(http.StatusBadRequest, "ValidationException", "test server: WithDecryption must be true")
			return
		}
		switch input["Name"] {
		case "/leadrouter/google", "arn:aws:ssm:eu-west-1:123456789012:parameter/leadrouter/google":
			_ = json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{"Name": "/leadrouter/google", "Type": "SecureString", "Value": secretValue, "Version": 1}})
		case "/leadrouter/kms-denied":
			fail(http.StatusBadRequest, "AccessDeniedException", "not authorized to perform kms:Decrypt")
		default:
			fail(http.StatusBadRequest, "ParameterNotFound", "")
		}

	default:
		fail(http.StatusBadRequest, "UnknownOperationException", "")
	}
}

// newClients starts the server and returns real clients pointed at it with
// fake credentials.
func newClients(t *testing.T) (*secretsmanager.Client, *ssm.Client) {
	t.Helper()
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	srv := httptest.NewServer(&awsServer{})
	t.Cleanup(srv.Close)

	creds := credentials.NewStaticCredentialsProvider("AKIDTEST", "test-secret", "")
	sm := secretsmanager.New(secretsmanager.Options{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds})
	ps := ssm.New(ssm.Options{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds})
	return sm, ps
}

func TestLoadFound(t *testing.T) {
	tests := []struct {
		ref  string
		want string
	}{
		{ref: "secretsmanager:google", want: secretValue},
		{ref: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:google-AbCdEf", want: secretValue},
		{ref: "secretsmanager:binary", want: "key"},
		{ref: "ssm:/leadrouter/google", want: secretValue},
		{ref: "arn:aws:ssm:eu-west-1:123456789012:parameter/leadrouter/google", want: secretValue},
		{ref: "  ssm:/leadrouter/google\n", want: secretValue},
	}

	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			sm, ps := newClients(t)

			got, err := secrets.Load(context.Background(), tt.ref, sm, ps)

			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("secret = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		ref  string
		want error
	}{
		{ref: "secretsmanager:missing", want: secrets.ErrNotFound},
		{ref: "secretsmanager:empty", want: secrets.ErrNotFound},
		{ref: "secretsmanager:denied", want: secrets.ErrDenied},
		{ref: "ssm:/leadrouter/missing", want: secrets.ErrNotFound},
		{ref: "ssm:/leadrouter/kms-denied", want: secrets.ErrDenied},
		{ref: "", want: secrets.ErrInvalid},
		{ref: "vault:google", want: secrets.ErrInvalid},
		{ref: "ssm:leadrouter/google", want: secrets.ErrInvalid},
		{ref: "secretsmanager:", want: secrets.ErrInvalid},
		{ref: "arn:aws:s3:::bucket/key", want: secrets.ErrInvalid},
		{ref: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:", want: secrets.ErrInvalid},
	}

	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			sm, ps := newClients(t)

			_, err := secrets.Load(context.Background(), tt.ref, sm, ps)

			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if strings.Contains(err.Error(), "KEY-MATERIAL") {
				t.Errorf("error = %v, want no secret in it", err)
			}
		})
	}
}

func TestLoadWithoutClient(t *testing.T) {
	tests := []struct {
		name string
		ref  string
	}{
		{name: "secrets manager", ref: "secretsmanager:google"},
		{name: "ssm", ref: "ssm:/leadrouter/google"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := secrets.Load(context.Background(), tt.ref, nil, nil)

			if !errors.Is(err, secrets.ErrInvalid) {
				t.Errorf("error = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestRefRoundTrip(t *testing.T) {
	refs := []string{
		"secretsmanager:google",
		"ssm:/leadrouter/google",
		"arn:aws:ssm:eu-west-1:123456789012:parameter/leadrouter/google",
		"arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:g-AbCdEf",
	}

	for _, text := range refs {
		t.Run(text, func(t *testing.T) {
			ref, err := secrets.ParseRef(text)
			if err != nil {
				t.Fatalf("ParseRef: %v", err)
			}

			if got := ref.String(); got != text {
				t.Errorf("String() = %q, want %q", got, text)
			}
		})
	}
}
