package intake

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/leadrouter/leadrouter/shared/plan"
)

func TestParseAmountMultipliers(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		// currency is the plan's; empty means USD.
		currency string
	}{
		{"1 million", 1e6, ""},
		{"1 Million", 1e6, ""},
		{"2 billion", 2e9, ""},
		{"50 thousand", 50e3, ""},
		{"1.5 mio", 1.5e6, ""},
		{"1.5mio", 1.5e6, ""},
		{"2bn", 2e9, ""},
		{"2 BN", 2e9, ""},
		{"3b", 3e9, ""},
		{"10mm", 10e6, ""},
		{"10 MM", 10e6, ""},
		{"1.5M", 1.5e6, ""},
		{"EUR 2 million", 2e6, "EUR"},
		{"2 million EUR", 2e6, "EUR"},
		{"100 €", 100, "EUR"},
		{"100€", 100, "EUR"},
		{"2500 dollars", 2500, ""},
		{"10k+ usd", 10e3, ""},
		{"1-2 million", 1e6, ""},
		{"500-5k", 500, ""},
		{"10k-50k", 10e3, ""},
		{"50-50", 50, ""},
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

func TestParseEmployeesWords(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"2 thousand", 2000},
		{"2 Thousand employees", 2000},
		{"1.2k staff", 1200},
		{"2 million", 2_000_000},
		{"1000+ employees", 1000},
		{"10 people", 10},
		{"51-200 FTE", 51},
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

func TestParseAmountRejectsWords(t *testing.T) {
	cases := []struct {
		in      string
		problem string
	}{
		{"5kk", `ends in "kk"`},
		{"1 zillion", `ends in "zillion"`},
		{"10 apples", `ends in "apples"`},
		{"10 km", `ends in "km"`},
		{"200-51", "upper bound is below its lower bound"},
		{"2m-1m", "upper bound is below its lower bound"},
		{"1000+-5", "+ on the lower bound"},
		{"10-abc", "upper bound that is not a number"},
		{"10-20 apples", `upper bound that ends in "apples"`},
		{"5 xyz", `ends in "xyz"`},
	}
	for _, c := range cases {
		got, err := parsePotential(c.in, "USD")
		if err == nil {
			t.Errorf("parsePotential(%q) = %v, want an error", c.in, got)
			continue
		}
		if !strings.Contains(err.Error(), c.problem) {
			t.Errorf("parsePotential(%q) error %q, want it to contain %q", c.in, err, c.problem)
		}
	}

	for _, in := range []string{"500 usd", "2 thousand apples", "20 million"} {
		if got, err := parseEmployees(in); err == nil {
			t.Errorf("parseEmployees(%q) = %d, want an error", in, got)
		}
	}
}

// TestInvalidInputNamesField sends one bad value per case, as JSON text, and
// expects a 400 whose only problem names the field and contains a phrase.
func TestInvalidInputNamesField(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		field   string
		problem string
	}{
		{"budget unknown word", `{"company":"Acme","budget":"1 zillion"}`, "budget", `ends in "zillion"`},
		{"budget kk suffix", `{"company":"Acme","budget":"5kk"}`, "budget", `ends in "kk"`},
		{"employees reversed range", `{"company":"Acme","employees":"200-51"}`, "employees", "upper bound is below"},
		{"employees plus before range", `{"company":"Acme","employees":"1000+-5"}`, "employees", "+ on the lower bound"},
		{"employees unknown word", `{"company":"Acme","employees":"2 thousand apples"}`, "employees", `ends in "apples"`},
		{"company JSON boolean", `{"company":true}`, "company", "is a JSON boolean; expected text"},
		{"company JSON array", `{"email":"ada@example.com","company":["Acme","Beta"]}`, "company", "is a JSON array; expected text"},
		{"email JSON array", `{"company":"Acme","email":["ada@example.com"]}`, "email", "is a JSON array; expected text"},
		{"country JSON object", `{"company":"Acme","country":{"code":"FR"}}`, "country", "is a JSON object; expected text"},
		{"employees JSON boolean", `{"company":"Acme","employees":false}`, "employees", "is a JSON boolean"},
		{"right-to-left override in company", "{\"company\":\"Acme \u202egnp.exe\"}", "company", "U+202E"},
		{"left-to-right isolate in message", "{\"company\":\"Acme\",\"message\":\"hi \u2066there\u2069\"}", "message", "U+2066"},
		{"first strong isolate in name", "{\"company\":\"Acme\",\"first_name\":\"\u2068Ada\"}", "first_name", "U+2068"},
		{"right-to-left mark in email", "{\"email\":\"ada\u200f@example.com\"}", "email", "U+200F"},
		{"zero-width space in company", "{\"company\":\"Ac\u200bme\"}", "company", "U+200B"},
		{"byte order mark in source", "{\"company\":\"Acme\",\"source\":\"\ufeffweb\"}", "source", "U+FEFF"},
		{"tag character in extra field", "{\"company\":\"Acme\",\"utm_term\":\"a\U000E0041b\"}", "utm_term", "U+E0041"},
		{"bidi control in field name", "{\"company\":\"Acme\",\"utm\u202eterm\":\"x\"}", "utm\u202eterm", "invisible formatting"},
		{"JSON email and Email differ", `{"email":"a@example.com","Email":"b@example.com"}`, "Email", `different value from "email"`},
		{"budget and amount differ", `{"company":"Acme","budget":"10k","amount":"20k"}`, "amount", `different value from "budget"`},
		{"name and first name disagree", `{"company":"Acme","name":"Ada Lovelace","first_name":"Grace"}`, "name", `does not match first_name "Grace"`},
		{"name and both parts disagree", `{"company":"Acme","name":"Ada Lovelace","first_name":"Ada","last_name":"King"}`, "name", `first_name and last_name "Ada King"`},
		{"name and last name disagree", `{"company":"Acme","full_name":"Ada Lovelace","surname":"Hopper"}`, "full_name", `surname "Hopper"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			h := newTestHandler(t, st)

			res := handle(t, h, postEvent("application/json", c.body, nil))
			if res.StatusCode != 400 {
				t.Fatalf("status = %d, want 400; body %s", res.StatusCode, res.Body)
			}
			body := decodeError(t, res)
			if len(body.Fields) != 1 {
				t.Fatalf("fields = %+v, want exactly one problem", body.Fields)
			}
			got := body.Fields[0]
			if got.Field != c.field {
				t.Errorf("field = %q, want %q", got.Field, c.field)
			}
			if !strings.Contains(got.Problem, c.problem) {
				t.Errorf("problem = %q, want it to contain %q", got.Problem, c.problem)
			}
			if got.Accepted == "" {
				t.Errorf("problem %+v does not say what is accepted", got)
			}
			if st.commits != 0 {
				t.Errorf("stored %d leads from an invalid submission", st.commits)
			}
		})
	}
}

func TestFormFieldSentTwice(t *testing.T) {
	h := newTestHandler(t, newMemoryStore())

	res := handle(t, h, postEvent("application/x-www-form-urlencoded", "email=a%40example.com&email=b%40example.com", map[string]string{"Accept": "application/json"}))
	if res.StatusCode != 400 {
		t.Fatalf("status = %d, want 400; body %s", res.StatusCode, res.Body)
	}
	fields := decodeError(t, res).Fields
	if len(fields) != 1 || fields[0].Field != "email" {
		t.Fatalf("fields = %+v, want one problem on email", fields)
	}
	if !strings.Contains(fields[0].Problem, "submitted twice with different values") {
		t.Errorf("problem = %q, want it to say the field was sent twice", fields[0].Problem)
	}
}

func TestConsistentDuplicateFieldsAccepted(t *testing.T) {
	cases := []struct {
		name        string
		body        string
		email       string
		first, last string
		potential   float64
	}{
		{"same email twice", `{"email":"ada@example.com","Email":"ada@example.com"}`, "ada@example.com", "", "", 0},
		{"email differing in case", `{"email":"Ada@Example.com","work_email":"ada@example.com"}`, "Ada@example.com", "", "", 0},
		{"empty alias beside a value", `{"email":"","work_email":"b@example.com"}`, "b@example.com", "", "", 0},
		{"budget and amount equal as numbers", `{"email":"ada@example.com","budget":"10k","amount":"10,000"}`, "ada@example.com", "", "", 10000},
		{"name matching both parts", `{"email":"ada@example.com","name":"Ada Lovelace","first_name":"Ada","last_name":"Lovelace"}`, "ada@example.com", "Ada", "Lovelace", 0},
		{"name matching in another case", `{"email":"ada@example.com","name":"ada lovelace","first_name":"Ada","last_name":"Lovelace"}`, "ada@example.com", "Ada", "Lovelace", 0},
		{"name fills the last name", `{"email":"ada@example.com","name":"Ada King Lovelace","first_name":"Ada"}`, "ada@example.com", "Ada", "King Lovelace", 0},
		{"name fills the first name", `{"email":"ada@example.com","name":"Ada King Lovelace","last_name":"Lovelace"}`, "ada@example.com", "Ada King", "Lovelace", 0},
		{"name alone is split", `{"email":"ada@example.com","name":"Ada Lovelace"}`, "ada@example.com", "Ada", "Lovelace", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			h := newTestHandler(t, st)

			body := decodeAccepted(t, handle(t, h, postEvent("application/json", c.body, nil)))
			rec, err := st.Lead(context.Background(), body.LeadID)
			if err != nil {
				t.Fatalf("lead not stored: %v", err)
			}
			if rec.Lead.Email != c.email {
				t.Errorf("Email = %q, want %q", rec.Lead.Email, c.email)
			}
			if rec.Lead.FirstName != c.first || rec.Lead.LastName != c.last {
				t.Errorf("name = %q %q, want %q %q", rec.Lead.FirstName, rec.Lead.LastName, c.first, c.last)
			}
			if rec.Lead.Potential != c.potential {
				t.Errorf("Potential = %v, want %v", rec.Lead.Potential, c.potential)
			}
			if len(rec.Lead.Attributes) != 0 {
				t.Errorf("Attributes = %v, want none", rec.Lead.Attributes)
			}
		})
	}
}

func TestJSONNumbersAndExtraValues(t *testing.T) {
	st := newMemoryStore()
	h := newTestHandler(t, st)

	body := `{"company":"Acme","budget":1e3,"employees":2.5E+3,"consent":true,"topics":["crm","sheets"]}`
	accepted := decodeAccepted(t, handle(t, h, postEvent("application/json", body, nil)))
	rec, _ := st.Lead(context.Background(), accepted.LeadID)

	if rec.Lead.Potential != 1000 {
		t.Errorf("Potential = %v, want 1000 from the JSON number 1e3", rec.Lead.Potential)
	}
	if rec.Lead.Employees != 2500 {
		t.Errorf("Employees = %d, want 2500 from the JSON number 2.5E+3", rec.Lead.Employees)
	}
	if got := rec.Lead.Attributes["consent"]; got != "true" {
		t.Errorf("Attributes[consent] = %q, want true: an extra field keeps a boolean", got)
	}
	if got := rec.Lead.Attributes["topics"]; got != "crm, sheets" {
		t.Errorf("Attributes[topics] = %q, want the list joined", got)
	}
}

func TestCharsetDecoded(t *testing.T) {
	cases := []struct {
		name        string
		contentType string
		body        string
	}{
		{"latin1 form", "application/x-www-form-urlencoded; charset=latin1", "company=Soci%E9t%E9"},
		{"iso-8859-1 form", "application/x-www-form-urlencoded; charset=ISO-8859-1", "company=Soci%E9t%E9"},
		{"windows-1252 form", "application/x-www-form-urlencoded; charset=windows-1252", "company=Soci%E9t%E9"},
		{"latin1 JSON sent as form type", "application/x-www-form-urlencoded; charset=latin1", "{\"company\":\"Soci\xe9t\xe9\"}"},
		{"utf-8 JSON", "application/json; charset=UTF-8", `{"company":"Société"}`},
		{"latin1 multipart", "multipart/form-data; boundary=b; charset=latin1", "--b\r\nContent-Disposition: form-data; name=\"company\"\r\n\r\nSoci\xe9t\xe9\r\n--b--\r\n"},
		{"latin1 multipart part", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"company\"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nSoci\xe9t\xe9\r\n--b--\r\n"},
		{"utf-8 form", "application/x-www-form-urlencoded; charset=UTF-8", "company=Soci%C3%A9t%C3%A9"},
		{"identity content encoding", "application/json", `{"company":"Société"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			h := newTestHandler(t, st)

			headers := map[string]string{"Accept": "application/json"}
			if c.name == "identity content encoding" {
				headers["Content-Encoding"] = "identity"
			}
			body := decodeAccepted(t, handle(t, h, postEvent(c.contentType, c.body, headers)))
			rec, _ := st.Lead(context.Background(), body.LeadID)
			if rec.Lead.Company != "Société" {
				t.Errorf("Company = %q, want Société", rec.Lead.Company)
			}
		})
	}
}

