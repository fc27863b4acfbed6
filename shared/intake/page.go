package intake

import (
	"bytes"
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// formPage is the plain lead form that the local server shows at "/". It
// posts urlencoded to /leads, so it works without JavaScript, and carries
// the honeypot field hidden from people and screen readers.
//
//go:embed page/form.html
var formPage []byte

//go:embed page/thanks.html
var thanksSource string

var thanksTemplate = template.Must(template.New("thanks").Parse(thanksSource))

// FormPage returns the HTML of the lead form.
func FormPage() []byte {
	return formPage
}

// WriteThanksPage writes the thank-you page for a lead id taken from the
// query string. Only an id of the form leadrouter issues is shown.
func WriteThanksPage(w io.Writer, leadID string) error {
	if len(leadID) != 28 || !strings.HasPrefix(leadID, "L-") {
		leadID = ""
	}
	return thanksTemplate.Execute(w, struct{ LeadID string }{leadID})
}

// thanksResponse serves the thank-you page for GET /thanks?lead=ID.
func thanksResponse(req request) events.APIGatewayV2HTTPResponse {
	var html bytes.Buffer
	if err := WriteThanksPage(&html, req.event.QueryStringParameters["lead"]); err != nil {
		// The template and its data are fixed, so this does not happen.
		return clientError(404, errorBody{Error: "thank-you page not available"})
	}
	res := response(200, html.String())
	res.Headers["Content-Type"] = "text/html; charset=utf-8"
	res.Headers["X-Content-Type-Options"] = "nosniff"
	return res
}
