// Package fakesheets is a local HTTP server that follows the documented
// REST shapes of the Google Sheets API v4, so the real
// google.golang.org/api/sheets/v4 client can be tested against it.
//
// It implements spreadsheets.get, spreadsheets.batchUpdate (addSheet,
// appendDimension, updateCells and repeatCell with a number format), and
// spreadsheets.values.get, batchGet, update, batchUpdate and append. Append finds "the table" from the given range the way
// Google's guide describes, so blank rows split a table there too. Writes
// with USER_ENTERED parse a leading "=" as a formula, so a test catches an
// adapter that lets text become a formula.
//
// Tests inject faults: a status on every n-th request, a status after a
// write was applied, and a delay on every response. They count requests by
// method, read cells with the input option that wrote them, and edit cells
// directly to play a rep who moves columns or inserts blank rows.
package fakesheets

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// SpreadsheetID is the id of the spreadsheet New creates.
const SpreadsheetID = "fake-spreadsheet"

// Method names one API method, as Google's reference names it.
type Method string

// Methods the server implements.
const (
	MethodGet         Method = "spreadsheets.get"
	MethodBatchUpdate Method = "spreadsheets.batchUpdate"
	MethodValuesGet   Method = "spreadsheets.values.get"
	MethodBatchGet    Method = "spreadsheets.values.batchGet"
	MethodBatchValues Method = "spreadsheets.values.batchUpdate"
	MethodUpdate      Method = "spreadsheets.values.update"
	MethodAppend      Method = "spreadsheets.values.append"
)

// Writes lists the methods that count against Google's write quota.
var Writes = []Method{MethodBatchUpdate, MethodBatchValues, MethodUpdate, MethodAppend}

// Request records one request the server received.
type Request struct {
	Method Method
	// Range is the A1 range of a values method, "" for the others.
	Range            string
	ValueInputOption string
	InsertDataOption string
	// Status is the HTTP status of the response.
	Status int
}

// fault fails the every-th request among those of methods (all methods
// when empty), either before the request takes effect or after.
type fault struct {
	every      int
	status     int
	methods    []Method
	afterApply bool
	seen       int
}

// Server is the fake Sheets API. Its methods are safe for concurrent use.
type Server struct {
	httpServer *httptest.Server

	mu           sync.Mutex
	spreadsheets map[string]*spreadsheet
	requests     []Request
	faults       []*fault
	delay        time.Duration
}

type spreadsheet struct {
	id     string
	title  string
	sheets []*sheet
	nextID int64
}

