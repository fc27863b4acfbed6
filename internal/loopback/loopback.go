// Package loopback checks the endpoint overrides that tests give the built
// Lambda functions. An override must be a plain http URL on 127.0.0.1, ::1
// or localhost, so a setting copied into a deployment cannot send requests,
// or the requests' signed credentials, to another host.
package loopback

import (
	"fmt"
	"net/url"
	"strings"
)

// CheckEndpoint returns nil when value is empty or an http URL whose host
// is 127.0.0.1, ::1 or localhost, and otherwise an error that names the
// environment variable, the value and the fix. Other loopback addresses,
// such as 127.0.0.2, and https are rejected, because the local servers the
// tests start listen on 127.0.0.1 over plain http.
func CheckEndpoint(variable, value string) error {
	if value == "" || isLoopbackHTTP(value) {
		return nil
	}
	return fmt.Errorf("%s %q is invalid: only an http URL on 127.0.0.1, ::1 or localhost is accepted, for tests; leave it unset in production", variable, value)
}

// isLoopbackHTTP reports whether text parses as an http URL on one of the
// accepted hosts. url.Parse lower-cases the scheme, and Hostname drops the
// port, the brackets of an IPv6 address and any user information.
func isLoopbackHTTP(text string) bool {
	u, err := url.Parse(text)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	return host == "127.0.0.1" || host == "::1" || strings.EqualFold(host, "localhost")
}