func TestUnsupportedEncodingRejected(t *testing.T) {
	cases := []struct {
		name        string
		contentType string
		headers     map[string]string
		status      int
		contains    string
	}{
		{"gzip content encoding", "application/json", map[string]string{"Content-Encoding": "gzip"}, 415, `unsupported Content-Encoding \"gzip\"`},
		{"br content encoding", "application/x-www-form-urlencoded", map[string]string{"Content-Encoding": "br"}, 415, "uncompressed body"},
		{"unknown charset", "application/json; charset=ebcdic-xyz", nil, 415, "WHATWG Encoding Standard"},
		{"latin1 JSON", "application/json; charset=latin1", nil, 415, "application/json in UTF-8"},
		{"windows-1252 JSON", "application/json; charset=windows-1252", nil, 415, `charset \"windows-1252\" for application/json`},
		{"replacement charset", "application/x-www-form-urlencoded; charset=iso-2022-kr", nil, 415, "iso-2022-kr"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			h := newTestHandler(t, st)

			headers := map[string]string{"Accept": "application/json"}
			for k, v := range c.headers {
				headers[k] = v
			}
			res := handle(t, h, postEvent(c.contentType, `{"company":"Acme"}`, headers))
			if res.StatusCode != c.status {
				t.Fatalf("status = %d, want %d; body %s", res.StatusCode, c.status, res.Body)
			}
			if !strings.Contains(res.Body, c.contains) {
				t.Errorf("body %s does not contain %q", res.Body, c.contains)
			}
			if st.commits != 0 {
				t.Errorf("stored %d leads", st.commits)
			}
		})
	}
}

