package loopback

import (
	"strings"
	"testing"
)

func TestCheckEndpoint(t *testing.T) {
	cases := []struct {
		value string
		ok    bool
	}{
		{"", true},
		{"http://127.0.0.1:8000", true},
		{"http://127.0.0.1:8000/base/path", true},
		{"http://[::1]:8000", true},
		{"http://localhost:8000", true},
		{"http://LOCALHOST", true},
		{"HTTP://127.0.0.1:8000", true},
		{"https://127.0.0.1:8443", false},
		{"http://10.0.0.5:8000", false},
		{"http://127.0.0.2:8000", false},
		{"http://127.0.0.1.example.com", false},
		{"http://localhost@10.0.0.5:8000", false},
		{"http://169.254.169.254/latest", false},
		{"https://dynamodb.us-east-1.amazonaws.com", false},
		{"127.0.0.1:8000", false},
		{"http://", false},
		{"http://[::1", false},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			err := CheckEndpoint("LEADROUTER_TEST_ENDPOINT", c.value)
			if c.ok {
				if err != nil {
					t.Errorf("CheckEndpoint(%q) = %v, want nil", c.value, err)
				}
				return
			}

			if err == nil {
				t.Fatalf("CheckEndpoint(%q) = nil, want an error", c.value)
			}
			if !strings.Contains(err.Error(), "LEADROUTER_TEST_ENDPOINT") {
				t.Errorf("error %q does not name the variable", err)
			}
			if !strings.Contains(err.Error(), "127.0.0.1, ::1 or localhost") {
				t.Errorf("error %q does not name the accepted hosts", err)
			}
		})
	}
}
