package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/store"
)

// Idempotency key prefixes. Each kind of key has its own prefix so that a
// header value can never collide with a submission id or a content hash.
const (
	keyHeader     = "hdr:"
	keySubmission = "sub:"
	keyContent    = "sha:"
)

// maxHeaderKey is the longest Idempotency-Key header accepted, in bytes.
const maxHeaderKey = 200

// idempotencyKeys returns the keys that identify a repeat of l: the
// Idempotency-Key header and the source submission id when present, and
// otherwise a hash of the lead's normalised content. The content hash is
// left out when the client names the submission itself, because two
// distinct rows of an export may have the same content (the leads of one
// dataset often carry no contact details at all).
func idempotencyKeys(header string, l *lead.Lead) []string {
	var keys []string
	if header != "" {
		keys = append(keys, keyHeader+header)
	}
	if l.SourceSubmissionID != "" {
		keys = append(keys, keySubmission+l.Form+":"+l.SourceSubmissionID)
	}
	if len(keys) == 0 {
		keys = append(keys, keyContent+contentHash(l))
	}
	return keys
}

// contentHash returns the SHA-256, in hex, of the lead's content with case,
// spacing and phone formatting folded away. The id, the time received and
// the form name are left out: they differ between two sends of one form.
func contentHash(l *lead.Lead) string {
	fold := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

	attributes := make(map[string]string, len(l.Attributes))
	for name, value := range l.Attributes {
		attributes[foldName(name)] = fold(value)
	}

	content := struct {
		Email, Phone, First, Last, Company, Domain string
		Source, Industry, Country, Region          string
		Employees                                  int
		Potential                                  float64
		Referrer, Message                          string
		Attributes                                 map[string]string
	}{
		Email:      fold(l.Email),
		Phone:      digitsOf(l.Phone),
		First:      fold(l.FirstName),
		Last:       fold(l.LastName),
		Company:    fold(l.Company),
		Domain:     fold(l.Domain),
		Source:     fold(l.Source),
		Industry:   fold(l.Industry),
		Country:    fold(l.Country),
		Region:     fold(l.Region),
		Employees:  l.Employees,
		Potential:  l.Potential,
		Referrer:   fold(l.Referrer),
		Message:    fold(l.Message),
		Attributes: attributes,
	}

	// Marshal sorts map keys, so equal content gives equal bytes.
	encoded, _ := json.Marshal(content)
	sum := sha256.Sum256(encoded)
	return hex.EncodeToString(sum[:])
}

// replayConflict returns the 422 body when a repeat shares its
// Idempotency-Key header or source submission id with original but not
// its content, or nil. Keys may only be reused for the same submission,
// as the IETF Idempotency-Key HTTP header draft requires. A repeat found
// by content hash has the same content by definition.
func replayConflict(keys []string, l *lead.Lead, original store.Record) *errorBody {
	if contentHash(l) == contentHash(&original.Lead) {
		return nil
	}

	for _, key := range keys {
		if len(original.IdempotencyKeys) > 0 && !slices.Contains(original.IdempotencyKeys, key) {
			continue
		}
		switch {
		case strings.HasPrefix(key, keyHeader):
			value := strings.TrimPrefix(key, keyHeader)
			return &errorBody{
				Error:    fmt.Sprintf("the Idempotency-Key %q was already used for a different submission (lead %s)", value, original.Lead.ID),
				Accepted: "a key may only be reused for the same submission; send a new Idempotency-Key header with a new lead",
				Fields:   []FieldProblem{{Field: "Idempotency-Key", Problem: "was already used for a submission with different content", Accepted: "a new key for each new submission, such as a UUID"}},
			}
		case strings.HasPrefix(key, keySubmission):
			return &errorBody{
				Error:    fmt.Sprintf("submission id %q was already used for a different submission (lead %s)", l.SourceSubmissionID, original.Lead.ID),
				Accepted: "a submission id may only be reused for the same submission; send a new submission_id with a new lead",
				Fields:   []FieldProblem{{Field: fieldSubmissionID, Problem: "was already used with different content", Accepted: "a new submission id for each new submission"}},
			}
		}
	}
	return nil
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
