package templatecheck

import (
	"strings"
	"testing"
)

// validSnippet is a small template that passes every check; each case in
// TestChecksRejectBrokenTemplates breaks one thing in it.
const validSnippet = `
Transform: AWS::Serverless-2016-10-31
Parameters:
  TeamTimeZone: {Type: String}
Globals:
  Function:
    Runtime: provided.al2023
    Architectures: [arm64]
    Handler: bootstrap
    Environment:
      Variables:
        LEADROUTER_TABLE: !Ref Table
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  WorkerFunction:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: makefile}
    Properties:
      CodeUri: .
      Role: !GetAtt WorkerRole.Arn
      Environment:
        Variables:
          LEADROUTER_TIME_ZONE: !Ref TeamTimeZone
          LEADROUTER_PLAN: plan.yaml
      Events:
        Drain:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(5 minutes)
            ScheduleExpressionTimezone: !Ref TeamTimeZone
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: worker
          PolicyDocument:
            Statement:
              - Sid: Table
                Effect: Allow
                Action: [dynamodb:GetItem]
                Resource: !GetAtt Table.Arn
              - Sid: Index
                Effect: Allow
                Action: dynamodb:Query
                Resource: !Sub ${Table.Arn}/index/outbox
`

// validReads is what the worker's package reads in every case.
var validReads = map[string]map[string]bool{
	"WorkerFunction": {"LEADROUTER_TABLE": true, "LEADROUTER_TIME_ZONE": true, "LEADROUTER_PLAN": true, "LEADROUTER_DYNAMODB_ENDPOINT": true},
}

const validMakefile = "build-WorkerFunction: ## sam build\n" +
	"\tCGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -trimpath -ldflags '-s -w' -o $(ARTIFACTS_DIR)/bootstrap ./functions/worker\n" +
	"\tcp $(PLAN) $(ARTIFACTS_DIR)/plan.yaml\n"

// runChecks runs every check on a template and returns all problems.
func runChecks(t *testing.T, text, makefile string, reads map[string]map[string]bool) []string {
	t.Helper()
	tmpl, err := parseTemplate([]byte(text))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var problems []string
	problems = append(problems, checkRuntime(tmpl)...)
	problems = append(problems, checkReferences(tmpl)...)
	problems = append(problems, checkSchedules(tmpl)...)
	problems = append(problems, checkPolicies(tmpl)...)
	problems = append(problems, checkEnvironment(tmpl, reads)...)
	targets := parseMakefile(makefile)
	_, buildProblems := functionBuilds(tmpl, ".", targets)
	problems = append(problems, buildProblems...)
	problems = append(problems, checkPlanPackaged(tmpl, reads, targets)...)
	return problems
}

func TestChecksAcceptValidSnippet(t *testing.T) {
	for _, problem := range runChecks(t, validSnippet, validMakefile, validReads) {
		t.Errorf("unexpected problem: %s", problem)
	}
}

