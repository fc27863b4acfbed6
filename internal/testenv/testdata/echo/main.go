// Command echo is a minimal Lambda function for testing the emulator
// harness: it returns the event it received with the invocation's request
// id and a few settings from its environment, logs one line through
// logging.ForInvocation, and returns an error when the event sets "fail".
package main

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/leadrouter/leadrouter/shared/logging"
)

type request struct {
	Message string `json:"message"`
	Fail    bool   `json:"fail"`
}

type response struct {
	Message          string `json:"message"`
	RequestID        string `json:"request_id"`
	Greeting         string `json:"greeting"`
	MetadataDisabled string `json:"metadata_disabled"`
	AccessKeyID      string `json:"access_key_id"`
}

func main() {
	base := logging.New(os.Stdout, "echo")
	lambda.Start(func(ctx context.Context, req request) (response, error) {
		ctx, logger := logging.ForInvocation(ctx, base)
		logger.Info().Str("message_text", req.Message).Msg("echo")

		if req.Fail {
			return response{}, errors.New("echo: failure requested by the event")
		}

		requestID := ""
		if lc, ok := lambdacontext.FromContext(ctx); ok {
			requestID = lc.AwsRequestID
		}
		return response{
			Message:          req.Message,
			RequestID:        requestID,
			Greeting:         os.Getenv("ECHO_GREETING"),
			MetadataDisabled: os.Getenv("AWS_EC2_METADATA_DISABLED"),
			AccessKeyID:      os.Getenv("AWS_ACCESS_KEY_ID"),
		}, nil
	})
}
