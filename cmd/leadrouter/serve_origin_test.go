package main

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestLocalOrigins(t *testing.T) {
	cases := []struct {
		name string
		addr net.Addr
		want []string
	}{
		{
			name: "loopback IPv4",
			addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3000},
			want: []string{"http://127.0.0.1:3000", "http://[::1]:3000", "http://localhost:3000"},
		},
		{
			name: "loopback IPv6",
			addr: &net.TCPAddr{IP: net.IPv6loopback, Port: 3000},
			want: []string{"http://127.0.0.1:3000", "http://[::1]:3000", "http://localhost:3000"},
		},
		{
			name: "all interfaces",
			addr: &net.TCPAddr{IP: net.IPv4zero, Port: 8080},
			want: []string{"http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost:8080"},
		},
		{
			name: "other IPv4 address",
			addr: &net.TCPAddr{IP: net.IPv4(192, 168, 1, 20), Port: 8080},
			want: []string{"http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost:8080", "http://192.168.1.20:8080"},
		},
		{
			name: "other IPv6 address",
			addr: &net.TCPAddr{IP: net.ParseIP("fd00::20"), Port: 8080},
			want: []string{"http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost:8080", "http://[fd00::20]:8080"},
		},
		{
			name: "not TCP",
			addr: &net.UnixAddr{Name: "/tmp/leadrouter.sock", Net: "unix"},
			want: nil,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := localOrigins(c.addr); !slices.Equal(got, c.want) {
				t.Errorf("localOrigins(%v) = %q, want %q", c.addr, got, c.want)
			}
		})
	}
}

// TestServeFormPostOrigin checks that a browser form post from the
// server's own page is accepted and one from another site is rejected.
func TestServeFormPostOrigin(t *testing.T) {
	srv := testServer(t, t.TempDir())
	_, port, err := net.SplitHostPort(srv.addr())
	if err != nil {
		t.Fatalf("split %q: %v", srv.addr(), err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	cases := []struct {
		origin string
		status int
	}{
		{"http://" + srv.addr(), http.StatusSeeOther},
		{"http://localhost:" + port, http.StatusSeeOther},
		{"https://attacker.example", http.StatusForbidden},
		{"http://localhost:1", http.StatusForbidden},
	}
	for _, c := range cases {
		t.Run(c.origin, func(t *testing.T) {
			form := url.Values{"email": {"ada@origin-test.example"}, "company": {"Origin Co"}}
			req, err := http.NewRequest("POST", "http://"+srv.addr()+"/leads", strings.NewReader(form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", c.origin)
			res, err := client.Do(req)
			if err != nil {
				t.Fatalf("POST /leads: %v", err)
			}
			res.Body.Close()

			if res.StatusCode != c.status {
				t.Errorf("Origin %s: status %d, want %d", c.origin, res.StatusCode, c.status)
			}
		})
	}
}
