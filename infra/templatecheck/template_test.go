package templatecheck

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestTemplateRuntime(t *testing.T) {
	tmpl := loadTemplate(t)
	if ids := functionIDs(tmpl); len(ids) < 2 {
		t.Fatalf("template has functions %v, want at least the intake and the sheet writer", ids)
	}
	for _, problem := range checkRuntime(tmpl) {
		t.Error(problem)
	}
}

func TestTemplateReferences(t *testing.T) {
	for _, problem := range checkReferences(loadTemplate(t)) {
		t.Error(problem)
	}
}

func TestTemplateSchedules(t *testing.T) {
	tmpl := loadTemplate(t)
	for _, problem := range checkSchedules(tmpl) {
		t.Error(problem)
	}

	// The sheet writer's safety-net drain is the one schedule today; the
	// check must have seen it.
	event := lookup(tmpl.Resources["SheetWriterFunction"], "Properties", "Events", "DrainOutbox", "Type")
	if event != "ScheduleV2" {
		t.Errorf("SheetWriterFunction event DrainOutbox has type %v, want ScheduleV2", event)
	}
}

func TestTemplatePolicies(t *testing.T) {
	for _, problem := range checkPolicies(loadTemplate(t)) {
		t.Error(problem)
	}
}

func TestTemplateEnvironment(t *testing.T) {
	tmpl := loadTemplate(t)
	root := repoRoot(t)
	makefile, err := readMakefile(root)
	if err != nil {
		t.Fatalf("read the Makefile: %v", err)
	}
	packages, _ := functionBuilds(tmpl, root, makefile)

	reads := functionReads(t, root, packages)
	for _, problem := range checkEnvironment(tmpl, reads) {
		t.Error(problem)
	}
	for _, problem := range checkPlanPackaged(tmpl, reads, makefile) {
		t.Error(problem)
	}
	for _, id := range []string{"IntakeFunction", "SheetWriterFunction"} {
		if !reads[id]["LEADROUTER_PLAN"] {
			t.Errorf("%s does not read LEADROUTER_PLAN; both functions take the plan from their package", id)
		}
	}
}

// functionReads returns the variables each function's package reads, by
// logical id, from packages as functionBuilds returns them.
func functionReads(t *testing.T, root string, packages map[string]string) map[string]map[string]bool {
	t.Helper()

	reads := map[string]map[string]bool{}
	for id, pkg := range packages {
		vars, err := readVariables(filepath.Join(root, filepath.FromSlash(pkg)))
		if err != nil {
			t.Fatalf("%s: read the variables of %s: %v", id, pkg, err)
		}
		if len(vars) == 0 {
			t.Errorf("%s: package %s reads no environment variable; is it the right package?", id, pkg)
		}
		reads[id] = vars
	}
	return reads
}

func TestTemplateFunctionsBuild(t *testing.T) {
	tmpl := loadTemplate(t)
	root := repoRoot(t)
	makefile, err := readMakefile(root)
	if err != nil {
		t.Fatalf("read the Makefile: %v", err)
	}
	packages, problems := functionBuilds(tmpl, root, makefile)
	for _, problem := range problems {
		t.Error(problem)
	}

	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not found on PATH: %v", err)
	}
	ids := make([]string, 0, len(packages))
	for id := range packages {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		pkg := packages[id]
		t.Run(id, func(t *testing.T) {
			// The same flags as the Makefile's Lambda build.
			cmd := exec.Command(goTool, "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w",
				"-o", filepath.Join(t.TempDir(), "bootstrap"), pkg)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64")
			if output, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("go build %s for linux/arm64: %v\n%s", pkg, err, output)
			}
		})
	}
}

func TestTemplateOutputs(t *testing.T) {
	tmpl := loadTemplate(t)
	for _, name := range []string{"ApiUrl", "TableName", "QueueUrl", "DlqUrl"} {
		if _, ok := tmpl.Outputs[name]; !ok {
			t.Errorf("output %s is missing", name)
		}
	}
	url, _ := lookup(tmpl.Outputs, "ApiUrl", "Value", "Fn::Sub").(string)
	if !strings.HasSuffix(url, "/leads") {
		t.Errorf("ApiUrl is %q, want the URL of the /leads route", url)
	}
}

