// Package templatecheck holds the tests that check template.yaml, the AWS SAM
// template, against the code it deploys: every function builds, every
// setting a function reads is set, every IAM policy names resources of the
// stack, every schedule runs in the team's time zone, and the table, the
// pipe and the queue match what the store and the sheet writer expect.
//
// The tests read the YAML with go.yaml.in/yaml/v3 instead of a CloudFormation
// library, because github.com/awslabs/goformation drops ScheduleV2 events,
// does not merge Globals and empties !Ref values. The package has no code
// outside its tests.
package templatecheck
