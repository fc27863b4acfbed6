package sheet

import "strings"

// Headers of the Leads tab. The writer fills the product-written ones when
// it appends a lead's row; reps fill the rest.
const (
	HeaderReceived      = "Received"
	HeaderFirstName     = "First Name"
	HeaderLastName      = "Last Name"
	HeaderEmail         = "Email"
	HeaderPhone         = "Phone"
	HeaderCompany       = "Company"
	HeaderDomain        = "Domain"
	HeaderSource        = "Source"
	HeaderIndustry      = "Industry"
	HeaderCountry       = "Country"
	HeaderRegion        = "Region"
	HeaderEmployees     = "Employees"
	HeaderPotential     = "Potential"
	HeaderMessage       = "Message"
	HeaderOwner         = "Owner"
	HeaderCoveredBy     = "Covered By"
	HeaderZone          = "Zone"
	HeaderRule          = "Rule"
	HeaderRoutingReason = "Routing Reason"
	HeaderSplit         = "Split"
	HeaderEscalation    = "Escalation"
	// HeaderSubmissionID is the form tool's own id for the submission,
	// which identifies a lead from an export that carries no contact
	// details.
	HeaderSubmissionID = "Submission ID"
	// HeaderDetails holds the submitted fields that have no column of
	// their own, one "key: value" line each.
	HeaderDetails = "Details"

	HeaderStage     = "Stage"
	HeaderDealSize  = "Deal Size"
	HeaderLastTouch = "Last Touch"
	HeaderNotes     = "Notes"
)

// Leads is the Leads tab: one row per routed lead, appended by the outbox
// writer. Owner is written once when the row is appended and reps may
// change it afterwards, as they do when they hand a lead over.
var Leads = Tab{
	Name: TabLeads,
	Headers: []string{
		HeaderLeadID, HeaderReceived, HeaderFirstName, HeaderLastName, HeaderEmail, HeaderPhone,
		HeaderCompany, HeaderDomain, HeaderSource, HeaderIndustry, HeaderCountry, HeaderRegion,
		HeaderEmployees, HeaderPotential, HeaderMessage, HeaderOwner, HeaderCoveredBy, HeaderZone, HeaderRule,
		HeaderRoutingReason, HeaderSplit, HeaderEscalation, HeaderSubmissionID, HeaderDetails,
		HeaderStage, HeaderDealSize, HeaderLastTouch, HeaderNotes,
	},
	RepEdited: []string{HeaderStage, HeaderDealSize, HeaderLastTouch, HeaderNotes},
}

// Research is the Research tab: one row per research note a rep logs on a
// company, so that nobody repeats outreach in a collaborative zone.
var Research = Tab{
	Name:      TabResearch,
	Headers:   []string{"Time", "Company", "Domain", "Rep", "Zone", "Notes", "Links"},
	RepEdited: []string{"Notes", "Links"},
}

// Team is the Team tab: one row per rep. Reps and leadership keep the rows
// up to date; leadrouter maintains only the active-opportunity count.
var Team = Tab{
	Name:      TabTeam,
	Headers:   []string{"Rep", "Name", "Email", "Active Opportunities", "Capacity", "Out Of Office Until", "Backup"},
	RepEdited: []string{"Rep", "Name", "Email", "Capacity", "Out Of Office Until", "Backup"},
}

// TargetAccounts is the Target Accounts tab: the accounts the team wants to
// cover, listed by reps, with the last touch that leadrouter recorded.
var TargetAccounts = Tab{
	Name:      TabTargets,
	Headers:   []string{"Company", "Domain", "Tier", "Last Touch"},
	RepEdited: []string{"Company", "Domain", "Tier"},
}

// Conflicts is the Conflicts tab: one row per ownership conflict, such as a
// touch by a rep on an account another rep already owns. Reps record how
// it was settled under Resolution.
var Conflicts = Tab{
	Name:      TabConflicts,
	Headers:   []string{"Time", "Company", "Domain", "Owner", "Touched By", "Lead ID", "Reason", "Resolution"},
	RepEdited: []string{"Resolution"},
}

// Summary is the Summary tab: one row per weekly figure, written by the
// weekly KPI job and edited by nobody.
var Summary = Tab{
	Name:    TabSummary,
	Headers: []string{"Week", "Metric", "Segment", "Value"},
}

// Layout is every tab of the team's spreadsheet with the headers leadrouter
// needs, in the order the tabs are created.
var Layout = []Tab{Leads, Research, Team, TargetAccounts, Conflicts, Summary}

// LayoutTab returns the tab of Layout named name, matched as sheet tab
// names are: without regard to case.
func LayoutTab(name string) (Tab, bool) {
	for _, tab := range Layout {
		if strings.EqualFold(tab.Name, name) {
			return tab, true
		}
	}
	return Tab{}, false
}

// Edited reports whether reps edit the column under header, so that
// leadrouter must never write to it.
func (t Tab) Edited(header string) bool {
	for _, edited := range t.RepEdited {
		if HeaderMatches(edited, header) {
			return true
		}
	}
	return false
}

// Written returns the headers of the columns leadrouter writes: Headers
// without RepEdited.
func (t Tab) Written() []string {
	written := make([]string, 0, len(t.Headers))
	for _, header := range t.Headers {
		if !t.Edited(header) {
			written = append(written, header)
		}
	}
	return written
}

// HeaderMatches reports whether cell, the text of a header cell in the
// sheet, names header. Surrounding spaces and letter case are ignored,
// because reps retype headers by hand.
func HeaderMatches(cell, header string) bool {
	return strings.EqualFold(strings.TrimSpace(cell), strings.TrimSpace(header))
}
