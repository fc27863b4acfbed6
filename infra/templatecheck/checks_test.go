package templatecheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Each check returns its problems as sentences that name the resource and
// the fix; none means the template passes it.

const (
	functionType = "AWS::Serverless::Function"
	roleType     = "AWS::IAM::Role"
	// teamTimeZone is the parameter every schedule must run in.
	teamTimeZone = "TeamTimeZone"
)

// testOnlyVariables are read by a function but set only by tests, which
// point the built function at servers on 127.0.0.1. Production leaves them
// unset, so the template must not set them either.
var testOnlyVariables = map[string]string{
	"LEADROUTER_DYNAMODB_ENDPOINT": "loopback DynamoDB endpoint for tests of the built functions under the emulator",
	"LEADROUTER_SHEETS_ENDPOINT":   "loopback Sheets API endpoint for tests of the built sheet writer",
}

// wildcardResources lists the policy statements, as "Role/Sid", that may
// use Resource "*" because AWS offers no narrower resource for their
// actions, each with that reason. The template needs none today.
var wildcardResources = map[string]string{}

// functionIDs returns the logical ids of the template's functions, sorted.
func functionIDs(tmpl *samTemplate) []string {
	var ids []string
	for id, resource := range tmpl.Resources {
		if resource["Type"] == functionType {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// functionProperty returns a function's property, or the Globals value
// when the function does not set it.
func functionProperty(tmpl *samTemplate, id, name string) any {
	if value, ok := asMap(tmpl.Resources[id]["Properties"])[name]; ok {
		return value
	}
	return lookup(tmpl.Globals, "Function", name)
}

// functionEnvironment returns the variables a function gets: those of
// Globals merged with its own, as SAM merges maps.
func functionEnvironment(tmpl *samTemplate, id string) map[string]any {
	vars := map[string]any{}
	for name, value := range asMap(lookup(tmpl.Globals, "Function", "Environment", "Variables")) {
		vars[name] = value
	}
	for name, value := range asMap(lookup(tmpl.Resources[id], "Properties", "Environment", "Variables")) {
		vars[name] = value
	}
	return vars
}

// checkRuntime checks that every function runs bootstrap on
// provided.al2023 for arm64, the target of `make build`.
func checkRuntime(tmpl *samTemplate) []string {
	var problems []string
	for _, id := range functionIDs(tmpl) {
		if got := functionProperty(tmpl, id, "Runtime"); got != "provided.al2023" {
			problems = append(problems, fmt.Sprintf("%s: Runtime is %v; set provided.al2023 (in Globals or on the function)", id, got))
		}
		if got := fmt.Sprint(functionProperty(tmpl, id, "Architectures")); got != "[arm64]" {
			problems = append(problems, fmt.Sprintf("%s: Architectures is %s; set [arm64], the architecture make build targets", id, got))
		}
		if got := functionProperty(tmpl, id, "Handler"); got != "bootstrap" {
			problems = append(problems, fmt.Sprintf("%s: Handler is %v; set bootstrap, the executable name of a custom runtime", id, got))
		}
	}
	return problems
}

// checkReferences checks that every Ref, Fn::GetAtt and Fn::Sub variable
// names a parameter or resource of the template.
func checkReferences(tmpl *samTemplate) []string {
	var problems []string
	check := func(where string, v any) {
		for _, name := range references(v) {
			if _, ok := tmpl.Resources[name]; ok {
				continue
			}
			if _, ok := tmpl.Parameters[name]; ok {
				continue
			}
			problems = append(problems, fmt.Sprintf("%s refers to %q, which is neither a parameter nor a resource of the template", where, name))
		}
	}

	for id, resource := range tmpl.Resources {
		check("resource "+id, resource)
	}
	check("Globals", tmpl.Globals)
	for name, output := range tmpl.Outputs {
		check("output "+name, output)
	}
	sort.Strings(problems)
	return problems
}

// checkSchedules checks that every schedule is an EventBridge Scheduler
// schedule in the team's time zone: ScheduleV2 events and
// AWS::Scheduler::Schedule resources with ScheduleExpressionTimezone set to
// the TeamTimeZone parameter. EventBridge rules have no time zone, so
// schedules on them are rejected.
func checkSchedules(tmpl *samTemplate) []string {
	var problems []string
	checkZone := func(where string, properties map[string]any) {
		zone, ok := properties["ScheduleExpressionTimezone"]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s has no ScheduleExpressionTimezone; set it to !Ref %s", where, teamTimeZone))
			return
		}
		if refs := references(zone); len(refs) != 1 || refs[0] != teamTimeZone {
			problems = append(problems, fmt.Sprintf("%s: ScheduleExpressionTimezone is %v; set it to !Ref %s", where, zone, teamTimeZone))
		}
	}

	for id, resource := range tmpl.Resources {
		properties := asMap(resource["Properties"])
		switch resource["Type"] {
		case functionType:
			for name, event := range asMap(properties["Events"]) {
				where := fmt.Sprintf("%s event %s", id, name)
				eventProperties := asMap(lookup(event, "Properties"))
				switch lookup(event, "Type") {
				case "ScheduleV2":
					checkZone(where, eventProperties)
				case "Schedule":
					problems = append(problems, where+" is a Schedule event, an EventBridge rule without a time zone; use ScheduleV2 with ScheduleExpressionTimezone")
				case "CloudWatchEvent", "EventBridgeRule":
					if _, ok := eventProperties["Schedule"]; ok {
						problems = append(problems, where+" schedules an EventBridge rule, which has no time zone; use ScheduleV2")
					}
				}
			}
		case "AWS::Scheduler::Schedule":
			checkZone("resource "+id, properties)
		case "AWS::Events::Rule":
			if _, ok := properties["ScheduleExpression"]; ok {
				problems = append(problems, "resource "+id+" is a scheduled EventBridge rule, which has no time zone; use AWS::Scheduler::Schedule or a ScheduleV2 event")
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// checkPolicies checks least privilege. Every function has a role of its own
// defined in the template (not SAM's generated role, which adds managed
// policies with Resource "*"), and no function lists SAM Policies. In every
// role, each statement names its actions without wildcards and its resources
// with references to resources or parameters of the stack, never "*" unless
// wildcardResources allows it, and never a literal ARN.
func checkPolicies(tmpl *samTemplate) []string {
	var problems []string

	usedBy := map[string]string{}
	for _, id := range functionIDs(tmpl) {
		if policies := functionProperty(tmpl, id, "Policies"); policies != nil {
			problems = append(problems, fmt.Sprintf("%s: Policies is set; give the function its own AWS::IAM::Role with explicit statements instead", id))
		}
		role := functionProperty(tmpl, id, "Role")
		refs := references(role)
		if role == nil || len(refs) != 1 || tmpl.Resources[refs[0]]["Type"] != roleType {
			problems = append(problems, fmt.Sprintf("%s: Role is %v; set it to !GetAtt <Role>.Arn of an AWS::IAM::Role in this template", id, role))
			continue
		}
		if other, ok := usedBy[refs[0]]; ok {
			problems = append(problems, fmt.Sprintf("%s and %s share the role %s; give each function a role of its own", other, id, refs[0]))
		}
		usedBy[refs[0]] = id
	}

	for id, resource := range tmpl.Resources {
		if resource["Type"] != roleType {
			continue
		}
		properties := asMap(resource["Properties"])
		if managed, ok := properties["ManagedPolicyArns"]; ok {
			problems = append(problems, fmt.Sprintf("role %s: ManagedPolicyArns %v grants more than the function uses; write explicit statements", id, managed))
		}
		for _, policy := range asList(properties["Policies"]) {
			name := fmt.Sprint(lookup(policy, "PolicyName"))
			for i, statement := range asList(lookup(policy, "PolicyDocument", "Statement")) {
				where := fmt.Sprintf("role %s policy %s statement %d", id, name, i)
				if sid, ok := lookup(statement, "Sid").(string); ok {
					where = fmt.Sprintf("role %s policy %s statement %s", id, name, sid)
				}
				problems = append(problems, checkStatement(tmpl, id, where, asMap(statement))...)
			}
		}
	}
	sort.Strings(problems)
	return problems
}

func checkStatement(tmpl *samTemplate, role, where string, statement map[string]any) []string {
	var problems []string
	if statement["Effect"] != "Allow" {
		return nil
	}
	if _, ok := statement["NotAction"]; ok {
		problems = append(problems, where+" uses NotAction; list the actions the function calls")
	}
	if _, ok := statement["NotResource"]; ok {
		problems = append(problems, where+" uses NotResource; list the resources")
	}
	for _, action := range asList(statement["Action"]) {
		text, _ := action.(string)
		if text == "" || strings.Contains(text, "*") {
			problems = append(problems, fmt.Sprintf("%s: action %v is not one named action; list each action the function calls", where, action))
		}
	}

	resources := asList(statement["Resource"])
	if len(resources) == 0 {
		problems = append(problems, where+" has no Resource")
	}
	sid, _ := statement["Sid"].(string)
	for _, resource := range resources {
		if resource == "*" {
			if _, ok := wildcardResources[role+"/"+sid]; !ok {
				problems = append(problems, fmt.Sprintf("%s: Resource \"*\"; name a resource of this stack, or list %s/%s in wildcardResources with the reason AWS requires \"*\"", where, role, sid))
			}
			continue
		}
		refs := references(resource)
		if len(refs) == 0 {
			problems = append(problems, fmt.Sprintf("%s: Resource %v is not a reference to this stack; use !Ref, !GetAtt or !Sub with a resource of the template", where, resource))
			continue
		}
		for _, ref := range refs {
			if _, ok := tmpl.Resources[ref]; !ok {
				problems = append(problems, fmt.Sprintf("%s: Resource %v refers to %q, which is not a resource of this stack", where, resource, ref))
			}
		}
	}
	return problems
}

// asList returns v as a list, wrapping a single value; IAM accepts both
// forms for Action and Resource.
func asList(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	}
	return []any{v}
}

// checkEnvironment checks each function's variables against the variables
// its Go package reads, given in reads by logical id. Every variable read
// must be set, in Globals or on the function, unless testOnlyVariables lists
// it, and no test-only variable may be set. Every LEADROUTER_ variable set
// must be read, which catches misspelt names.
func checkEnvironment(tmpl *samTemplate, reads map[string]map[string]bool) []string {
	var problems []string
	for _, id := range functionIDs(tmpl) {
		set := functionEnvironment(tmpl, id)
		read, ok := reads[id]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: the variables its package reads are unknown", id))
			continue
		}

		for name := range read {
			_, isSet := set[name]
			_, testOnly := testOnlyVariables[name]
			switch {
			case testOnly && isSet:
				problems = append(problems, fmt.Sprintf("%s sets %s, which only tests set; remove it from the template", id, name))
			case !testOnly && !isSet:
				problems = append(problems, fmt.Sprintf("%s reads %s, which the template does not set; add it to the function's Environment.Variables or to Globals", id, name))
			}
		}
		for name := range set {
			if strings.HasPrefix(name, "LEADROUTER_") && !read[name] {
				problems = append(problems, fmt.Sprintf("%s sets %s, which its package never reads; remove it or fix its name", id, name))
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// readVariables returns the environment variable names that the non-test Go
// files in dir read with os.Getenv or os.LookupEnv and a string literal.
func readVariables(dir string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}

	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			selector, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := selector.X.(*ast.Ident)
			if !ok || pkg.Name != "os" || (selector.Sel.Name != "Getenv" && selector.Sel.Name != "LookupEnv") {
				return true
			}
			if literal, ok := call.Args[0].(*ast.BasicLit); ok && literal.Kind == token.STRING {
				if name, err := strconv.Unquote(literal.Value); err == nil {
					names[name] = true
				}
			}
			return true
		})
	}
	return names, nil
}

// planFile is the name of the territory plan in a deployment package.
const planFile = "plan.yaml"

// checkPlanPackaged checks each function whose package reads
// LEADROUTER_PLAN: the template must set it to plan.yaml, and the recipe
// of its build-<LogicalId> target must copy the plan to
// $(ARTIFACTS_DIR)/plan.yaml, or the function fails at start. reads gives
// each function's variables by logical id, targets the Makefile's build
// targets.
func checkPlanPackaged(tmpl *samTemplate, reads map[string]map[string]bool, targets map[string]buildTarget) []string {
	var problems []string
	for _, id := range functionIDs(tmpl) {
		if !reads[id]["LEADROUTER_PLAN"] {
			continue
		}

		if value := functionEnvironment(tmpl, id)["LEADROUTER_PLAN"]; value != nil && value != planFile {
			problems = append(problems, fmt.Sprintf("%s sets LEADROUTER_PLAN to %v; set %s, the name the build copies the plan to", id, value, planFile))
		}
		target, ok := targets["build-"+id]
		if !ok {
			continue // functionBuilds reports the missing target.
		}
		if !strings.Contains(target.Recipe, "$(ARTIFACTS_DIR)/"+planFile) {
			problems = append(problems, fmt.Sprintf("%s reads LEADROUTER_PLAN, but the recipe of build-%s does not copy the plan; add `cp $(PLAN) $(ARTIFACTS_DIR)/%s`", id, id, planFile))
		}
	}
	sort.Strings(problems)
	return problems
}

// buildTarget is what the Makefile does for one function under
// `sam build` (BuildMethod: makefile).
type buildTarget struct {
	// Package is the Go package the recipe builds, such as ./functions/intake.
	Package string
	Recipe  string
}

// functionBuilds returns, for each function, the Go package that sam build
// compiles for it, and the problems found on the way. With BuildMethod
// makefile, SAM runs `make build-<LogicalId>` in the CodeUri folder, so the
// Makefile there must have that target and its recipe must build a
// functions/<name> package for provided.al2023 on arm64 into
// $(ARTIFACTS_DIR)/bootstrap. Without a build method, CodeUri is the package.
func functionBuilds(tmpl *samTemplate, root string, makefile map[string]buildTarget) (map[string]string, []string) {
	packages := map[string]string{}
	var problems []string
	for _, id := range functionIDs(tmpl) {
		codeURI, _ := functionProperty(tmpl, id, "CodeUri").(string)
		if codeURI == "" {
			problems = append(problems, fmt.Sprintf("%s: CodeUri is missing or not a folder", id))
			continue
		}
		method := lookup(tmpl.Resources[id], "Metadata", "BuildMethod")
		if method != "makefile" {
			problems = append(problems, fmt.Sprintf("%s: Metadata.BuildMethod is %v; set makefile so sam build uses the Makefile's flags and copies the plan", id, method))
			packages[id] = "./" + filepath.ToSlash(filepath.Clean(codeURI))
			continue
		}
		if filepath.Clean(codeURI) != "." {
			problems = append(problems, fmt.Sprintf("%s: CodeUri is %s; set . so make runs in the repository root, where the Makefile and go.mod are", id, codeURI))
		}

		target, ok := makefile["build-"+id]
		if !ok {
			// Fall back to the naming convention (IntakeFunction ->
			// functions/intake) so the other checks still run.
			packages[id] = "./functions/" + strings.ToLower(strings.TrimSuffix(id, "Function"))
			problems = append(problems, fmt.Sprintf("%s: the Makefile has no target build-%s, which sam build runs; add it (infra/README.md has the lines)", id, id))
			continue
		}
		packages[id] = target.Package
		for _, want := range []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0", "-tags lambda.norpc", "$(ARTIFACTS_DIR)/bootstrap"} {
			if !strings.Contains(target.Recipe, want) {
				problems = append(problems, fmt.Sprintf("%s: the recipe of build-%s lacks %q", id, id, want))
			}
		}
		if target.Package == "" {
			problems = append(problems, fmt.Sprintf("%s: the recipe of build-%s builds no ./functions/<name> package", id, id))
		}
	}
	return packages, problems
}

// makeTarget matches a rule line "build-Name: ..." and recipeFunction the
// function package a recipe builds.
var (
	makeTarget     = regexp.MustCompile(`^(build-[A-Za-z0-9]+)\s*:`)
	recipeFunction = regexp.MustCompile(`\./functions/[a-z0-9]+`)
)

// parseMakefile returns the explicit build-<Name> targets of a Makefile with
// their recipes. Pattern rules (build-%) are left out, because SAM needs a
// target per logical id and a pattern rule would build ./functions/<LogicalId>.
func parseMakefile(text string) map[string]buildTarget {
	targets := map[string]buildTarget{}
	var current string
	var recipe strings.Builder
	flush := func() {
		if current != "" {
			text := recipe.String()
			targets[current] = buildTarget{Package: recipeFunction.FindString(text), Recipe: text}
		}
		current = ""
		recipe.Reset()
	}

	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "\t") {
			if current != "" {
				recipe.WriteString(strings.TrimSpace(line) + "\n")
			}
			continue
		}
		if match := makeTarget.FindStringSubmatch(line); match != nil {
			flush()
			current = match[1]
			continue
		}
		if strings.TrimSpace(line) != "" && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			flush()
		}
	}
	flush()
	return targets
}

// readMakefile reads and parses the Makefile in root.
func readMakefile(root string) (map[string]buildTarget, error) {
	text, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		return nil, err
	}
	return parseMakefile(string(text)), nil
}
