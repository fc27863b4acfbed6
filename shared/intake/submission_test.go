package intake

import (
	"fmt"
	"strings"
	"testing"
)

// buildJSON reads body as JSON and builds the lead in a plan of currency.
func buildJSON(t *testing.T, body, currency string) submission {
	t.Helper()

	b, rerr := readJSON([]byte(body), nil)
	if rerr != nil {
		t.Fatalf("readJSON(%s) = %v; fields %+v", body, rerr, rerr.fields)
	}
	return buildLead(b.fields, currency)
}

func TestJSONRepeatedKey(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		field   string // "" means the submission is valid
		problem string
	}{
		{"email twice, different", `{"email":"c@dup4.com","email":"d@dup4.com"}`, "email", "submitted twice with different values"},
		{"email twice, same", `{"email":"c@dup4.com","email":"c@dup4.com"}`, "", ""},
		{"extra field twice, different", `{"email":"c@dup4.com","plan":"pro","plan":"free"}`, "plan", "submitted twice with different values"},
		{"extra field twice, same", `{"email":"c@dup4.com","plan":"pro","plan":"pro"}`, "", ""},
		{"budget twice, same number", `{"company":"Acme","budget":"10k","budget":"10,000"}`, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := buildJSON(t, c.body, "USD")
			if c.field == "" {
				if len(s.problems) != 0 {
					t.Fatalf("problems = %+v, want none", s.problems)
				}
				return
			}
			if len(s.problems) != 1 {
				t.Fatalf("problems = %+v, want one", s.problems)
			}
			if s.problems[0].Field != c.field {
				t.Errorf("field = %q, want %q", s.problems[0].Field, c.field)
			}
			if !strings.Contains(s.problems[0].Problem, c.problem) {
				t.Errorf("problem = %q, want it to contain %q", s.problems[0].Problem, c.problem)
			}
		})
	}
}

func TestJSONRepeatedKeyRejected(t *testing.T) {
	h := newTestHandler(t, newMemoryStore())

	res := handle(t, h, postEvent("application/json", `{"email":"c@dup4.com","email":"d@dup4.com"}`, nil))
	if res.StatusCode != 400 {
		t.Fatalf("status = %d, want 400; body %s", res.StatusCode, res.Body)
	}
	body := decodeError(t, res)
	if len(body.Fields) != 1 || body.Fields[0].Field != "email" {
		t.Errorf("fields = %+v, want one problem on email", body.Fields)
	}
}

func TestJSONFieldLimitWhileStreaming(t *testing.T) {
	cases := []struct {
		name   string
		fields int
		valid  bool
	}{
		{"at the limit", maxFields, true},
		{"one over", maxFields + 1, false},
		{"one key repeated over the limit", -1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var parts []string
			for i := range max(c.fields, maxFields+1) {
				name := fmt.Sprintf("f%d", i)
				if c.fields < 0 {
					name = "same"
				}
				parts = append(parts, fmt.Sprintf("%q:\"x\"", name))
			}
			if c.fields > 0 {
				parts = parts[:c.fields]
			}

			_, rerr := readJSON([]byte("{"+strings.Join(parts, ",")+"}"), nil)
			if c.valid && rerr != nil {
				t.Fatalf("readJSON error %v, want none", rerr)
			}
			if !c.valid && (rerr == nil || !strings.Contains(rerr.fields[0].Problem, "more than 200 fields")) {
				t.Fatalf("readJSON error %v, want more than 200 fields", rerr)
			}
		})
	}
}

func TestReadJSONRejectsNonObjects(t *testing.T) {
	cases := []struct {
		body    string
		problem string
	}{
		{`null`, "is JSON null"},
		{`[1,2]`, "is not a JSON object"},
		{`"text"`, "is not a JSON object"},
		{`{"email":"a@example.com"} {}`, "has data after the JSON object"},
		{`{"email":"a@example.com"} x`, "has data after the JSON object"},
		{`{"email":}`, "is not a JSON object"},
		{`{"email":"a@example.com"`, "is not a JSON object"},
	}
	for _, c := range cases {
		_, rerr := readJSON([]byte(c.body), nil)
		if rerr == nil {
			t.Errorf("readJSON(%s) succeeded, want %q", c.body, c.problem)
			continue
		}
		if !strings.Contains(rerr.fields[0].Problem, c.problem) {
			t.Errorf("readJSON(%s) problem = %q, want it to contain %q", c.body, rerr.fields[0].Problem, c.problem)
		}
	}
}