func TestKeyReusedWithDifferentContent(t *testing.T) {
	cases := []struct {
		name          string
		first, second string
		headers       map[string]string
		field         string
		contains      string
	}{
		{
			name:     "Idempotency-Key header",
			first:    `{"company":"Acme"}`,
			second:   `{"company":"Acme Corporation"}`,
			headers:  map[string]string{"Idempotency-Key": "k-1"},
			field:    "Idempotency-Key",
			contains: "may only be reused for the same submission",
		},
		{
			name:     "source submission id",
			first:    `{"submission_id":"resp-9","form":"tally","company":"Acme"}`,
			second:   `{"submission_id":"resp-9","form":"tally","company":"Acme","message":"a different lead"}`,
			field:    "submission_id",
			contains: "may only be reused for the same submission",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			h := newTestHandler(t, st)

			decodeAccepted(t, handle(t, h, postEvent("application/json", c.first, c.headers)))
			res := handle(t, h, postEvent("application/json", c.second, c.headers))
			if res.StatusCode != 422 {
				t.Fatalf("status = %d, want 422; body %s", res.StatusCode, res.Body)
			}
			body := decodeError(t, res)
			if !strings.Contains(body.Accepted, c.contains) {
				t.Errorf("accepted = %q, want it to contain %q", body.Accepted, c.contains)
			}
			if len(body.Fields) != 1 || body.Fields[0].Field != c.field {
				t.Errorf("fields = %+v, want one problem on %s", body.Fields, c.field)
			}
			if st.commits != 1 {
				t.Errorf("commits = %d, want only the first lead", st.commits)
			}
		})
	}
}

