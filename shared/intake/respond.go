package intake

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/rs/zerolog"

	"github.com/leadrouter/leadrouter/shared/logging"
	"github.com/leadrouter/leadrouter/shared/store"
)

// retryAfterSeconds is the Retry-After of a 503 response.
const retryAfterSeconds = "5"

// Accepted is the body of a 202 response.
type Accepted struct {
	LeadID string `json:"lead_id"`
	// Status is always "accepted".
	Status string `json:"status"`
	// Duplicate is true when the submission repeats an earlier one, whose
	// lead id and routing this response carries.
	Duplicate bool `json:"duplicate,omitempty"`
	// Owner, Zone, Rule and Escalation are set only when the handler
	// reveals routing. Escalation is the reason of the routing decision's
	// escalation, empty when the plan was followed as written.
	Owner      string `json:"owner,omitempty"`
	Zone       string `json:"zone,omitempty"`
	Rule       string `json:"rule,omitempty"`
	Escalation string `json:"escalation,omitempty"`
	// Notes name the parts of the submission that were skipped.
	Notes []string `json:"notes,omitempty"`
}

// errorBody is the body of every 4xx and 503 response.
type errorBody struct {
	Error    string         `json:"error"`
	Accepted string         `json:"accepted,omitempty"`
	Fields   []FieldProblem `json:"fields,omitempty"`
	// visitor, when set, replaces the error on the HTML page a browser
	// gets, because the rest is advice for the site's operator.
	visitor string
}

// replyStyle selects the response to a successful submission.
type replyStyle struct {
	// browser is set for a form post that did not ask for JSON: it gets a
	// 303 redirect to the thank-you page instead of a JSON body.
	browser bool
	notes   []string
}

func (h *Handler) accepted(style replyStyle, rec store.Record, duplicate bool) events.APIGatewayV2HTTPResponse {
	if style.browser {
		location, _ := thankYouLocation(h.deps.ThankYouURL, rec.Lead.ID)
		res := response(303, "")
		res.Headers["Location"] = location
		if duplicate {
			res.Headers["Idempotent-Replayed"] = "true"
		}
		return res
	}

	body := Accepted{LeadID: rec.Lead.ID, Status: "accepted", Duplicate: duplicate, Notes: style.notes}
	if h.deps.RevealRouting {
		body.Owner = rec.Decision.Owner
		body.Zone = string(rec.Decision.Zone)
		body.Rule = rec.Decision.Rule
		if rec.Decision.Escalation != nil {
			body.Escalation = rec.Decision.Escalation.Reason
		}
	}
	res := jsonResponse(202, body)
	if duplicate {
		res.Headers["Idempotent-Replayed"] = "true"
	}
	return res
}

// unavailable is the one place that turns an internal error into an
// response: the client gets a safe message and Retry-After, the log gets the
// detail.
func (h *Handler) unavailable(ctx context.Context, req request, operation string, err error) events.APIGatewayV2HTTPResponse {
	logFrom(ctx).Error().
		Err(err).
		Str("api_request_id", req.id()).
		Str("operation", operation).
		Msg("intake: lead not accepted")

	res := jsonResponse(503, errorBody{Error: "the lead could not be stored; nothing was kept, please retry"})
	res.Headers["Retry-After"] = retryAfterSeconds
	return res
}

func clientError(status int, body errorBody) events.APIGatewayV2HTTPResponse {
	return jsonResponse(status, body)
}

func jsonResponse(status int, body any) events.APIGatewayV2HTTPResponse {
	encoded, err := json.Marshal(body)
	if err != nil {
		// Only plain structs of strings reach here.
		encoded = []byte(`{"error":"internal error"}`)
	}
	res := response(status, string(encoded)+"\n")
	res.Headers["Content-Type"] = "application/json; charset=utf-8"
	return res
}

func response(status int, body string) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"Cache-Control": "no-store"},
		Body:       body,
	}
}

// thankYouLocation adds lead=id to the query of the thank-you URL.
func thankYouLocation(base, id string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	query := u.Query()
	query.Set("lead", id)
	u.RawQuery = query.Encode()
	return u.String(), nil
}

// acceptsJSON reports whether an Accept header asks for JSON.
func acceptsJSON(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mediaType, _, _ := strings.Cut(part, ";")
		mediaType = strings.ToLower(strings.TrimSpace(mediaType))
		if mediaType == "application/json" || strings.HasSuffix(mediaType, "+json") {
			return true
		}
	}
	return false
}

func logFrom(ctx context.Context) *zerolog.Logger {
	return logging.FromContext(ctx)
}
