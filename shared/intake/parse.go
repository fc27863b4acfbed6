package intake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
)

// Content types the intake reads.
const (
	typeJSON      = "application/json"
	typeForm      = "application/x-www-form-urlencoded"
	typeMultipart = "multipart/form-data"

	acceptedTypes = typeJSON + ", " + typeForm + " or " + typeMultipart
)

// Limits on the shape of a submission, whatever its size in bytes.
const (
	maxFields    = 200
	maxNameRunes = 100
)

// submitted is one field as it arrived, before aliases are applied.
type submitted struct {
	name  string
	value string
	// jsonType is "boolean", "object" or "array" for a JSON value that is
	// not a string or number: an object is kept as its JSON text, a list of
	// scalars joined with ", " as checkbox groups are submitted. Lead
	// fields reject all three; extra fields keep them.
	jsonType string
	// repeated marks a JSON key that came earlier in the same object.
	// Unlike a repeated form field, such as a checkbox group, it is
	// never meant, so even a field kept as an attribute must not differ.
	repeated bool
}

// body is a request body read into fields.
type body struct {
	fields []submitted
	// form is true for urlencoded and multipart posts, which browsers send.
	form bool
	// notes tell the client about parts that were skipped, such as files.
	notes []string
}

// requestError is a client error found while reading the request: it
// carries the status and the body of the response.
type requestError struct {
	status   int
	message  string
	accepted string
	fields   []FieldProblem
}

func (e *requestError) Error() string { return fmt.Sprintf("%d %s", e.status, e.message) }

// body returns the response body of the error.
func (e *requestError) body() errorBody {
	return errorBody{Error: e.message, Accepted: e.accepted, Fields: e.fields}
}

// checkContentEncoding rejects a compressed body: API Gateway passes it on
// as sent, and a lead form has no need for compression.
func checkContentEncoding(value string) *requestError {
	value = strings.ToLower(strings.TrimSpace(value))
	if value == "" || value == "identity" {
		return nil
	}
	return &requestError{
		status:   415,
		message:  fmt.Sprintf("unsupported Content-Encoding %q", value),
		accepted: "an uncompressed body, with no Content-Encoding header or identity",
	}
}

func invalidBody(problem, accepted string) *requestError {
	return &requestError{
		status:  400,
		message: "invalid request body",
		fields:  []FieldProblem{{Field: "body", Problem: problem, Accepted: accepted}},
	}
}

// decodeBody returns the raw bytes of an event body, undoing API Gateway's
// base64 encoding, and rejects bodies over limit bytes before and after
// decoding.
func decodeBody(raw string, isBase64 bool, limit int) ([]byte, *requestError) {
	tooLarge := &requestError{
		status:   413,
		message:  "request body too large",
		accepted: fmt.Sprintf("a body of at most %d bytes", limit),
	}

	if !isBase64 {
		if len(raw) > limit {
			return nil, tooLarge
		}
		return []byte(raw), nil
	}

	if base64.StdEncoding.DecodedLen(len(raw)) > limit+3 {
		return nil, tooLarge
	}
	decoded, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, invalidBody("isBase64Encoded is true but the body is not valid base64: "+err.Error(), "standard base64 with padding")
	}
	if len(decoded) > limit {
		return nil, tooLarge
	}
	return decoded, nil
}

// readBody reads data according to the Content-Type header value.
func readBody(contentType string, data []byte) (body, *requestError) {
	if len(bytes.TrimSpace(data)) == 0 {
		return body{}, invalidBody("is empty", "a lead as "+acceptedTypes)
	}

	if strings.TrimSpace(contentType) == "" {
		return body{}, &requestError{
			status:   415,
			message:  "missing Content-Type header",
			accepted: acceptedTypes,
		}
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return body{}, &requestError{
			status:   415,
			message:  fmt.Sprintf("invalid Content-Type %q: %v", contentType, err),
			accepted: acceptedTypes,
		}
	}

	charset, cerr := charsetOf(params["charset"])
	if cerr != nil {
		return body{}, cerr
	}

	switch mediaType {
	case typeJSON:
		// JSON is UTF-8 (RFC 8259, section 8.1), and API Gateway passes a
		// JSON body as text inside the JSON of its event, where bytes
		// that are not UTF-8 cannot travel unchanged. Decoding them here
		// would store mojibake, so another charset is rejected.
		if charset != nil {
			return body{}, &requestError{
				status:   415,
				message:  fmt.Sprintf("unsupported charset %q for application/json", params["charset"]),
				accepted: "application/json in UTF-8, with no charset or charset=utf-8; for another charset, post the form as application/x-www-form-urlencoded or multipart/form-data",
			}
		}
		return readJSON(data, nil)
	case typeForm:
		// curl -d sends this type by default, so a JSON object sent with
		// it is read as the JSON it plainly is.
		if trimmed := bytes.TrimSpace(data); trimmed[0] == '{' && json.Valid(trimmed) {
			return readJSON(data, charset)
		}
		return readURLEncoded(data, charset)
	case typeMultipart:
		return readMultipart(data, params["boundary"], charset)
	}
	return body{}, &requestError{
		status:   415,
		message:  fmt.Sprintf("unsupported Content-Type %q", mediaType),
		accepted: acceptedTypes,
	}
}

