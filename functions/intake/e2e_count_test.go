package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
)

// dynamoRequest is one DynamoDB API request that the function sent.
type dynamoRequest struct {
	// Operation is the API operation, such as BatchGetItem.
	Operation string
	// Items is the number of keys of a BatchGetItem or actions of a
	// TransactWriteItems, and 1 for a single-item operation.
	Items int
	// ConsistentRead is set for reads that ask for strong consistency, which
	// cost twice the read units of eventually consistent reads.
	ConsistentRead bool
	Bytes          int
}

// requestCounter is a reverse proxy on 127.0.0.1 in front of a local
// DynamoDB that records every request the function sends through it.
type requestCounter struct {
	mu       sync.Mutex
	requests []dynamoRequest
}

// startRequestCounter serves a counting proxy to endpoint until t ends and
// returns its URL.
func startRequestCounter(t *testing.T, endpoint string) (*requestCounter, string) {
	t.Helper()
	target, err := url.Parse(endpoint)
	if err != nil {
		t.Fatalf("parse endpoint %q: %v", endpoint, err)
	}
	counter := &requestCounter{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		counter.record(r.Header.Get("X-Amz-Target"), body)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	return counter, server.URL
}

func (c *requestCounter) record(target string, body []byte) {
	request := dynamoRequest{
		Operation: strings.TrimPrefix(target, "DynamoDB_20120810."),
		Items:     1,
		Bytes:     len(body),
	}

	var fields struct {
		ConsistentRead bool `json:"ConsistentRead"`
		RequestItems   map[string]struct {
			Keys           []json.RawMessage `json:"Keys"`
			ConsistentRead bool              `json:"ConsistentRead"`
		} `json:"RequestItems"`
		TransactItems []json.RawMessage `json:"TransactItems"`
	}
	if json.Unmarshal(body, &fields) == nil {
		request.ConsistentRead = fields.ConsistentRead
		switch request.Operation {
		case "BatchGetItem":
			request.Items = 0
			for _, table := range fields.RequestItems {
				request.Items += len(table.Keys)
				request.ConsistentRead = request.ConsistentRead || table.ConsistentRead
			}
		case "TransactWriteItems":
			request.Items = len(fields.TransactItems)
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests = append(c.requests, request)
}

// mark returns a position to pass to since.
func (c *requestCounter) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.requests)
}

// since returns the requests recorded after mark.
func (c *requestCounter) since(mark int) []dynamoRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]dynamoRequest(nil), c.requests[mark:]...)
}

// summarize describes requests in one line, such as
// "2 requests: BatchGetItem (4 keys), TransactWriteItems (4 actions, 1830 bytes)".
func summarize(requests []dynamoRequest) string {
	parts := make([]string, 0, len(requests))
	for _, r := range requests {
		detail := fmt.Sprintf("%d bytes", r.Bytes)
		switch r.Operation {
		case "BatchGetItem":
			detail = fmt.Sprintf("%d keys, consistent read %v", r.Items, r.ConsistentRead)
		case "TransactWriteItems":
			detail = fmt.Sprintf("%d actions, %d bytes", r.Items, r.Bytes)
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", r.Operation, detail))
	}
	return fmt.Sprintf("%d requests: %s", len(requests), strings.Join(parts, ", "))
}

// operations returns the sorted operation names of requests.
func operations(requests []dynamoRequest) []string {
	names := make([]string, 0, len(requests))
	for _, r := range requests {
		names = append(names, r.Operation)
	}
	sort.Strings(names)
	return names
}
