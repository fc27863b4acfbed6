package intake

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// TestInvalidFields submits one bad value per case and expects a 400 that
// names exactly that field.
func TestInvalidFields(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }

	cases := []struct {
		name  string
		json  map[string]any
		field string
	}{
		{"no contact at all", map[string]any{"first_name": "Ada", "message": "hi"}, "email"},
		{"only blank contact fields", map[string]any{"email": "  ", "phone": "", "company": " "}, "email"},
		{"email without at sign", map[string]any{"email": "ada.example.com"}, "email"},
		{"email with display name", map[string]any{"email": "Ada <ada@example.com>"}, "email"},
		{"email domain without dot", map[string]any{"email": "ada@localhost"}, "email"},
		{"email with two addresses", map[string]any{"email": "a@example.com, b@example.com"}, "email"},
		{"email too long", map[string]any{"email": long(250) + "@example.com"}, "email"},
		{"email alias named as sent", map[string]any{"Work Email": "nope"}, "Work Email"},
		{"phone too few digits", map[string]any{"phone": "12-34"}, "phone"},
		{"phone too many digits", map[string]any{"phone": "+1 234 567 890 123 456"}, "phone"},
		{"phone with letters", map[string]any{"phone": "0800 FLOWERS"}, "phone"},
		{"phone with plus inside", map[string]any{"phone": "020+7946+0958"}, "phone"},
		{"employees negative", map[string]any{"company": "Acme", "employees": "-3"}, "employees"},
		{"employees not a number", map[string]any{"company": "Acme", "employees": "many"}, "employees"},
		{"employees fraction", map[string]any{"company": "Acme", "employees": "2.5"}, "employees"},
		{"employees too large", map[string]any{"company": "Acme", "employees": "20000000"}, "employees"},
		{"employees as JSON number negative", map[string]any{"company": "Acme", "employees": -1}, "employees"},
		{"budget decimal comma", map[string]any{"company": "Acme", "budget": "10,5"}, "budget"},
		{"budget scientific notation as text", map[string]any{"company": "Acme", "budget": "1e9"}, "budget"},
		{"budget too large", map[string]any{"company": "Acme", "budget": "5000000000000"}, "budget"},
		{"budget negative", map[string]any{"company": "Acme", "budget": "-100"}, "budget"},
		{"website ftp scheme", map[string]any{"company": "Acme", "website": "ftp://example.com"}, "website"},
		{"website without dot", map[string]any{"company": "Acme", "website": "intranet"}, "website"},
		{"website with credentials", map[string]any{"company": "Acme", "website": "https://user:pw@example.com"}, "website"},
		{"company too long", map[string]any{"company": long(201)}, "company"},
		{"first name too long", map[string]any{"company": "Acme", "first_name": long(101)}, "first_name"},
		{"message too long", map[string]any{"company": "Acme", "message": long(5001)}, "message"},
		{"company with line break", map[string]any{"company": "Acme\nInc"}, "company"},
		{"source with escape character", map[string]any{"company": "Acme", "source": "web\x1b[31m"}, "source"},
		{"message with null byte", map[string]any{"company": "Acme", "message": "hi\x00"}, "message"},
		{"country as object", map[string]any{"company": "Acme", "country": map[string]any{"code": "FR"}}, "country"},
		{"extra field too long", map[string]any{"company": "Acme", "utm_term": long(1001)}, "utm_term"},
		{"extra field with control character", map[string]any{"company": "Acme", "utm_term": "a\x07b"}, "utm_term"},
		{"field name too long", map[string]any{"company": "Acme", long(101): "x"}, long(40) + "…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			h := newTestHandler(t, st)
			encoded, err := json.Marshal(c.json)
			if err != nil {
				t.Fatal(err)
			}

			res := handle(t, h, postEvent("application/json", string(encoded), nil))
			if res.StatusCode != 400 {
				t.Fatalf("status = %d, want 400; body %s", res.StatusCode, res.Body)
			}
			body := decodeError(t, res)
			if body.Error != "invalid lead" {
				t.Errorf("error = %q, want %q", body.Error, "invalid lead")
			}
			if len(body.Fields) != 1 {
				t.Fatalf("fields = %+v, want exactly one problem", body.Fields)
			}
			if body.Fields[0].Field != c.field {
				t.Errorf("field = %q, want %q (%+v)", body.Fields[0].Field, c.field, body.Fields[0])
			}
			if body.Fields[0].Accepted == "" {
				t.Errorf("problem %+v does not say what is accepted", body.Fields[0])
			}
			if st.commits != 0 {
				t.Errorf("stored %d leads from an invalid submission", st.commits)
			}
		})
	}
}