// charsetOf returns the decoder for a charset parameter; nil means UTF-8.
func charsetOf(name string) (encoding.Encoding, *requestError) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" || name == "utf-8" || name == "utf8" || name == "us-ascii" {
		return nil, nil
	}

	// The WHATWG "replacement" encoding, which ISO-2022-KR and a few
	// other unsafe charsets map to, turns the whole body into U+FFFD.
	enc, err := htmlindex.Get(name)
	if err != nil || enc == encoding.Replacement {
		return nil, &requestError{
			status:   415,
			message:  fmt.Sprintf("unsupported charset %q", name),
			accepted: "utf-8, or a charset from the WHATWG Encoding Standard such as iso-8859-1 or windows-1252",
		}
	}
	return enc, nil
}

// toUTF8 converts s from enc (nil for UTF-8) and checks the result.
func toUTF8(s string, enc encoding.Encoding) (string, error) {
	if enc != nil {
		converted, err := enc.NewDecoder().String(s)
		if err != nil {
			return "", err
		}
		s = converted
	}
	if !utf8.ValidString(s) {
		return "", errors.New("is not valid UTF-8")
	}
	return s, nil
}

// readJSON reads one JSON object in the order its keys were sent. It
// streams the keys with json.Decoder.Token, so maxFields applies before the
// values are decoded, and a key sent twice reaches buildLead twice, marked
// so that different values are reported as they are for a form.
func readJSON(data []byte, enc encoding.Encoding) (body, *requestError) {
	text, err := toUTF8(string(data), enc)
	if err != nil {
		return body{}, invalidBody("is not valid UTF-8", "UTF-8 JSON, or name the charset in Content-Type")
	}

	const acceptedObject = `a JSON object such as {"email": "ada@example.com", "company": "Example Ltd"}`
	decoder := json.NewDecoder(strings.NewReader(text))
	decoder.UseNumber()
	open, err := decoder.Token()
	if err != nil {
		return body{}, invalidBody("is not a JSON object: "+err.Error(), acceptedObject)
	}
	if open == nil {
		return body{}, invalidBody("is JSON null", "a JSON object of field names to values")
	}
	if open != json.Delim('{') {
		return body{}, invalidBody(fmt.Sprintf("is not a JSON object: it starts with %v", open), acceptedObject)
	}

	b := body{}
	seen := make(map[string]bool)
	for decoder.More() {
		if len(b.fields) == maxFields {
			return body{}, invalidBody("has more than "+fmt.Sprint(maxFields)+" fields", fmt.Sprintf("at most %d fields", maxFields))
		}

		key, err := decoder.Token()
		if err != nil {
			return body{}, invalidBody("is not a JSON object: "+err.Error(), acceptedObject)
		}
		name, _ := key.(string)
		var value any
		if err := decoder.Decode(&value); err != nil {
			return body{}, invalidBody("is not a JSON object: "+err.Error(), acceptedObject)
		}

		field := submitted{name: name, repeated: seen[name]}
		seen[name] = true
		switch v := value.(type) {
		case nil:
		case string:
			field.value = v
		case json.Number:
			field.value = plainNumber(v)
		case bool:
			field.value, field.jsonType = fmt.Sprint(v), "boolean"
		case []any:
			field.value, field.jsonType = joinList(v), "array"
		default:
			encoded, _ := json.Marshal(v)
			field.value, field.jsonType = string(encoded), "object"
		}
		b.fields = append(b.fields, field)
	}

	if _, err := decoder.Token(); err != nil {
		return body{}, invalidBody("is not a JSON object: "+err.Error(), acceptedObject)
	}
	if _, err := decoder.Token(); !errors.Is(err, io.EOF) {
		return body{}, invalidBody("has data after the JSON object", "exactly one JSON object")
	}
	return b, nil
}

