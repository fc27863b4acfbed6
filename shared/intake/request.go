package intake

import (
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// request wraps an event with case-insensitive header lookup.
type request struct {
	event  events.APIGatewayV2HTTPRequest
	method string
}

func newRequest(event events.APIGatewayV2HTTPRequest) request {
	return request{event: event, method: strings.ToUpper(event.RequestContext.HTTP.Method)}
}

// header returns the value of a header. Payload format 2.0 sends header
// names in lower case; other producers (test tools, older proxies) may
// not, so a case-insensitive match is the fallback.
func (r request) header(name string) string {
	if value, ok := r.event.Headers[name]; ok {
		return value
	}
	for key, value := range r.event.Headers {
		if strings.EqualFold(key, name) {
			return value
		}
	}
	return ""
}

// isThanksPage reports a request for the thank-you page, which the HTTP
// API routes to this function as GET /thanks so that a relative thank-you
// URL works on AWS as it does on the local server.
func (r request) isThanksPage() bool {
	return r.event.RouteKey == "GET /thanks" || r.event.RawPath == "/thanks"
}

func (r request) id() string {
	return r.event.RequestContext.RequestID
}

// preflight responds to a CORS preflight request. An origin outside the plan's
// site origins gets 403, so a misconfigured site sees the reason in the
// browser's network panel.
func (h *Handler) preflight(req request, origin string) events.APIGatewayV2HTTPResponse {
	if origin == "" {
		return clientError(403, errorBody{
			Error:    "origin " + quoteOrNone(req.header("origin")) + " is not allowed",
			Accepted: "an origin listed in the plan's site.origins; add the site's origin there to allow it",
		})
	}

	res := response(204, "")
	res.Headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
	res.Headers["Access-Control-Allow-Headers"] = "Content-Type, Accept, Idempotency-Key"
	res.Headers["Access-Control-Max-Age"] = "600"
	return withCORS(res, origin)
}

// allowedOrigin returns origin in normal form when the plan allows it, or "".
func (h *Handler) allowedOrigin(origin string) string {
	if origin == "" {
		return ""
	}
	normal := normalizeOrigin(origin)
	if !h.origins[normal] {
		return ""
	}
	return normal
}

// withCORS adds the CORS headers for an allowed origin. Vary is set on
// every response, because the headers depend on the Origin of the request.
func withCORS(res events.APIGatewayV2HTTPResponse, origin string) events.APIGatewayV2HTTPResponse {
	res.Headers["Vary"] = "Origin"
	if origin != "" {
		res.Headers["Access-Control-Allow-Origin"] = origin
		res.Headers["Access-Control-Expose-Headers"] = "Location, Retry-After, Idempotent-Replayed"
	}
	return res
}

// normalizeOrigin lower-cases an origin and drops a trailing slash, as
// origins are compared by scheme, host and port.
func normalizeOrigin(origin string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(origin)), "/")
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return `"` + s + `"`
}
