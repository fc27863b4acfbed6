package templatecheck

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

const (
	httpAPIType = "AWS::Serverless::HttpApi"
	alarmType   = "AWS::CloudWatch::Alarm"
	topicType   = "AWS::SNS::Topic"
)

// route is one HTTP API route that a function must serve.
type route struct {
	Method, Path string
	// Function is the logical id of the function behind the route.
	Function string
}

// intakeRoutes are the routes the intake function serves: lead posts,
// their CORS preflight, which the handler answers from the plan's
// site.origins, and the default thank-you page.
var intakeRoutes = []route{
	{"POST", "/leads", "IntakeFunction"},
	{"OPTIONS", "/leads", "IntakeFunction"},
	{"GET", "/thanks", "IntakeFunction"},
}

// alarmWant is an alarm the template must have: on metric of namespace,
// for the resource that dimension refers to.
type alarmWant struct {
	Namespace, Metric string
	// Dimension is the dimension's name, Resource the logical id its value
	// must refer to.
	Dimension, Resource string
	// Why is what the alarm catches, for the problem message.
	Why string
}

// requiredAlarms are the alarms the template's stack needs.
var requiredAlarms = []alarmWant{
	{"AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "LeadDeadLetterQueue", "lead messages the sheet writer gave up on"},
	{"AWS/Lambda", "Errors", "FunctionName", "IntakeFunction", "failed intake invocations"},
	{"AWS/ApiGateway", "5xx", "ApiId", "LeadsApi", "5xx responses to forms"},
}

// checkCORS checks that no HTTP API sets CorsConfiguration. With it, API
// Gateway responds to preflight requests itself from the template's list
// of origins, so the plan's site.origins, which the intake function
// checks, are never used.
func checkCORS(tmpl *samTemplate) []string {
	var problems []string
	for id, resource := range tmpl.Resources {
		if resource["Type"] != httpAPIType {
			continue
		}
		if _, ok := asMap(resource["Properties"])["CorsConfiguration"]; ok {
			problems = append(problems, fmt.Sprintf("%s sets CorsConfiguration, so API Gateway answers preflight requests and ignores the plan's site.origins; remove it and route OPTIONS to the intake function", id))
		}
	}
	if cors := lookup(tmpl.Globals, "HttpApi", "CorsConfiguration"); cors != nil {
		problems = append(problems, "Globals.HttpApi sets CorsConfiguration, so API Gateway answers preflight requests and ignores the plan's site.origins; remove it")
	}
	sort.Strings(problems)
	return problems
}

// checkRoutes checks that each wanted route is an HttpApi event of its
// function on an HTTP API of the template, and that no other function
// serves it.
func checkRoutes(tmpl *samTemplate, want []route) []string {
	served := map[string][]string{}
	var problems []string
	for _, id := range functionIDs(tmpl) {
		for name, event := range asMap(functionProperty(tmpl, id, "Events")) {
			if lookup(event, "Type") != "HttpApi" {
				continue
			}
			properties := asMap(lookup(event, "Properties"))
			key := fmt.Sprintf("%v %v", strings.ToUpper(fmt.Sprint(properties["Method"])), properties["Path"])
			served[key] = append(served[key], id)

			refs := references(properties["ApiId"])
			if len(refs) != 1 || tmpl.Resources[refs[0]]["Type"] != httpAPIType {
				problems = append(problems, fmt.Sprintf("%s event %s: ApiId is %v; set !Ref of the template's %s", id, name, properties["ApiId"], httpAPIType))
			}
		}
	}

	for _, r := range want {
		key := r.Method + " " + r.Path
		functions := served[key]
		switch {
		case len(functions) == 0:
			problems = append(problems, fmt.Sprintf("no function serves %s; add an HttpApi event with Method %s and Path %s to %s", key, r.Method, r.Path, r.Function))
		case len(functions) > 1 || functions[0] != r.Function:
			problems = append(problems, fmt.Sprintf("%s is served by %v; route it to %s only", key, functions, r.Function))
		}
	}
	sort.Strings(problems)
	return problems
}

// checkAlarms checks that each wanted alarm exists and that every alarm
// notifies one and the same SNS topic of the template, so one
// subscription receives them all.
func checkAlarms(tmpl *samTemplate, want []alarmWant) []string {
	var problems []string
	topics := map[string][]string{}
	var ids []string
	for id, resource := range tmpl.Resources {
		if resource["Type"] == alarmType {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)

	for _, id := range ids {
		actions := references(lookup(tmpl.Resources[id], "Properties", "AlarmActions"))
		if len(actions) != 1 || tmpl.Resources[actions[0]]["Type"] != topicType {
			problems = append(problems, fmt.Sprintf("alarm %s: AlarmActions refers to %v; set [!Ref <Topic>] with the template's %s", id, actions, topicType))
			continue
		}
		topics[actions[0]] = append(topics[actions[0]], id)
	}
	if len(topics) > 1 {
		problems = append(problems, fmt.Sprintf("alarms notify %d topics %v; send them all to one topic, which AlarmEmail subscribes to", len(topics), topics))
	}

	for _, w := range want {
		if !hasAlarm(tmpl, ids, w) {
			problems = append(problems, fmt.Sprintf("no alarm on %s %s with %s of %s, which catches %s; add an %s", w.Namespace, w.Metric, w.Dimension, w.Resource, w.Why, alarmType))
		}
	}
	return problems
}

func hasAlarm(tmpl *samTemplate, ids []string, w alarmWant) bool {
	for _, id := range ids {
		properties := asMap(tmpl.Resources[id]["Properties"])
		if properties["Namespace"] != w.Namespace || fmt.Sprint(properties["MetricName"]) != w.Metric {
			continue
		}
		for _, dimension := range asList(properties["Dimensions"]) {
			refs := references(lookup(dimension, "Value"))
			if lookup(dimension, "Name") == w.Dimension && len(refs) == 1 && refs[0] == w.Resource {
				return true
			}
		}
	}
	return false
}

func TestTemplateAPI(t *testing.T) {
	tmpl := loadTemplate(t)

	for _, problem := range checkCORS(tmpl) {
		t.Error(problem)
	}
	for _, problem := range checkRoutes(tmpl, intakeRoutes) {
		t.Error(problem)
	}
	if _, ok := tmpl.Parameters["AllowedOrigins"]; ok {
		t.Error("parameter AllowedOrigins is back; the plan's site.origins are the one list of allowed origins")
	}
}

func TestTemplateAlarms(t *testing.T) {
	for _, problem := range checkAlarms(loadTemplate(t), requiredAlarms) {
		t.Error(problem)
	}
}

func TestTemplateLogRetention(t *testing.T) {
	tmpl := loadTemplate(t)

	description := fmt.Sprint(lookup(tmpl.Parameters, "LogRetentionDays", "Description"))
	if strings.Contains(strings.ToLower(description), "pipe") {
		t.Errorf("LogRetentionDays description %q mentions the pipe, which has no log group", description)
	}
	for id, resource := range tmpl.Resources {
		if resource["Type"] != "AWS::Logs::LogGroup" {
			continue
		}
		if refs := references(lookup(resource, "Properties", "RetentionInDays")); len(refs) != 1 || refs[0] != "LogRetentionDays" {
			t.Errorf("log group %s: RetentionInDays refers to %v, want !Ref LogRetentionDays", id, refs)
		}
	}
}

// apiSnippet is a small template with an API, a function behind it and
// its alarms. It passes checkCORS, checkRoutes and checkAlarms with
// snippetRoutes and snippetAlarms, and each case in
// TestAPIChecksRejectBrokenTemplates breaks one thing in it.
const apiSnippet = `
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefaultRouteSettings: {ThrottlingBurstLimit: 20}
  FormFunction:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Post:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Method: POST, Path: /leads}
        Preflight:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Method: OPTIONS, Path: /leads}
  OtherFunction:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Drain:
          Type: ScheduleV2
  Topic:
    Type: AWS::SNS::Topic
  OtherTopic:
    Type: AWS::SNS::Topic
  ErrorsAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions:
        - {Name: FunctionName, Value: !Ref FormFunction}
      AlarmActions: [!Ref Topic]
  ServerErrorsAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/ApiGateway
      MetricName: 5xx
      Dimensions:
        - {Name: ApiId, Value: !Ref Api}
      AlarmActions: [!Ref Topic]
`

var (
	snippetRoutes = []route{
		{"POST", "/leads", "FormFunction"},
		{"OPTIONS", "/leads", "FormFunction"},
	}
	snippetAlarms = []alarmWant{
		{"AWS/Lambda", "Errors", "FunctionName", "FormFunction", "function errors"},
		{"AWS/ApiGateway", "5xx", "ApiId", "Api", "5xx responses"},
	}
)

func runAPIChecks(t *testing.T, text string) []string {
	t.Helper()

	tmpl, err := parseTemplate([]byte(text))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var problems []string
	problems = append(problems, checkCORS(tmpl)...)
	problems = append(problems, checkRoutes(tmpl, snippetRoutes)...)
	problems = append(problems, checkAlarms(tmpl, snippetAlarms)...)
	return problems
}

func TestAPIChecksAcceptValidSnippet(t *testing.T) {
	for _, problem := range runAPIChecks(t, apiSnippet) {
		t.Errorf("unexpected problem: %s", problem)
	}
}

func TestAPIChecksRejectBrokenTemplates(t *testing.T) {
	cases := []struct {
		name     string
		old, new string
		want     string
	}{
		{
			name: "CORS answered by API Gateway",
			old:  "      DefaultRouteSettings:", new: "      CorsConfiguration: {AllowOrigins: ['*']}\n      DefaultRouteSettings:",
			want: "Api sets CorsConfiguration",
		},
		{
			name: "CORS in Globals",
			old:  "Resources:\n", new: "Globals:\n  HttpApi:\n    CorsConfiguration: {AllowOrigins: ['*']}\nResources:\n",
			want: "Globals.HttpApi sets CorsConfiguration",
		},
		{
			name: "preflight route missing",
			old:  "Method: OPTIONS", new: "Method: PUT",
			want: "no function serves OPTIONS /leads",
		},
		{
			name: "route on another path",
			old:  "Method: POST, Path: /leads", new: "Method: POST, Path: /lead",
			want: "no function serves POST /leads",
		},
		{
			name: "route on the wrong function",
			old:  "        Drain:\n          Type: ScheduleV2", new: "        Steal:\n          Type: HttpApi\n          Properties: {ApiId: !Ref Api, Method: post, Path: /leads}",
			want: "POST /leads is served by [FormFunction OtherFunction]",
		},
		{
			name: "route on an API of another stack",
			old:  "Properties: {ApiId: !Ref Api, Method: POST", new: "Properties: {ApiId: abc123, Method: POST",
			want: "FormFunction event Post: ApiId is abc123",
		},
		{
			name: "function errors alarm missing",
			old:  "      MetricName: Errors", new: "      MetricName: Throttles",
			want: "no alarm on AWS/Lambda Errors with FunctionName of FormFunction",
		},
		{
			name: "5xx alarm on another dimension",
			old:  "{Name: ApiId, Value: !Ref Api}", new: "{Name: Stage, Value: !Ref Api}",
			want: "no alarm on AWS/ApiGateway 5xx with ApiId of Api",
		},
		{
			name: "alarm without action",
			old:  "      MetricName: 5xx\n      Dimensions:\n        - {Name: ApiId, Value: !Ref Api}\n      AlarmActions: [!Ref Topic]\n", new: "      MetricName: 5xx\n      Dimensions:\n        - {Name: ApiId, Value: !Ref Api}\n",
			want: "alarm ServerErrorsAlarm: AlarmActions refers to []",
		},
		{
			name: "alarms on two topics",
			old:  "        - {Name: ApiId, Value: !Ref Api}\n      AlarmActions: [!Ref Topic]", new: "        - {Name: ApiId, Value: !Ref Api}\n      AlarmActions: [!Ref OtherTopic]",
			want: "alarms notify 2 topics",
		},
		{
			name: "alarm action that is no topic",
			old:  "        - {Name: ApiId, Value: !Ref Api}\n      AlarmActions: [!Ref Topic]", new: "        - {Name: ApiId, Value: !Ref Api}\n      AlarmActions: [!Ref FormFunction]",
			want: "alarm ServerErrorsAlarm: AlarmActions refers to [FormFunction]",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(apiSnippet, c.old) {
				t.Fatalf("the snippet has no %q to replace", c.old)
			}
			text := strings.Replace(apiSnippet, c.old, c.new, 1)

			problems := runAPIChecks(t, text)

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