// New starts a server on 127.0.0.1 with one spreadsheet, SpreadsheetID,
// holding one empty sheet "Sheet1" as Google creates it. Close it when
// done.
func New() *Server {
	s := &Server{spreadsheets: map[string]*spreadsheet{}}
	s.AddSpreadsheet(SpreadsheetID)
	s.httpServer = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL returns the base URL to pass to option.WithEndpoint.
func (s *Server) URL() string { return s.httpServer.URL + "/" }

// Close stops the server. It does not wait for requests held by a delay,
// because each of those ends when its client gives up.
func (s *Server) Close() {
	s.httpServer.CloseClientConnections()
	s.httpServer.Close()
}

// AddSpreadsheet creates a spreadsheet with one sheet "Sheet1", replacing
// any spreadsheet with the same id.
func (s *Server) AddSpreadsheet(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()

	book := &spreadsheet{id: id, title: "Untitled spreadsheet", nextID: 1}
	book.sheets = append(book.sheets, newSheet(0, "Sheet1", 0))
	s.spreadsheets[id] = book
}

// FailEvery makes every n-th request among methods (all methods when none
// are given) fail with status before it takes effect. A 429 carries the
// body Google sends for the per-user write quota.
func (s *Server) FailEvery(n, status int, methods ...Method) {
	s.addFault(&fault{every: n, status: status, methods: methods})
}

// FailAfterApplyEvery makes every n-th request among methods take effect
// and then return status, as when the connection drops after Google wrote
// the rows. The client gets an error although the write happened.
func (s *Server) FailAfterApplyEvery(n, status int, methods ...Method) {
	s.addFault(&fault{every: n, status: status, methods: methods, afterApply: true})
}

func (s *Server) addFault(f *fault) {
	if f.every < 1 {
		f.every = 1
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// SetDelay holds every response for d before it is sent, so a client
// whose context ends first gets a time-out. Zero removes the delay.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// ClearFaults removes every fault and the delay.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.delay = 0
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Count returns how many requests of the given methods were received,
// failed ones included; with no methods it counts all.
func (s *Server) Count(methods ...Method) int {
	s.mu.Lock()
	defer s.mu.Unlock()

	n := 0
	for _, r := range s.requests {
		if len(methods) == 0 || slices.Contains(methods, r.Method) {
			n++
		}
	}
	return n
}

// ResetCounts clears the record of requests received so far.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// serveHTTP routes a request to its method after the delay and faults.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	call, apiErr := route(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}

	if !s.wait(r.Context()) {
		return
	}

	status, failAfter := s.checkFaults(call.method)
	if status != 0 {
		s.record(call, status)
		writeError(w, statusError(status))
		return
	}

	s.mu.Lock()
	body, apiErr := s.dispatch(call, r)
	s.mu.Unlock()

	if apiErr != nil {
		s.record(call, apiErr.Code)
		writeError(w, apiErr)
		return
	}
	if failAfter != 0 {
		s.record(call, failAfter)
		writeError(w, statusError(failAfter))
		return
	}

	s.record(call, http.StatusOK)
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(body)
}

// wait applies the delay; it returns false when the client went away.
func (s *Server) wait(ctx context.Context) bool {
	s.mu.Lock()
	delay := s.delay
	s.mu.Unlock()
	if delay <= 0 {
		return true
	}

	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// checkFaults advances every fault that covers method. It returns the
// status to send before applying the request, the status to send after
// applying it, or zeros.
func (s *Server) checkFaults(method Method) (before, after int) {
	s.mu.Lock()
	defer s.mu.Unlock()

	for _, f := range s.faults {
		if len(f.methods) > 0 && !slices.Contains(f.methods, method) {
			continue
		}

		f.seen++
		if f.seen%f.every != 0 {
			continue
		}
		if f.afterApply && after == 0 {
			after = f.status
		}
		if !f.afterApply && before == 0 {
			before = f.status
		}
	}
	return before, after
}

func (s *Server) record(c call, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method:           c.method,
		Range:            c.rangeText,
		ValueInputOption: c.query.Get("valueInputOption"),
		InsertDataOption: c.query.Get("insertDataOption"),
		Status:           status,
	})
}

// call is a routed request.
type call struct {
	method        Method
	spreadsheetID string
	rangeText     string
	query         url.Values
}

// route maps the URL to a method. Paths follow the discovery document:
// v4/spreadsheets/{id}, {id}:batchUpdate, {id}/values/{range},
// {id}/values/{range}:append, {id}/values:batchGet and
// {id}/values:batchUpdate.
func route(r *http.Request) (call, *apiError) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v4/spreadsheets/")
	if !ok {
		return call{}, &apiError{Code: http.StatusNotFound, Status: "NOT_FOUND", Message: "Unknown path " + r.URL.Path}
	}

	c := call{query: r.URL.Query()}
	id, values, hasValues := strings.Cut(rest, "/values")
	switch {
	case !hasValues && strings.HasSuffix(id, ":batchUpdate") && r.Method == http.MethodPost:
		c.method, id = MethodBatchUpdate, strings.TrimSuffix(id, ":batchUpdate")
	case !hasValues && r.Method == http.MethodGet:
		c.method = MethodGet
	case hasValues && values == ":batchGet" && r.Method == http.MethodGet:
		c.method = MethodBatchGet
	case hasValues && values == ":batchUpdate" && r.Method == http.MethodPost:
		c.method = MethodBatchValues
	case hasValues && strings.HasPrefix(values, "/"):
		escaped := values[1:]
		switch {
		case strings.HasSuffix(escaped, ":append") && r.Method == http.MethodPost:
			c.method, escaped = MethodAppend, strings.TrimSuffix(escaped, ":append")
		case r.Method == http.MethodGet:
			c.method = MethodValuesGet
		case r.Method == http.MethodPut:
			c.method = MethodUpdate
		default:
			return call{}, methodNotAllowed(r)
		}

		text, err := url.PathUnescape(escaped)
		if err != nil {
			return call{}, invalidArgument("Unable to parse range: " + escaped)
		}
		c.rangeText = text
	default:
		return call{}, methodNotAllowed(r)
	}

	unescaped, err := url.PathUnescape(id)
	if err != nil {
		return call{}, invalidArgument("Invalid spreadsheet id " + id)
	}
	c.spreadsheetID = unescaped
	return c, nil
}

// dispatch runs one routed call against the state; s.mu is held.
func (s *Server) dispatch(c call, r *http.Request) (any, *apiError) {
	book, ok := s.spreadsheets[c.spreadsheetID]
	if !ok {
		return nil, &apiError{Code: http.StatusNotFound, Status: "NOT_FOUND", Message: "Requested entity was not found."}
	}

	switch c.method {
	case MethodGet:
		return book.get(), nil
	case MethodBatchUpdate:
		return book.batchUpdate(r)
	case MethodValuesGet:
		return book.valuesGet(c.rangeText, c.query)
	case MethodBatchGet:
		return book.batchGet(c.query)
	case MethodBatchValues:
		return book.valuesBatchUpdate(r)
	case MethodUpdate:
		return book.valuesUpdate(c.rangeText, c.query, r)
	case MethodAppend:
		return book.valuesAppend(c.rangeText, c.query, r)
	}
	return nil, invalidArgument("unsupported method " + string(c.method))
}

func (b *spreadsheet) sheetByTitle(title string) *sheet {
	for _, sh := range b.sheets {
		if strings.EqualFold(sh.title, title) {
			return sh
		}
	}
	return nil
}