func TestInvalidFieldsReportedTogether(t *testing.T) {
	h := newTestHandler(t, newMemoryStore())

	body := `{"email":"x","phone":"1","employees":"x","budget":"x","website":"x","company":"` + strings.Repeat("c", 300) + `"}`
	res := handle(t, h, postEvent("application/json", body, nil))
	if res.StatusCode != 400 {
		t.Fatalf("status = %d, want 400", res.StatusCode)
	}
	if got := len(decodeError(t, res).Fields); got != 6 {
		t.Errorf("%d problems reported, want 6: %s", got, res.Body)
	}
}

func TestInvalidIdempotencyKeyHeader(t *testing.T) {
	h := newTestHandler(t, newMemoryStore())

	res := handle(t, h, postEvent("application/json", `{"company":"Acme"}`, map[string]string{"Idempotency-Key": strings.Repeat("k", 201)}))
	if res.StatusCode != 400 {
		t.Fatalf("status = %d, want 400", res.StatusCode)
	}
	if field := decodeError(t, res).Fields[0].Field; field != "Idempotency-Key" {
		t.Errorf("field = %q, want Idempotency-Key", field)
	}
}

func TestRequestErrors(t *testing.T) {
	cases := []struct {
		name        string
		method      string
		contentType string
		body        string
		base64      bool
		status      int
		contains    string
	}{
		{"GET not allowed", "GET", "", "", false, 405, "method GET not allowed"},
		{"PUT not allowed", "PUT", "application/json", `{"company":"a"}`, false, 405, "POST"},
		{"text/plain rejected", "POST", "text/plain", "email=a@example.com", true, 415, "text/plain"},
		{"missing content type", "POST", "", `{"company":"a"}`, true, 415, "missing Content-Type"},
		{"malformed content type", "POST", "application/json; charset", `{"company":"a"}`, false, 415, "invalid Content-Type"},
		{"unknown charset", "POST", "application/json; charset=klingon", `{"company":"a"}`, false, 415, "klingon"},
		{"empty body", "POST", "application/json", "  ", false, 400, "is empty"},
		{"JSON array", "POST", "application/json", `[{"company":"a"}]`, false, 400, "not a JSON object"},
		{"JSON null", "POST", "application/json", `null`, false, 400, "null"},
		{"truncated JSON", "POST", "application/json", `{"company":"a"`, false, 400, "not a JSON object"},
		{"two JSON objects", "POST", "application/json", `{"company":"a"}{"company":"b"}`, false, 400, "after the JSON object"},
		{"invalid UTF-8 JSON", "POST", "application/json", "{\"company\":\"\xff\"}", false, 400, "UTF-8"},
		{"bad base64", "POST", "application/x-www-form-urlencoded", "", false, 400, "base64"},
		{"bad percent encoding", "POST", "application/x-www-form-urlencoded", "company=%zz", true, 400, "URL encoding"},
		{"multipart without boundary", "POST", "multipart/form-data", "--x\r\n", true, 400, "boundary"},
		{"multipart garbage", "POST", "multipart/form-data; boundary=xyz", "no parts here", true, 400, "multipart"},
		{"too large plain", "POST", "application/json", `{"message":"` + strings.Repeat("m", DefaultMaxBodyBytes) + `"}`, false, 413, "too large"},
		{"too large base64", "POST", "application/x-www-form-urlencoded", "message=" + strings.Repeat("m", DefaultMaxBodyBytes), true, 413, "too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			h := newTestHandler(t, st)

			event := postEvent(c.contentType, c.body, map[string]string{"Accept": "application/json"})
			event.RequestContext.HTTP.Method = c.method
			if c.base64 {
				event.Body = base64encode(c.body)
				event.IsBase64Encoded = true
			} else {
				event.Body = c.body
				event.IsBase64Encoded = false
			}
			if c.name == "bad base64" {
				event.Body, event.IsBase64Encoded = "***", true
			}

			res := handle(t, h, event)
			if res.StatusCode != c.status {
				t.Fatalf("status = %d, want %d; body %s", res.StatusCode, c.status, res.Body)
			}
			if !strings.Contains(res.Body, c.contains) {
				t.Errorf("body %s does not contain %q", res.Body, c.contains)
			}
			if res.Headers["Content-Type"] != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q, want JSON", res.Headers["Content-Type"])
			}
			if st.commits != 0 {
				t.Errorf("stored %d leads", st.commits)
			}
		})
	}
}