// joinList joins a list of scalars with ", ", as checkbox groups are
// submitted; a list holding objects is kept as JSON text.
func joinList(list []any) string {
	parts := make([]string, 0, len(list))
	for _, item := range list {
		switch v := item.(type) {
		case string:
			parts = append(parts, v)
		case json.Number:
			parts = append(parts, plainNumber(v))
		case bool:
			parts = append(parts, fmt.Sprint(v))
		default:
			encoded, _ := json.Marshal(list)
			return string(encoded)
		}
	}
	return strings.Join(parts, ", ")
}

// plainNumber writes a JSON number with a fraction or an exponent (1.200,
// 1e3, 2.5E+6) as the shortest plain decimal, so the numeric fields read
// it as the number it is: a JSON 1.200 is unambiguously 1.2, unlike the
// text "1.200". A number out of float64 range is kept as sent and fails
// the range check.
func plainNumber(n json.Number) string {
	text := n.String()
	if !strings.ContainsAny(text, ".eE") {
		return text
	}
	value, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(value, 0) {
		return text
	}
	return strconv.FormatFloat(value, 'f', -1, 64)
}

func readURLEncoded(data []byte, enc encoding.Encoding) (body, *requestError) {
	b := body{form: true}

	// Keep the submitted order, which url.ParseQuery loses.
	for _, pair := range strings.Split(string(data), "&") {
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		if err != nil {
			return body{}, invalidBody(fmt.Sprintf("field name %q is not valid URL encoding", rawName), "application/x-www-form-urlencoded pairs as browsers send them")
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			return body{}, invalidBody(fmt.Sprintf("the value of %q is not valid URL encoding", name), "application/x-www-form-urlencoded pairs as browsers send them")
		}

		if name, err = toUTF8(name, enc); err != nil {
			return body{}, invalidBody("a field name is not valid UTF-8", "UTF-8, or name the charset in Content-Type")
		}
		if value, err = toUTF8(value, enc); err != nil {
			return body{}, invalidBody(fmt.Sprintf("the value of %q is not valid UTF-8", name), "UTF-8, or name the charset in Content-Type")
		}

		b.fields = append(b.fields, submitted{name: name, value: value})
		if len(b.fields) > maxFields {
			return body{}, invalidBody("has more than "+fmt.Sprint(maxFields)+" fields", fmt.Sprintf("at most %d fields", maxFields))
		}
	}
	return b, nil
}

func readMultipart(data []byte, boundary string, enc encoding.Encoding) (body, *requestError) {
	if boundary == "" {
		return body{}, &requestError{
			status:   400,
			message:  "invalid Content-Type",
			fields:   []FieldProblem{{Field: "content-type", Problem: "multipart/form-data has no boundary parameter", Accepted: "multipart/form-data; boundary=..."}},
			accepted: "",
		}
	}

	b := body{form: true}
	reader := multipart.NewReader(bytes.NewReader(data), boundary)
	for {
		part, err := reader.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return body{}, invalidBody("is not valid multipart/form-data: "+err.Error(), "multipart/form-data parts as browsers send them")
		}

		name := part.FormName()
		if part.FileName() != "" {
			b.notes = append(b.notes, fmt.Sprintf("file field %q ignored: files are not accepted", name))
			continue
		}

		// The body limit has already bounded the total size.
		raw, err := io.ReadAll(part)
		if err != nil {
			return body{}, invalidBody(fmt.Sprintf("part %q could not be read: %v", name, err), "multipart/form-data parts as browsers send them")
		}

		partEnc := enc
		if _, params, perr := mime.ParseMediaType(part.Header.Get("Content-Type")); perr == nil && params["charset"] != "" {
			charset, cerr := charsetOf(params["charset"])
			if cerr != nil {
				return body{}, cerr
			}
			partEnc = charset
		}
		value, err := toUTF8(string(raw), partEnc)
		if err != nil {
			return body{}, invalidBody(fmt.Sprintf("the value of %q is not valid UTF-8", name), "UTF-8, or name the charset in Content-Type")
		}

		b.fields = append(b.fields, submitted{name: name, value: value})
		if len(b.fields) > maxFields {
			return body{}, invalidBody("has more than "+fmt.Sprint(maxFields)+" fields", fmt.Sprintf("at most %d fields", maxFields))
		}
	}

	if len(b.fields) == 0 && len(b.notes) == 0 {
		return body{}, invalidBody("has no parts", "multipart/form-data with at least one field")
	}
	return b, nil
}