func TestFallbackAliases(t *testing.T) {
	cases := []struct {
		name      string
		body      string
		canonical string
		want      string
		// attribute is the fallback kept as an extra field, if any.
		attribute string
	}{
		{"utm_source beside source", `{"email":"a@example.com","source":"inbound","utm_source":"google"}`, fieldSource, "inbound", "utm_source"},
		{"utm_source before source", `{"email":"a@example.com","utm_source":"google","source":"inbound"}`, fieldSource, "inbound", "utm_source"},
		{"utm_source alone", `{"email":"a@example.com","utm_source":"google"}`, fieldSource, "google", ""},
		{"utm_source beside empty source", `{"email":"a@example.com","source":"","utm_source":"google"}`, fieldSource, "google", ""},
		{"country_code beside country", `{"email":"a@example.com","country":"Germany","country_code":"DE"}`, fieldCountry, "Germany", "country_code"},
		{"country_code alone", `{"email":"a@example.com","country_code":"DE"}`, fieldCountry, "DE", ""},
		{"url beside website", `{"email":"a@example.com","website":"example.com","url":"https://ads.example.net/landing"}`, fieldWebsite, "example.com", "url"},
		{"form_id beside form_name", `{"email":"a@example.com","form_name":"Contact us","form_id":"f-17"}`, fieldForm, "Contact us", "form_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := buildJSON(t, c.body, "USD")
			if len(s.problems) != 0 {
				t.Fatalf("problems = %+v, want none", s.problems)
			}

			got := map[string]string{fieldSource: s.lead.Source, fieldCountry: s.lead.Country, fieldWebsite: s.lead.Website, fieldForm: s.lead.Form}[c.canonical]
			if got != c.want {
				t.Errorf("%s = %q, want %q", c.canonical, got, c.want)
			}
			if c.attribute != "" && s.lead.Attributes[c.attribute] == "" {
				t.Errorf("attributes = %v, want %q kept", s.lead.Attributes, c.attribute)
			}
			if c.attribute == "" && len(s.lead.Attributes) != 0 {
				t.Errorf("attributes = %v, want none", s.lead.Attributes)
			}
		})
	}
}

func TestPrimaryAliasesStillConflict(t *testing.T) {
	cases := []struct {
		name  string
		body  string
		field string
	}{
		{"source and lead_source", `{"email":"a@example.com","source":"inbound","lead_source":"partner"}`, "lead_source"},
		{"two fallbacks differ", `{"email":"a@example.com","utm_source":"google","UTM Source":"bing"}`, "UTM Source"},
		{"email and Email", `{"email":"a@example.com","Email":"b@example.com"}`, "Email"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := buildJSON(t, c.body, "USD")
			if len(s.problems) != 1 {
				t.Fatalf("problems = %+v, want one", s.problems)
			}
			if s.problems[0].Field != c.field {
				t.Errorf("field = %q, want %q", s.problems[0].Field, c.field)
			}
		})
	}
}

