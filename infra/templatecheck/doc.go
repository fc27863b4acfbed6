// Package templatecheck holds the tests that check template.yaml, the AWS SAM
// template, against the code it deploys. Every function must build and get
// every setting it reads. Every IAM policy must name resources of the stack,
// and every schedule must run in the team's time zone. The API must leave
// CORS to the intake function, which checks the plan's site.origins, and
// route its paths there. The queue, the alarms and the pipe must match
// what the functions expect.
//
// The tests read the YAML with go.yaml.in/yaml/v3 instead of a CloudFormation
// library, because github.com/awslabs/goformation drops ScheduleV2 events,
// does not merge Globals and empties !Ref values. The package has no code
// outside its tests.
package templatecheck
