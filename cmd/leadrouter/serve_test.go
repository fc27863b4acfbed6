package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rs/zerolog"

	"github.com/leadrouter/leadrouter/internal/testenv"
	"github.com/leadrouter/leadrouter/shared/sheet"
	"github.com/leadrouter/leadrouter/shared/xlsx"
)

// examplePlan is the two-rep plan that `make run` uses.
var examplePlan = filepath.Join("..", "..", "examples", "plans", "two-reps.yaml")

// testServer starts the local server on a free 127.0.0.1 port with the
// example plan and stops it when t ends, unless the test stops it first.
func testServer(t *testing.T, dataDir string, change ...func(*serveConfig)) *server {
	t.Helper()

	cfg := serveConfig{
		addr:          "127.0.0.1:0",
		planPath:      examplePlan,
		dataDir:       dataDir,
		revealRouting: true,
		maxBodyBytes:  64 << 10,
		drainEvery:    20 * time.Millisecond,
		drainOnStop:   true,
	}
	for _, f := range change {
		f(&cfg)
	}

	srv, err := startServer(context.Background(), cfg, zerolog.Nop())
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Cleanup(func() { _ = srv.stop(context.Background()) })
	return srv
}

// postJSON posts a lead and returns the status and decoded body.
func postJSON(t *testing.T, srv *server, body string) (int, map[string]any) {
	t.Helper()

	req, err := http.NewRequest("POST", "http://"+srv.addr()+"/leads", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /leads: %v", err)
	}
	defer res.Body.Close()

	var decoded map[string]any
	data, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatalf("decode answer %q: %v", data, err)
	}
	return res.StatusCode, decoded
}

// leadIDsInWorkbook opens the workbook on its own and returns the Lead ID
// of every row of the Leads tab.
func leadIDsInWorkbook(t *testing.T, path string) []string {
	t.Helper()

	book, err := xlsx.Open(path)
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	defer book.Close()
	return leadIDs(t, book)
}