func TestOriginCheckedOnPost(t *testing.T) {
	cases := []struct {
		name   string
		origin string
		status int
	}{
		{"no Origin", "", 202},
		{"allowed origin", "https://www.example.com", 202},
		{"allowed origin in another case", "https://WWW.Example.com/", 202},
		{"extra origin from Deps", "http://127.0.0.1:8080", 202},
		{"other site", "https://evil.example", 403},
		{"other port", "https://www.example.com:8443", 403},
		{"plain http", "http://www.example.com", 403},
		{"opaque origin", "null", 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			h := newTestHandler(t, st, func(d *Deps) { d.Origins = append(d.Origins, "http://127.0.0.1:8080") })

			headers := map[string]string{}
			if c.origin != "" {
				headers["Origin"] = c.origin
			}
			res := handle(t, h, postEvent("application/json", `{"company":"Acme"}`, headers))
			if res.StatusCode != c.status {
				t.Fatalf("status = %d, want %d; body %s", res.StatusCode, c.status, res.Body)
			}
			if c.status != 403 {
				return
			}
			body := decodeError(t, res)
			if !strings.Contains(body.Error, c.origin) {
				t.Errorf("error %q does not name the origin %q", body.Error, c.origin)
			}
			if !strings.Contains(body.Accepted, "site.origins") {
				t.Errorf("accepted %q does not say how to allow the origin", body.Accepted)
			}
			if st.commits != 0 {
				t.Errorf("stored %d leads from a forbidden origin", st.commits)
			}
		})
	}
}

