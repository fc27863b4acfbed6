package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// apiGatewayTime is the format of requestContext.time in HTTP API events.
const apiGatewayTime = "02/Jan/2006:15:04:05 -0700"

// newEvent converts an HTTP request into the API Gateway HTTP API event
// (payload format 2.0) that AWS would deliver for it. Header names are in
// lower case, repeated headers are joined by commas, cookies go in their
// own list, and the body is base64-encoded unless its type is text. It
// reads at most maxBody+1 bytes, so that the handler sees an oversized body
// as such without the server reading all of it.
func newEvent(r *http.Request, requestID string, maxBody int) (events.APIGatewayV2HTTPRequest, error) {
	headers := make(map[string]string, len(r.Header)+1)
	var cookies []string
	for name, values := range r.Header {
		lower := strings.ToLower(name)
		if lower == "cookie" {
			for _, v := range values {
				for _, c := range strings.Split(v, ";") {
					cookies = append(cookies, strings.TrimSpace(c))
				}
			}
			continue
		}
		headers[lower] = strings.Join(values, ",")
	}
	headers["host"] = r.Host

	query := make(map[string]string)
	for name, values := range r.URL.Query() {
		query[name] = strings.Join(values, ",")
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, int64(maxBody)+1))
	if err != nil {
		return events.APIGatewayV2HTTPRequest{}, err
	}
	encoded, isBase64 := string(body), false
	if len(body) > 0 && !textual(r.Header.Get("Content-Type")) {
		encoded, isBase64 = base64.StdEncoding.EncodeToString(body), true
	}

	now := time.Now()
	sourceIP, _, _ := net.SplitHostPort(r.RemoteAddr)
	route := r.Method + " " + r.URL.Path
	return events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              route,
		RawPath:               r.URL.Path,
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: query,
		Body:                  encoded,
		IsBase64Encoded:       isBase64,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:   route,
			AccountID:  "local",
			Stage:      "$default",
			RequestID:  requestID,
			APIID:      "local",
			DomainName: r.Host,
			Time:       now.UTC().Format(apiGatewayTime),
			TimeEpoch:  now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  sourceIP,
				UserAgent: r.UserAgent(),
			},
		},
	}, nil
}

// textual reports whether API Gateway passes a body of this type as plain
// text: text/*, JSON, XML and JavaScript. Everything else, form posts and
// a missing type included, arrives base64-encoded.
func textual(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mediaType, "text/"),
		mediaType == "application/json",
		mediaType == "application/xml",
		mediaType == "application/javascript":
		return true
	}
	return false
}

// writeResponse writes a handler's response to w.
func writeResponse(w http.ResponseWriter, res events.APIGatewayV2HTTPResponse) error {
	for name, value := range res.Headers {
		w.Header().Set(name, value)
	}
	for name, values := range res.MultiValueHeaders {
		for _, value := range values {
			w.Header().Add(name, value)
		}
	}
	for _, cookie := range res.Cookies {
		w.Header().Add("Set-Cookie", cookie)
	}

	body := []byte(res.Body)
	if res.IsBase64Encoded {
		decoded, err := base64.StdEncoding.DecodeString(res.Body)
		if err != nil {
			return err
		}
		body = decoded
	}
	w.WriteHeader(res.StatusCode)
	_, err := w.Write(body)
	return err
}

// newRequestID returns a random id in the style of API Gateway's.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
