package logging

import (
	"context"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/rs/zerolog"
)

// ForInvocation derives a logger from base for one Lambda invocation and
// returns it together with ctx carrying it (read it back with FromContext).
// The logger adds request_id, the invocation's AWS request id, and
// function, the function name taken from the invoked function ARN or, when
// the ARN has none, from AWS_LAMBDA_FUNCTION_NAME. Call it first in every
// handler so each line the invocation logs can be found by its request id.
//
// Outside Lambda, when ctx carries no Lambda context, the logger adds only
// the function name, and only when AWS_LAMBDA_FUNCTION_NAME is set.
func ForInvocation(ctx context.Context, base zerolog.Logger) (context.Context, zerolog.Logger) {
	fields := base.With()

	function := lambdacontext.FunctionName
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		if lc.AwsRequestID != "" {
			fields = fields.Str("request_id", lc.AwsRequestID)
		}
		if name := functionNameFromARN(lc.InvokedFunctionArn); name != "" {
			function = name
		}
	}
	if function != "" {
		fields = fields.Str("function", function)
	}

	logger := fields.Logger()
	return WithContext(ctx, logger), logger
}

// functionNameFromARN returns the function name in a Lambda function ARN
// ("arn:aws:lambda:REGION:ACCOUNT:function:NAME", optionally followed by
// ":VERSION" or ":ALIAS"), or "" when arn has another shape.
func functionNameFromARN(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" {
		return ""
	}
	return parts[6]
}
