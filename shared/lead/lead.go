// Package lead defines an inbound sales lead as the rest of leadrouter sees it,
// after a form submission has been parsed and before it is routed.
//
// The package holds no storage or sheet encoding: each adapter owns its own.
package lead

import "time"

// Lead is one inbound contact request from a web form, a form tool or a
// replayed export. Every text field is trimmed by the intake parser; empty
// means the submission did not carry the value.
type Lead struct {
	// ID is assigned by leadrouter when the lead is accepted ("L-" and 26
	// characters of a time-ordered identifier) and never changes.
	ID string
	// ReceivedAt is when intake accepted the lead, in UTC.
	ReceivedAt time.Time
	// SourceSubmissionID is the form tool's own id for the submission, used
	// to recognise a repeated delivery.
	SourceSubmissionID string
	// Form names the form or form tool the lead came from.
	Form string

	Email     string
	Phone     string
	FirstName string
	LastName  string
	// Company is the company name as the contact typed it.
	Company string
	// Domain is the company's web domain in lower case without "www.",
	// taken from the website field or, failing that, from a non-free-mail
	// email address.
	Domain string
	// Website is the company URL as submitted.
	Website string

	// Source is the lead source as submitted ("inbound", "Referral",
	// "Google" ...); plan conditions compare it case-insensitively.
	Source   string
	Industry string
	Country  string
	Region   string
	// Employees is the company headcount; 0 means unknown, and a size
	// condition never matches an unknown size.
	Employees int
	// Potential is the deal potential in the plan's currency; 0 means
	// unknown, and a potential condition never matches an unknown value.
	Potential float64
	// Referrer names the referring customer by company name or domain.
	Referrer string
	Message  string

	// Attributes holds submitted fields that have no field of their own,
	// keyed by the field name as submitted.
	Attributes map[string]string
}
