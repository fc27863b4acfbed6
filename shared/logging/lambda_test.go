package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

func TestForInvocationFields(t *testing.T) {
	cases := []struct {
		name         string
		lc           *lambdacontext.LambdaContext
		envFunction  string
		wantRequest  string
		wantFunction string
	}{
		{
			name:         "request id and name from ARN",
			lc:           &lambdacontext.LambdaContext{AwsRequestID: "req-1", InvokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:leadrouter-intake"},
			envFunction:  "from-env",
			wantRequest:  "req-1",
			wantFunction: "leadrouter-intake",
		},
		{
			name:         "ARN with alias",
			lc:           &lambdacontext.LambdaContext{AwsRequestID: "req-2", InvokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:intake:live"},
			wantRequest:  "req-2",
			wantFunction: "intake",
		},
		{
			name:         "malformed ARN falls back to environment",
			lc:           &lambdacontext.LambdaContext{AwsRequestID: "req-3", InvokedFunctionArn: "not-an-arn"},
			envFunction:  "from-env",
			wantRequest:  "req-3",
			wantFunction: "from-env",
		},
		{
			name:         "no Lambda context",
			envFunction:  "from-env",
			wantFunction: "from-env",
		},
		{
			name: "no Lambda context and no name",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			saved := lambdacontext.FunctionName
			lambdacontext.FunctionName = c.envFunction
			t.Cleanup(func() { lambdacontext.FunctionName = saved })

			ctx := context.Background()
			if c.lc != nil {
				ctx = lambdacontext.NewContext(ctx, c.lc)
			}
			var out bytes.Buffer
			ctx, logger := ForInvocation(ctx, New(&out, "test"))
			logger.Info().Msg("direct")
			FromContext(ctx).Info().Msg("from context")

			decoder := json.NewDecoder(&out)
			for _, message := range []string{"direct", "from context"} {
				var line map[string]any
				if err := decoder.Decode(&line); err != nil {
					t.Fatalf("decode the %q line: %v", message, err)
				}
				if line["message"] != message {
					t.Errorf("message = %v, want %q", line["message"], message)
				}
				assertField(t, line, "request_id", c.wantRequest)
				assertField(t, line, "function", c.wantFunction)
				if line["service"] != "test" {
					t.Errorf("%q line: service = %v, want the base logger's \"test\"", message, line["service"])
				}
			}
		})
	}
}

// assertField checks that line has key set to want, or has no key when want
// is empty.
func assertField(t *testing.T, line map[string]any, key, want string) {
	t.Helper()
	got, ok := line[key]
	if want == "" {
		if ok {
			t.Errorf("%s = %v, want the field absent", key, got)
		}
		return
	}
	if got != want {
		t.Errorf("%s = %v, want %q", key, got, want)
	}
}

func TestForInvocationKeepsBase(t *testing.T) {
	var out bytes.Buffer
	base := New(&out, "test")
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})

	ForInvocation(ctx, base)
	base.Info().Msg("base")

	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatalf("decode %q: %v", out.String(), err)
	}
	if _, ok := line["request_id"]; ok {
		t.Errorf("base logger gained request_id %v; ForInvocation must not change it", line["request_id"])
	}
}