func TestPotentialCurrency(t *testing.T) {
	cases := []struct {
		in       string
		currency string
		want     float64
		// given is the currency named in the error; "" means accepted.
		given string
	}{
		{"1m JPY", "USD", 0, "JPY"},
		{"5k GBP", "USD", 0, "GBP"},
		{"€5k", "USD", 0, "EUR"},
		{"5k euros", "USD", 0, "EUR"},
		{"EUR 5k", "USD", 0, "EUR"},
		{"£10k-£50k", "USD", 0, "GBP"},
		{"10k-50k GBP", "USD", 0, "GBP"},
		{">€5k", "USD", 0, "EUR"},
		{"$5k", "EUR", 0, "USD or CAD"},
		{"5k dollars", "EUR", 0, "USD or CAD"},
		{"¥500k", "USD", 0, "JPY or CNY"},
		{"C$5k", "USD", 0, "CAD"},
		{"$5k", "USD", 5000, ""},
		{"$5k", "CAD", 5000, ""},
		{"US$5k", "USD", 5000, ""},
		{"5k usd", "USD", 5000, ""},
		{"€5k", "EUR", 5000, ""},
		{"5k euros", "EUR", 5000, ""},
		{"¥500k", "JPY", 500000, ""},
		{"1m JPY", "JPY", 1e6, ""},
		{"about 5k", "USD", 5000, ""},
		{"5k", "GBP", 5000, ""},
	}
	for _, c := range cases {
		got, err := parsePotential(c.in, c.currency)
		if c.given == "" {
			if err != nil || got != c.want {
				t.Errorf("parsePotential(%q, %s) = %v, %v; want %v", c.in, c.currency, got, err, c.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.given) || !strings.Contains(err.Error(), "plan's amounts are in "+c.currency) {
			t.Errorf("parsePotential(%q, %s) error = %v, want one naming %s and %s", c.in, c.currency, err, c.given, c.currency)
		}
	}
}

func TestPotentialCurrencyNamesField(t *testing.T) {
	s := buildJSON(t, `{"company":"Acme","budget":"1m JPY"}`, "USD")
	if len(s.problems) != 1 {
		t.Fatalf("problems = %+v, want one", s.problems)
	}
	got := s.problems[0]
	if got.Field != "budget" {
		t.Errorf("field = %q, want budget", got.Field)
	}
	if !strings.Contains(got.Problem, "JPY") || !strings.Contains(got.Problem, "USD") {
		t.Errorf("problem = %q, want it to name JPY and USD", got.Problem)
	}
	if !strings.Contains(got.Accepted, "USD") {
		t.Errorf("accepted = %q, want it to name USD", got.Accepted)
	}
}

func TestAmountEdgeCases(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		// problem is part of the error; "" means accepted.
		problem string
	}{
		{"1.200", 0, "write 1200, or 1.2 with a different number of decimals"},
		{"2.500k", 0, "write 2500, or 2.5 with"},
		{"1.234", 0, "write 1234, or 1.2340 with"},
		{"$1.200", 0, "is ambiguous"},
		{"1.200,50", 0, "decimal comma"},
		{"0.125", 0.125, ""},
		{"1200.500", 1200.5, ""},
		{"1,200.500", 1200.5, ""},
		{"1.20", 1.2, ""},
		{"1.2000", 1.2, ""},
		{"1e400", 0, "is out of range"},
		{"-0", 0, ""},
		{"−0", 0, ""},
		{"-0.0", 0, ""},
		{"-5", 0, "is negative"},
		{"-0-5", 0, "is negative"},
	}
	for _, c := range cases {
		got, err := parsePotential(c.in, "USD")
		if c.problem == "" {
			if err != nil || got != c.want {
				t.Errorf("parsePotential(%q) = %v, %v; want %v", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.problem) {
			t.Errorf("parsePotential(%q) error = %v, want it to contain %q", c.in, err, c.problem)
		}
	}
}

func TestJSONNumberOutOfRange(t *testing.T) {
	s := buildJSON(t, `{"company":"Acme","budget":1e400}`, "USD")
	if len(s.problems) != 1 || !strings.Contains(s.problems[0].Problem, `"1e400" is out of range`) {
		t.Errorf("problems = %+v, want 1e400 out of range", s.problems)
	}
}

func TestJSONNumberDecimals(t *testing.T) {
	cases := []struct {
		body string
		want float64
	}{
		{`{"company":"Acme","budget":1.200}`, 1.2},
		{`{"company":"Acme","budget":1200}`, 1200},
		{`{"company":"Acme","budget":1.5e3}`, 1500},
		{`{"company":"Acme","budget":-0}`, 0},
		{`{"company":"Acme","budget":1e-400}`, 0},
	}
	for _, c := range cases {
		s := buildJSON(t, c.body, "USD")
		if len(s.problems) != 0 || s.lead.Potential != c.want {
			t.Errorf("%s: potential = %v, problems %+v; want %v", c.body, s.lead.Potential, s.problems, c.want)
		}
	}
}

func TestTwoOriginHeadersRejected(t *testing.T) {
	cases := []struct {
		name   string
		origin string
	}{
		{"allowed then other", "http://127.0.0.1:3000,http://evil.test"},
		{"other then allowed", "http://evil.test, https://www.example.com"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newTestHandler(t, newMemoryStore())

			res := handle(t, h, postEvent("application/json", `{"company":"Acme"}`, map[string]string{"Origin": c.origin}))
			if res.StatusCode != 403 {
				t.Fatalf("status = %d, want 403; body %s", res.StatusCode, res.Body)
			}
			body := decodeError(t, res)
			if !strings.Contains(body.Error, "more than one Origin header") {
				t.Errorf("error = %q, want it to say there is more than one Origin header", body.Error)
			}
			if strings.Contains(body.Accepted, "add ") {
				t.Errorf("accepted = %q, want no advice to add the joined origins", body.Accepted)
			}
		})
	}
}

func TestPlainQuotes(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{`"\">x" is not an email address`, `“">x” is not an email address`},
		{`has a different value from "email"; both are the lead's email`, `has a different value from “email”; both are the lead's email`},
		{`no quotes`, `no quotes`},
		{`an "unterminated quote`, `an "unterminated quote`},
		{`"a" and "b\u00e9"`, `“a” and “bé”`},
	}
	for _, c := range cases {
		if got := plainQuotes(c.in); got != c.want {
			t.Errorf("plainQuotes(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHandlerTakesPlanCurrency(t *testing.T) {
	eurPlan := parseTestPlan(t)
	eurPlan.Currency = "EUR"
	cases := []struct {
		name   string
		deps   Deps
		budget string
		status int
	}{
		{"EUR plan, euros", Deps{Plan: eurPlan}, "€5k", 202},
		{"EUR plan, dollars", Deps{Plan: eurPlan}, "$5k", 400},
		{"explicit currency over the plan", Deps{Plan: eurPlan, Currency: "GBP"}, "£5k", 202},
		{"no plan, USD default", Deps{Reps: []string{"rep-a"}, ThankYouURL: "/thanks"}, "$5k", 202},
		{"no plan, yen", Deps{Reps: []string{"rep-a"}, ThankYouURL: "/thanks"}, "1m JPY", 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.deps.Router, c.deps.Store = twoReps{}, newMemoryStore()
			h, err := New(c.deps)
			if err != nil {
				t.Fatalf("New: %v", err)
			}

			res := handle(t, h, postEvent("application/json", `{"company":"Acme","budget":"`+c.budget+`"}`, nil))
			if res.StatusCode != c.status {
				t.Errorf("status = %d, want %d; body %s", res.StatusCode, c.status, res.Body)
			}
		})
	}
}