func TestChecksRejectBrokenTemplates(t *testing.T) {
	cases := []struct {
		name     string
		old, new string
		makefile string
		reads    map[string]map[string]bool
		want     string
	}{
		{
			name: "x86 architecture",
			old:  "Architectures: [arm64]", new: "Architectures: [x86_64]",
			want: "Architectures is [x86_64]",
		},
		{
			name: "go1.x runtime on the function",
			old:  "      CodeUri: .", new: "      CodeUri: .\n      Runtime: go1.x",
			want: "Runtime is go1.x",
		},
		{
			name: "schedule without time zone",
			old:  "            ScheduleExpressionTimezone: !Ref TeamTimeZone\n", new: "",
			want: "WorkerFunction event Drain has no ScheduleExpressionTimezone",
		},
		{
			name: "schedule in a fixed time zone",
			old:  "ScheduleExpressionTimezone: !Ref TeamTimeZone", new: "ScheduleExpressionTimezone: Europe/Berlin",
			want: "set it to !Ref TeamTimeZone",
		},
		{
			name: "EventBridge rule schedule",
			old:  "Type: ScheduleV2", new: "Type: Schedule",
			want: "use ScheduleV2",
		},
		{
			name: "Scheduler resource without time zone",
			old:  "  WorkerRole:\n", new: "  Nightly:\n    Type: AWS::Scheduler::Schedule\n    Properties:\n      ScheduleExpression: cron(0 6 * * ? *)\n  WorkerRole:\n",
			want: "resource Nightly has no ScheduleExpressionTimezone",
		},
		{
			name: "wildcard resource",
			old:  "Resource: !GetAtt Table.Arn", new: `Resource: "*"`,
			want: `statement Table: Resource "*"`,
		},
		{
			name: "literal ARN",
			old:  "Resource: !GetAtt Table.Arn", new: "Resource: arn:aws:dynamodb:eu-west-1:123456789012:table/other",
			want: "is not a reference to this stack",
		},
		{
			name: "resource of another stack by parameter",
			old:  "Resource: !GetAtt Table.Arn", new: "Resource: !Ref TeamTimeZone",
			want: `refers to "TeamTimeZone", which is not a resource of this stack`,
		},
		{
			name: "wildcard action",
			old:  "Action: [dynamodb:GetItem]", new: `Action: ["dynamodb:*"]`,
			want: "action dynamodb:* is not one named action",
		},
		{
			name: "SAM policies on the function",
			old:  "      Role: !GetAtt WorkerRole.Arn\n", new: "      Policies: [AmazonDynamoDBFullAccess]\n",
			want: "Policies is set",
		},
		{
			name: "managed policy on the role",
			old:  "      Policies:\n        - PolicyName: worker", new: "      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]\n      Policies:\n        - PolicyName: worker",
			want: "ManagedPolicyArns",
		},
		{
			name: "missing variable",
			old:  "          LEADROUTER_TIME_ZONE: !Ref TeamTimeZone\n", new: "          LEADROUTER_OTHER: x\n",
			want: "reads LEADROUTER_TIME_ZONE, which the template does not set",
		},
		{
			name: "misspelt variable",
			old:  "LEADROUTER_TIME_ZONE: !Ref", new: "LEADROUTER_TIMEZONE: !Ref",
			want: "sets LEADROUTER_TIMEZONE, which its package never reads",
		},
		{
			name: "test-only variable set",
			old:  "LEADROUTER_TIME_ZONE: !Ref TeamTimeZone", new: "LEADROUTER_TIME_ZONE: !Ref TeamTimeZone\n          LEADROUTER_DYNAMODB_ENDPOINT: http://127.0.0.1:8000",
			want: "sets LEADROUTER_DYNAMODB_ENDPOINT, which only tests set",
		},
		{
			name: "reference to a missing resource",
			old:  "LEADROUTER_TABLE: !Ref Table", new: "LEADROUTER_TABLE: !Ref Tabel",
			want: `refers to "Tabel"`,
		},
		{
			name:     "Makefile without the target",
			makefile: "build-%:\n\tgo build ./functions/$*\n",
			want:     "the Makefile has no target build-WorkerFunction",
		},
		{
			name:     "Makefile recipe for x86",
			makefile: strings.Replace(validMakefile, "GOARCH=arm64", "GOARCH=amd64", 1),
			want:     `lacks "GOARCH=arm64"`,
		},
		{
			name:     "plan not copied by the build",
			makefile: strings.Replace(validMakefile, "\tcp $(PLAN) $(ARTIFACTS_DIR)/plan.yaml\n", "", 1),
			want:     "the recipe of build-WorkerFunction does not copy the plan",
		},
		{
			name: "plan under another name",
			old:  "LEADROUTER_PLAN: plan.yaml", new: "LEADROUTER_PLAN: plans/team.yaml",
			want: "sets LEADROUTER_PLAN to plans/team.yaml; set plan.yaml",
		},
		{
			name: "no build method",
			old:  "    Metadata: {BuildMethod: makefile}\n", new: "",
			want: "Metadata.BuildMethod is <nil>",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := validSnippet
			if c.old != "" {
				if !strings.Contains(text, c.old) {
					t.Fatalf("the snippet has no %q to replace", c.old)
				}
				text = strings.Replace(text, c.old, c.new, 1)
			}
			makefile := validMakefile
			if c.makefile != "" {
				makefile = c.makefile
			}
			reads := validReads
			if c.reads != nil {
				reads = c.reads
			}

			problems := runChecks(t, text, makefile, reads)
			found := false
			for _, problem := range problems {
				if strings.Contains(problem, c.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem contains %q; got %q", c.want, problems)
			}
		})
	}
}

func TestParseShortFormIntrinsics(t *testing.T) {
	tmpl, err := parseTemplate([]byte(`
Resources:
  A:
    Type: X
    Properties:
      Ref: !Ref B
      Att: !GetAtt B.Endpoint.Address
      Sub: !Sub "${B.Arn}/x/${AWS::Region}/${!Literal}"
      SubList: !Sub ["${Local}-${C}", {Local: !Ref D}]
      Join: !Join [",", [!Ref E]]
`))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	properties := asMap(tmpl.Resources["A"]["Properties"])

	cases := []struct {
		key  string
		want string
	}{
		{"Ref", "[B]"},
		{"Att", "[B]"},
		{"Sub", "[B]"},
		{"SubList", "[C D]"},
		{"Join", "[E]"},
	}
	for _, c := range cases {
		if got := strings.Join(references(properties[c.key]), " "); "["+got+"]" != c.want {
			t.Errorf("references(%s) = [%s], want %s", c.key, got, c.want)
		}
	}
	if got := lookup(properties, "Att", "Fn::GetAtt"); len(asList(got)) != 2 || asList(got)[1] != "Endpoint.Address" {
		t.Errorf("!GetAtt B.Endpoint.Address = %v, want [B Endpoint.Address]", got)
	}
}
