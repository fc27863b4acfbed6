package intake

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"mime"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

//go:embed page/error.html
var errorSource string

var errorTemplate = template.Must(template.New("error").Parse(errorSource))

// errorPage is the data of the HTML page a browser gets for a rejected
// form post.
type errorPage struct {
	Intro    string
	Problems []FieldProblem
	// Back is the form page: the Referer when its origin is allowed,
	// otherwise "/".
	Back string
}

// guessStyle returns the reply style from the headers alone, for a
// response sent before the body is read: a form content type without a
// request for JSON is a browser.
func guessStyle(req request) replyStyle {
	mediaType, _, _ := mime.ParseMediaType(req.header("content-type"))
	form := mediaType == typeForm || mediaType == typeMultipart
	return replyStyle{browser: form && !acceptsJSON(req.header("accept"))}
}

// reject returns a client error: JSON for scripts, and for a browser form
// post an HTML page with the same problems and a link back to the form.
func (h *Handler) reject(req request, style replyStyle, body errorBody, status int) events.APIGatewayV2HTTPResponse {
	if !style.browser {
		return clientError(status, body)
	}

	page := errorPage{Intro: plainQuotes(body.Error) + ".", Back: h.backLink(req.header("referer"))}
	if body.Accepted != "" {
		page.Intro = plainQuotes(body.Error) + ". Expected: " + plainQuotes(body.Accepted) + "."
	}
	for _, problem := range body.Fields {
		page.Problems = append(page.Problems, FieldProblem{
			Field:    problem.Field,
			Problem:  plainQuotes(problem.Problem),
			Accepted: plainQuotes(problem.Accepted),
		})
	}
	if len(page.Problems) > 0 {
		page.Intro = "Please correct the following and send the form again."
	}
	if body.visitor != "" {
		page = errorPage{Intro: body.visitor, Back: page.Back}
	}

	var html bytes.Buffer
	if err := errorTemplate.Execute(&html, page); err != nil {
		// The template and its data are fixed, so this does not happen.
		// The JSON body still lists the problems.
		return clientError(status, body)
	}
	res := response(status, html.String())
	res.Headers["Content-Type"] = "text/html; charset=utf-8"
	res.Headers["X-Content-Type-Options"] = "nosniff"
	return res
}

// backLink returns referer when it is an http(s) URL on an allowed origin,
// and "/" otherwise, so the page never links to another site.
func (h *Handler) backLink(referer string) string {
	u, err := url.Parse(referer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "/"
	}
	if h.allowedOrigin(u.Scheme+"://"+u.Host) == "" {
		return "/"
	}
	return u.String()
}

// forbiddenOrigin is the body of a 403 for a request from an origin that
// the plan does not list. API Gateway joins repeated headers with commas,
// so a comma means the request had more than one Origin header, which
// browsers never send.
func forbiddenOrigin(origin string) errorBody {
	const visitor = "This form cannot be sent from this website. Please contact the company another way, and let them know their form is not working."
	if strings.Contains(origin, ",") {
		return errorBody{
			Error:    fmt.Sprintf("the request has more than one Origin header (%s)", origin),
			Accepted: "exactly one Origin header, as browsers send",
			visitor:  visitor,
		}
	}
	return errorBody{
		Error:    "origin " + quoteOrNone(origin) + " is not allowed to post leads",
		Accepted: "an origin listed in the plan's site.origins; add " + quoteOrNone(origin) + " there to allow the site",
		visitor:  visitor,
	}
}

// plainQuotes rewrites the Go-quoted strings in a message ("\">x") as the
// text they quote inside typographic quotes, for the HTML page, where
// html/template escapes the text and Go escapes would only confuse a
// visitor. Text that is not a valid Go string literal is left as it is.
func plainQuotes(message string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(message, '"')
		if i < 0 {
			b.WriteString(message)
			return b.String()
		}
		b.WriteString(message[:i])

		quoted, err := strconv.QuotedPrefix(message[i:])
		if err != nil {
			b.WriteString(message[i:])
			return b.String()
		}
		text, _ := strconv.Unquote(quoted)
		b.WriteString("“" + text + "”")
		message = message[i+len(quoted):]
	}
}
