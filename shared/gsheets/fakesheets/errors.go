package fakesheets

import (
	"encoding/json"
	"net/http"
)

// apiError is the error object of Google's JSON error envelope
// {"error": {"code", "message", "status", "details"}}.
type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Status  string `json:"status"`
	Details []any  `json:"details,omitempty"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(e.Code)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": e})
}

func invalidArgument(message string) *apiError {
	return &apiError{Code: http.StatusBadRequest, Status: "INVALID_ARGUMENT", Message: message}
}

func methodNotAllowed(r *http.Request) *apiError {
	return &apiError{Code: http.StatusNotFound, Status: "NOT_FOUND", Message: "No method for " + r.Method + " " + r.URL.Path}
}

// statusError builds the body Google sends with an injected status. The
// 429 body has the shape of a real per-user write-quota error: status
// RESOURCE_EXHAUSTED, an ErrorInfo with reason RATE_LIMIT_EXCEEDED and
// the quota metadata, and a Help link. The project number is made up.
func statusError(status int) *apiError {
	switch status {
	case http.StatusTooManyRequests:
		return &apiError{
			Code:    status,
			Status:  "RESOURCE_EXHAUSTED",
			Message: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:100000000001'.",
			Details: []any{
				map[string]any{
					"@type":  "type.googleapis.com/google.rpc.ErrorInfo",
					"reason": "RATE_LIMIT_EXCEEDED",
					"domain": "googleapis.com",
					"metadata": map[string]string{
						"quota_location":    "global",
						"service":           "sheets.googleapis.com",
						"quota_limit_value": "60",
						"quota_limit":       "WriteRequestsPerMinutePerUser",
						"consumer":          "projects/100000000001",
						"quota_metric":      "sheets.googleapis.com/write_requests",
					},
				},
				map[string]any{
					"@type": "type.googleapis.com/google.rpc.Help",
					"links": []map[string]string{{
						"description": "Request a higher quota limit.",
						"url":         "https://cloud.google.com/docs/quota#requesting_higher_quota",
					}},
				},
			},
		}
	case http.StatusBadRequest:
		return invalidArgument("Invalid request.")
	case http.StatusForbidden:
		return &apiError{Code: status, Status: "PERMISSION_DENIED", Message: "The caller does not have permission"}
	case http.StatusNotFound:
		return &apiError{Code: status, Status: "NOT_FOUND", Message: "Requested entity was not found."}
	case http.StatusServiceUnavailable:
		return &apiError{Code: status, Status: "UNAVAILABLE", Message: "The service is currently unavailable."}
	case http.StatusGatewayTimeout:
		return &apiError{Code: status, Status: "DEADLINE_EXCEEDED", Message: "The request timed out."}
	default:
		return &apiError{Code: status, Status: "INTERNAL", Message: "Internal error encountered."}
	}
}