func leadIDs(t *testing.T, book sheet.Book) []string {
	t.Helper()

	rows, err := book.Rows(context.Background(), sheet.TabLeads)
	if err != nil {
		t.Fatalf("read Leads rows: %v", err)
	}
	var ids []string
	for _, row := range rows {
		if id := row[sheet.HeaderLeadID]; id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// waitFor polls check every 20 ms until it returns true or the deadline
// passes.
func waitFor(t *testing.T, what string, timeout time.Duration, check func() bool) {
	t.Helper()

	deadline := time.Now().Add(timeout)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestOutboxSurvivesRestart(t *testing.T) {
	data := t.TempDir()
	workbook := filepath.Join(data, workbookFile)

	// First run: accept leads, then stop as a crash would, before any drain.
	first := testServer(t, data, func(c *serveConfig) {
		c.drainEvery = time.Hour
		c.drainOnStop = false
	})
	var accepted []string
	for i := range 3 {
		status, body := postJSON(t, first, fmt.Sprintf(`{"email":"lead%d@restart%d.example","source":"inbound"}`, i, i))
		if status != 202 {
			t.Fatalf("lead %d: status %d, body %v", i, status, body)
		}
		accepted = append(accepted, body["lead_id"].(string))
	}
	if err := first.stop(context.Background()); err != nil {
		t.Fatalf("stop first server: %v", err)
	}
	if got := leadIDsInWorkbook(t, workbook); len(got) != 0 {
		t.Fatalf("workbook has rows %q before any drain", got)
	}

	// Second run: the pending rows are written once.
	second := testServer(t, data)
	waitFor(t, "3 rows in the workbook", 10*time.Second, func() bool {
		return len(leadIDs(t, second.book)) >= 3
	})
	if err := second.stop(context.Background()); err != nil {
		t.Fatalf("stop second server: %v", err)
	}

	got := leadIDsInWorkbook(t, workbook)
	if len(got) != len(accepted) {
		t.Fatalf("workbook has %d rows %q, want exactly %d", len(got), got, len(accepted))
	}
	for i, id := range accepted {
		if got[i] != id {
			t.Errorf("row %d has lead %s, want %s", i+1, got[i], id)
		}
	}

	// A third run finds nothing pending and writes nothing more.
	third := testServer(t, data)
	if err := third.stop(context.Background()); err != nil {
		t.Fatalf("stop third server: %v", err)
	}
	if got := leadIDsInWorkbook(t, workbook); len(got) != len(accepted) {
		t.Errorf("workbook has %d rows after a restart with nothing pending, want %d", len(got), len(accepted))
	}
}

func TestServePages(t *testing.T) {
	srv := testServer(t, t.TempDir())
	base := "http://" + srv.addr()

	cases := []struct {
		path     string
		status   int
		contains string
	}{
		{"/", 200, `action="/leads"`},
		{"/", 200, `name="website_url_confirm"`},
		{"/thanks?lead=L-01M91AJP6M58J391S3RWCTSW4K", 200, "L-01M91AJP6M58J391S3RWCTSW4K"},
		{"/thanks?lead=<script>", 200, "Thank you"},
		{"/nope", 404, "no such path"},
		{"/leads", 405, "method GET not allowed"},
	}
	for _, c := range cases {
		res, err := http.Get(base + c.path)
		if err != nil {
			t.Fatalf("GET %s: %v", c.path, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()

		if res.StatusCode != c.status {
			t.Errorf("GET %s: status %d, want %d", c.path, res.StatusCode, c.status)
		}
		if !strings.Contains(string(body), c.contains) {
			t.Errorf("GET %s: body does not contain %q", c.path, c.contains)
		}
		if strings.Contains(string(body), "<script>") {
			t.Errorf("GET %s: body echoes unescaped markup", c.path)
		}
	}
}

func TestServeFormPostRedirects(t *testing.T) {
	srv := testServer(t, t.TempDir())
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	form := url.Values{"email": {"ada@form.example"}, "company": {"Form Co"}, "source": {"inbound"}}
	res, err := client.PostForm("http://"+srv.addr()+"/leads", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", res.StatusCode)
	}
	if location := res.Header.Get("Location"); !strings.HasPrefix(location, "/thanks?lead=L-") {
		t.Errorf("Location = %q, want the plan's /thanks with the lead id", location)
	}
}

func TestServeOversizedBody(t *testing.T) {
	srv := testServer(t, t.TempDir(), func(c *serveConfig) { c.maxBodyBytes = 2048 })

	status, body := postJSON(t, srv, `{"company":"A","message":"`+strings.Repeat("x", 4096)+`"}`)
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("status = %d, want 413; body %v", status, body)
	}
}

func TestBrowserSubmitsForm(t *testing.T) {
	ctx := testenv.Browser(t)
	srv := testServer(t, t.TempDir())
	base := "http://" + srv.addr()

	// The company starts with "=", so the workbook must keep it as text
	// rather than turn it into a formula.
	runCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := chromedp.Do(runCtx,
		chromedp.Navigate(base+"/"),
		chromedp.SendKeys(chromedp.ID("first_name"), "Grace"),
		chromedp.SendKeys(chromedp.ID("last_name"), "Hopper"),
		chromedp.SendKeys(chromedp.ID("email"), "grace@browser-test.example"),
		chromedp.SendKeys(chromedp.ID("company"), "=Browser Test Ltd"),
		chromedp.SendKeys(chromedp.ID("budget"), "12k"),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("lead-id")),
	)
	if err != nil {
		t.Fatalf("fill in and submit the form: %v", err)
	}
	leadID, err := chromedp.Run(runCtx, chromedp.Text(chromedp.ID("lead-id")))
	if err != nil {
		t.Fatalf("read the lead id on the thank-you page: %v", err)
	}

	var row map[string]string
	waitFor(t, "the lead's row in the workbook", 10*time.Second, func() bool {
		rows, err := srv.book.Rows(context.Background(), sheet.TabLeads)
		if err != nil {
			t.Fatalf("read Leads rows: %v", err)
		}
		for _, r := range rows {
			if r[sheet.HeaderLeadID] == leadID {
				row = r
				return true
			}
		}
		return false
	})

	checks := map[string]string{
		sheet.HeaderEmail:     "grace@browser-test.example",
		sheet.HeaderFirstName: "Grace",
		sheet.HeaderLastName:  "Hopper",
		sheet.HeaderCompany:   "=Browser Test Ltd",
		sheet.HeaderDomain:    "browser-test.example",
		sheet.HeaderPotential: "12000",
		sheet.HeaderOwner:     "ben",
		sheet.HeaderRule:      "inbound-large",
	}
	for header, want := range checks {
		if got := row[header]; got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
}