func TestTemplateQueues(t *testing.T) {
	tmpl := loadTemplate(t)
	queue := asMap(lookup(tmpl.Resources["LeadQueue"], "Properties"))
	writerTimeout := functionProperty(tmpl, "SheetWriterFunction", "Timeout")

	visibility, _ := queue["VisibilityTimeout"].(int)
	timeout, _ := writerTimeout.(int)
	if timeout == 0 || visibility < timeout {
		t.Errorf("LeadQueue VisibilityTimeout %v is below the sheet writer's Timeout %v; Lambda rejects such an event source", queue["VisibilityTimeout"], writerTimeout)
	}
	if refs := references(lookup(queue, "RedrivePolicy", "deadLetterTargetArn")); len(refs) != 1 || refs[0] != "LeadDeadLetterQueue" {
		t.Errorf("LeadQueue dead-letter target refers to %v, want LeadDeadLetterQueue", refs)
	}

	event := asMap(lookup(tmpl.Resources["SheetWriterFunction"], "Properties", "Events", "LeadMessages", "Properties"))
	if got := asList(event["FunctionResponseTypes"]); len(got) != 1 || got[0] != "ReportBatchItemFailures" {
		t.Errorf("sheet writer SQS event FunctionResponseTypes = %v, want [ReportBatchItemFailures]", got)
	}

	alarm := asMap(lookup(tmpl.Resources["DeadLetterAlarm"], "Properties"))
	if alarm["MetricName"] != "ApproximateNumberOfMessagesVisible" {
		t.Errorf("DeadLetterAlarm metric = %v, want ApproximateNumberOfMessagesVisible", alarm["MetricName"])
	}
	if refs := references(alarm["Dimensions"]); len(refs) != 1 || refs[0] != "LeadDeadLetterQueue" {
		t.Errorf("DeadLetterAlarm watches %v, want LeadDeadLetterQueue", refs)
	}
}

func TestTemplatePipeFilter(t *testing.T) {
	tmpl := loadTemplate(t)
	pipe := asMap(lookup(tmpl.Resources["LeadPipe"], "Properties"))
	filters := asList(lookup(pipe, "SourceParameters", "FilterCriteria", "Filters"))
	if len(filters) != 1 {
		t.Fatalf("LeadPipe has %d filters, want 1", len(filters))
	}
	var pattern map[string]any
	if err := json.Unmarshal([]byte(lookup(filters[0], "Pattern").(string)), &pattern); err != nil {
		t.Fatalf("LeadPipe filter pattern is not JSON: %v", err)
	}
	if got := lookup(pattern, "eventName"); len(asList(got)) != 1 || asList(got)[0] != "INSERT" {
		t.Errorf("filter eventName = %v, want [INSERT]: a lead's row is written once, when the lead is stored", got)
	}

	template, _ := lookup(pipe, "TargetParameters", "InputTemplate").(string)
	rendered := strings.ReplaceAll(template, "<$.dynamodb.NewImage.id.S>", "L-01TEST")
	var message map[string]any
	if err := json.Unmarshal([]byte(rendered), &message); err != nil {
		t.Fatalf("InputTemplate %q does not render to JSON: %v", template, err)
	}
	if len(message) != 1 || message["lead_id"] != "L-01TEST" {
		t.Errorf("InputTemplate renders %s, want exactly {\"lead_id\":\"L-01TEST\"}", rendered)
	}
}

// TestReadmeMakeTargets checks the Makefile targets that infra/README.md
// documents for sam build, so the lines a reader copies pass the same
// checks as the Makefile.
func TestReadmeMakeTargets(t *testing.T) {
	root := repoRoot(t)
	text, err := os.ReadFile(filepath.Join(root, "infra", "README.md"))
	if err != nil {
		t.Fatalf("read infra/README.md: %v", err)
	}
	_, block, found := strings.Cut(string(text), "```make\n")
	block, _, closed := strings.Cut(block, "```")
	if !found || !closed {
		t.Fatalf("infra/README.md has no ```make block")
	}

	targets := parseMakefile(block)
	if len(targets) == 0 {
		t.Fatalf("the make block of infra/README.md has no build- target:\n%s", block)
	}
	tmpl := loadTemplate(t)
	packages, problems := functionBuilds(tmpl, root, targets)
	problems = append(problems, checkPlanPackaged(tmpl, functionReads(t, root, packages), targets)...)
	for _, problem := range problems {
		t.Error(problem)
	}
}