func TestOriginsAddedToPlan(t *testing.T) {
	p := parseTestPlan(t)
	h, err := New(Deps{Router: twoReps{}, Store: newMemoryStore(), Plan: p, Origins: []string{"http://127.0.0.1:8080"}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	for _, origin := range []string{"https://www.example.com", "http://127.0.0.1:8080"} {
		res := handle(t, h, postEvent("application/json", `{"company":"Acme"}`, map[string]string{"Origin": origin}))
		if res.StatusCode != 202 {
			t.Errorf("origin %s: status = %d, want 202; body %s", origin, res.StatusCode, res.Body)
		}
	}
}

func TestHoneypotLooksRouted(t *testing.T) {
	st := newMemoryStore()
	h := newTestHandler(t, st, func(d *Deps) { d.RevealRouting = true })

	real := decodeAccepted(t, handle(t, h, postEvent("application/json", `{"email":"ada@example.com"}`, nil)))
	st.failing = errOutage
	bot := decodeAccepted(t, handle(t, h, postEvent("application/json", `{"email":"bot@example.com","website_url_confirm":"x"}`, nil)))

	if bot.Owner == "" || bot.Owner != real.Owner {
		t.Errorf("honeypot owner = %q, want a routed owner like %q", bot.Owner, real.Owner)
	}
	if bot.Zone != real.Zone || bot.Rule != real.Rule {
		t.Errorf("honeypot zone, rule = %q, %q; want %q, %q", bot.Zone, bot.Rule, real.Zone, real.Rule)
	}
	if bot.LeadID == "" || bot.LeadID == real.LeadID {
		t.Errorf("honeypot lead id = %q, want a new id", bot.LeadID)
	}
	if st.commits != 1 {
		t.Errorf("commits = %d, want only the real lead", st.commits)
	}
}

func TestBrowserErrorPage(t *testing.T) {
	cases := []struct {
		name     string
		body     string
		headers  map[string]string
		status   int
		contains []string
		// absent are texts the page must not show.
		absent []string
		back   string
	}{
		{
			name:     "invalid fields",
			body:     "email=%3Cscript%3Ealert(1)%3C%2Fscript%3E&phone=12",
			headers:  map[string]string{"Referer": "https://www.example.com/contact?x=1"},
			status:   400,
			contains: []string{"<strong>email</strong>", "&lt;script&gt;", "<strong>phone</strong>", "Expected: "},
			back:     `href="https://www.example.com/contact?x=1"`,
		},
		{
			name:     "referer on another site",
			body:     "phone=12",
			headers:  map[string]string{"Referer": "https://evil.example/form"},
			status:   400,
			contains: []string{"<strong>phone</strong>"},
			back:     `href="/"`,
		},
		{
			name:     "javascript referer",
			body:     "phone=12",
			headers:  map[string]string{"Referer": "javascript:alert(1)"},
			status:   400,
			contains: []string{"<strong>phone</strong>"},
			back:     `href="/"`,
		},
		{
			name:     "compressed body",
			body:     "company=Acme",
			headers:  map[string]string{"Content-Encoding": "gzip"},
			status:   415,
			contains: []string{"unsupported Content-Encoding"},
			back:     `href="/"`,
		},
		{
			name:     "forbidden origin",
			body:     "company=Acme",
			headers:  map[string]string{"Origin": "https://evil.example"},
			status:   403,
			contains: []string{"This form cannot be sent from this website"},
			absent:   []string{"site.origins", "evil.example"},
			back:     `href="/"`,
		},
		{
			name:     "value shown without Go quoting",
			body:     "email=%22%3E%3Cimg+src%3Dx%3E",
			status:   400,
			contains: []string{"“&#34;&gt;&lt;img src=x&gt;”"},
			absent:   []string{`\&#34;`, "<img"},
			back:     `href="/"`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newTestHandler(t, newMemoryStore())

			res := handle(t, h, postEvent("application/x-www-form-urlencoded", c.body, c.headers))
			if res.StatusCode != c.status {
				t.Fatalf("status = %d, want %d; body %s", res.StatusCode, c.status, res.Body)
			}
			if got := res.Headers["Content-Type"]; got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q, want HTML", got)
			}
			for _, want := range c.contains {
				if !strings.Contains(res.Body, want) {
					t.Errorf("page does not contain %q:\n%s", want, res.Body)
				}
			}
			for _, unwanted := range c.absent {
				if strings.Contains(res.Body, unwanted) {
					t.Errorf("page contains %q:\n%s", unwanted, res.Body)
				}
			}
			if strings.Contains(res.Body, "<script>") {
				t.Errorf("page contains an unescaped script tag:\n%s", res.Body)
			}
			if !strings.Contains(res.Body, c.back) {
				t.Errorf("page has no link %s:\n%s", c.back, res.Body)
			}
			if !strings.Contains(res.Body, `role="alert"`) || !strings.Contains(res.Body, `<html lang="en">`) {
				t.Errorf("page lacks the alert role or the language")
			}
		})
	}
}

