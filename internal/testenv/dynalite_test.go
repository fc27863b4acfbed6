package testenv

import (
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

func TestDynaliteAnswersListTables(t *testing.T) {
	endpoint := Dynalite(t)
	client := DynamoClient(t, endpoint)

	out, err := client.ListTables(t.Context(), &dynamodb.ListTablesInput{})

	if err != nil {
		t.Fatalf("ListTables = %v, want nil", err)
	}
	if len(out.TableNames) != 0 {
		t.Errorf("TableNames = %v, want none on a new server", out.TableNames)
	}
}

func TestDynaliteListensOnLoopback(t *testing.T) {
	endpoint := Dynalite(t)
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatalf("parse %q: %v", endpoint, err)
	}

	listeners := listenAddresses(t, u.Port())

	if u.Hostname() != "127.0.0.1" {
		t.Errorf("endpoint host = %q, want 127.0.0.1", u.Hostname())
	}
	if len(listeners) == 0 {
		t.Fatalf("no listening socket on port %s in /proc/net/tcp*", u.Port())
	}
	for _, addr := range listeners {
		if addr != "0100007F" {
			t.Errorf("socket on port %s listens on hex address %s, want only 0100007F (127.0.0.1)", u.Port(), addr)
		}
	}
}

// listenAddresses returns the hex local addresses, as /proc/net/tcp and
// tcp6 print them, of the listening sockets on port.
func listenAddresses(t *testing.T, port string) []string {
	t.Helper()
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("port %q: %v", port, err)
	}
	hexPort := fmt.Sprintf("%04X", n)

	var out []string
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Skipf("cannot read %s to check listening addresses: %v", file, err)
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			fields := strings.Fields(line)
			// Fields are: slot, local address:port, remote, state (0A = LISTEN).
			if len(fields) < 4 || fields[3] != "0A" {
				continue
			}
			addr, p, ok := strings.Cut(fields[1], ":")
			if ok && p == hexPort {
				out = append(out, addr)
			}
		}
	}
	return out
}

func TestDynamoTableNameIsValidAndUnique(t *testing.T) {
	valid := regexp.MustCompile(`^[a-zA-Z0-9_.-]{3,255}$`)
	seen := map[string]bool{}

	for range 3 {
		t.Run("sub test/with spaces & symbols", func(t *testing.T) {
			name := DynamoTableName(t)

			if !valid.MatchString(name) {
				t.Errorf("DynamoTableName = %q, want 3 to 255 of [a-zA-Z0-9_.-]", name)
			}
			if seen[name] {
				t.Errorf("DynamoTableName = %q twice, want a new name per call", name)
			}
			seen[name] = true
		})
	}
}