func TestParseEmployees(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"42", 42},
		{"1,200", 1200},
		{"1 200", 1200},
		{"5k", 5000},
		{"1.5k", 1500},
		{"1000+", 1000},
		{"51-200", 51},
		{"51 – 200", 51},
		{"51 to 200 employees", 51},
		{"500 employees", 500},
		{"0", 0},
		{">1000", 1000},
	}
	for _, c := range cases {
		got, err := parseEmployees(c.in)
		if err != nil {
			t.Errorf("parseEmployees(%q) error: %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("parseEmployees(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestParsePotential(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		// currency is the plan's; empty means USD.
		currency string
	}{
		{"10000", 10000, ""},
		{"$10,000", 10000, ""},
		{"10k", 10000, ""},
		{"10K", 10000, ""},
		{"€1.5m", 1500000, "EUR"},
		{"EUR 2500.50", 2500.50, "EUR"},
		{"2500 USD", 2500, ""},
		{"£10k-£50k", 10000, "GBP"},
		{"$10,000 - $20,000", 10000, ""},
		{"1,234,567.89", 1234567.89, ""},
		{"10_000", 10000, ""},
	}
	for _, c := range cases {
		got, err := parsePotential(c.in, orUSD(c.currency))
		if err != nil {
			t.Errorf("parsePotential(%q) error: %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("parsePotential(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestParsePotentialRejects(t *testing.T) {
	for _, in := range []string{"", "abc", "-5", "10,5", "1,00", "1.2.3", "1e5", "12 34", "ten thousand"} {
		if got, err := parsePotential(in, "USD"); err == nil {
			t.Errorf("parsePotential(%q) = %v, want an error", in, got)
		}
	}
}

func TestFieldAliases(t *testing.T) {
	cases := []struct {
		name, canonical string
	}{
		{"e-mail", fieldEmail},
		{"Work Email", fieldEmail},
		{"workEmail", fieldEmail},
		{"work_email", fieldEmail},
		{"Organisation", fieldCompany},
		{"company_name", fieldCompany},
		{"given name", fieldFirstName},
		{"Surname", fieldLastName},
		{"Full Name", fieldFullName},
		{"tel", fieldPhone},
		{"Mobile", fieldPhone},
		{"Company Size", fieldEmployees},
		{"headcount", fieldEmployees},
		{"deal_size", fieldPotential},
		{"budget", fieldPotential},
		{"utm_source", fieldSource},
		{"Lead Source", fieldSource},
		{"referred_by", fieldReferrer},
		{"comments", fieldMessage},
		{"url", fieldWebsite},
		{"favourite_colour", ""},
	}
	for _, c := range cases {
		if got := canonicalName(c.name); got != c.canonical {
			t.Errorf("canonicalName(%q) = %q, want %q", c.name, got, c.canonical)
		}
	}
}

func TestFullNameSplit(t *testing.T) {
	cases := []struct{ full, first, last string }{
		{"Ada Lovelace", "Ada", "Lovelace"},
		{"Grace  Brewster Hopper", "Grace Brewster", "Hopper"},
		{"Cher", "Cher", ""},
	}
	for _, c := range cases {
		first, last := splitName(c.full)
		if first != c.first || last != c.last {
			t.Errorf("splitName(%q) = %q, %q; want %q, %q", c.full, first, last, c.first, c.last)
		}
	}
}

func base64encode(s string) string {
	return base64.StdEncoding.EncodeToString([]byte(s))
}