func TestScriptErrorsStayJSON(t *testing.T) {
	cases := []struct {
		name        string
		contentType string
		body        string
		headers     map[string]string
	}{
		{"JSON body", "application/json", `{"phone":"12"}`, nil},
		{"form asking for JSON", "application/x-www-form-urlencoded", "phone=12", map[string]string{"Accept": "application/json"}},
		{"JSON sent as form type", "application/x-www-form-urlencoded", `{"phone":"12"}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newTestHandler(t, newMemoryStore())

			res := handle(t, h, postEvent(c.contentType, c.body, c.headers))
			if res.StatusCode != 400 {
				t.Fatalf("status = %d, want 400; body %s", res.StatusCode, res.Body)
			}
			if got := res.Headers["Content-Type"]; got != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q, want JSON", got)
			}
		})
	}
}

func TestThanksPageOnLambda(t *testing.T) {
	cases := []struct {
		name     string
		routeKey string
		path     string
		lead     string
		status   int
		contains string
	}{
		{"lead id shown", "GET /thanks", "/thanks", "L-01M91AJP6M58J391S3RWCTSW4K", 200, `<code id="lead-id">L-01M91AJP6M58J391S3RWCTSW4K</code>`},
		{"markup in lead id not shown", "GET /thanks", "/thanks", "<script>", 200, "Thank you"},
		{"no lead id", "GET /thanks", "/thanks", "", 200, "Thank you"},
		{"GET on the leads route", "POST /leads", "/leads", "", 405, "method GET not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newTestHandler(t, newMemoryStore())

			event := events.APIGatewayV2HTTPRequest{
				Version:  "2.0",
				RouteKey: c.routeKey,
				RawPath:  c.path,
				Headers:  map[string]string{},
				RequestContext: events.APIGatewayV2HTTPRequestContext{
					HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: c.path},
				},
			}
			if c.lead != "" {
				event.QueryStringParameters = map[string]string{"lead": c.lead}
			}
			res := handle(t, h, event)
			if res.StatusCode != c.status {
				t.Fatalf("status = %d, want %d; body %s", res.StatusCode, c.status, res.Body)
			}
			if !strings.Contains(res.Body, c.contains) {
				t.Errorf("body does not contain %q:\n%s", c.contains, res.Body)
			}
			if strings.Contains(res.Body, "<script>") {
				t.Errorf("body contains an unescaped script tag")
			}
		})
	}
}

// TestClientInputNeverServerError sends malformed and hostile client input
// and expects a 2xx, 3xx or 4xx for each, never a 5xx.
func TestClientInputNeverServerError(t *testing.T) {
	huge, _ := json.Marshal(map[string]string{"company": "Acme", "budget": strings.Repeat("9", 400)})
	cases := []struct {
		name        string
		contentType string
		body        string
		headers     map[string]string
	}{
		{"budget word", "application/json", `{"company":"Acme","budget":"1 zillion"}`, nil},
		{"budget exponent number", "application/json", `{"company":"Acme","budget":1e400}`, nil},
		{"budget tiny exponent", "application/json", `{"company":"Acme","budget":1e-400}`, nil},
		{"budget 400 digits", "application/json", string(huge), nil},
		{"employees reversed range", "application/json", `{"company":"Acme","employees":"200-51"}`, nil},
		{"employees only separators", "application/json", `{"company":"Acme","employees":"- - -"}`, nil},
		{"employees dash only", "application/json", `{"company":"Acme","employees":"5-"}`, nil},
		{"employees range of words", "application/json", `{"company":"Acme","employees":"k-m"}`, nil},
		{"plus only", "application/json", `{"company":"Acme","employees":"+"}`, nil},
		{"company boolean", "application/json", `{"company":true}`, nil},
		{"nested arrays", "application/json", `{"company":[[["a"]]],"x":[{"y":1}]}`, nil},
		{"conflicting duplicates", "application/json", `{"email":"a@example.com","Email":"b@example.com","E-Mail":"c@example.com"}`, nil},
		{"name conflicts", "application/json", `{"company":"Acme","name":" ","first_name":"Ada","last_name":"Ada"}`, nil},
		{"name of spaces", "application/json", `{"company":"Acme","name":"   ","first_name":"Ada"}`, nil},
		{"form duplicates", "application/x-www-form-urlencoded", "email=a%40example.com&email=b%40example.com&email=", nil},
		{"bidi in every field", "application/json", "{\"company\":\"\u202e\",\"email\":\"\u202e@x.y\",\"\u2066\":\"\u2069\"}", nil},
		{"latin1 JSON", "application/json; charset=latin1", "{\"company\":\"\xe9\"}", nil},
		{"utf-16 charset on ASCII body", "application/json; charset=utf-16", `{"company":"Acme"}`, nil},
		{"gzip encoding", "application/json", `{"company":"Acme"}`, map[string]string{"Content-Encoding": "gzip"}},
		{"gzip encoding on form", "multipart/form-data; boundary=b", "x", map[string]string{"Content-Encoding": "gzip, br"}},
		{"other origin", "application/json", `{"company":"Acme"}`, map[string]string{"Origin": "https://evil.example"}},
		{"malformed origin", "application/x-www-form-urlencoded", "company=Acme", map[string]string{"Origin": "%%%"}},
		{"malformed referer on error", "application/x-www-form-urlencoded", "phone=1", map[string]string{"Referer": "http://[::1"}},
		{"honeypot with bad fields", "application/x-www-form-urlencoded", "phone=1&website_url_confirm=x", nil},
		{"honeypot only", "application/json", `{"website_url_confirm":"x","company":"Acme"}`, nil},
		{"key reuse", "application/json", `{"company":"Other"}`, map[string]string{"Idempotency-Key": "fixed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newMemoryStore()
			h := newTestHandler(t, st, func(d *Deps) { d.RevealRouting = true })
			decodeAccepted(t, handle(t, h, postEvent("application/json", `{"company":"Acme"}`, map[string]string{"Idempotency-Key": "fixed"})))

			res := handle(t, h, postEvent(c.contentType, c.body, c.headers))
			if res.StatusCode >= 500 {
				t.Errorf("status = %d, want below 500 for client input; body %s", res.StatusCode, res.Body)
			}
		})
	}
}

// parseTestPlan returns a two-rep plan whose site allows one origin.
func parseTestPlan(t *testing.T) *plan.Plan {
	t.Helper()

	p, err := plan.Parse([]byte(`
name: Origin test
time_zone: UTC
reps:
  - id: rep-a
    email: a@example.com
    capacity: 15
  - id: rep-b
    email: b@example.com
    capacity: 15
leadership: [founder@example.com]
escalation: founder@example.com
site:
  thank_you_url: /thanks
  origins: [https://www.example.com]
rules:
  - id: inbound
    when:
      source: [inbound]
    to: rep-a
fallback: [rep-b]
`), "origin-test.yaml")
	if err != nil {
		t.Fatalf("parse plan: %v", err)
	}
	return p
}

// orUSD returns currency, or USD, the plan default, when it is empty.
func orUSD(currency string) string {
	if currency == "" {
		return "USD"
	}
	return currency
}
