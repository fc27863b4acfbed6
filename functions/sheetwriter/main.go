// Command sheetwriter is the Lambda function that writes routed leads to
// the team's Google Sheet. An SQS queue fed by an EventBridge Pipe from
// the table's stream delivers one {"lead_id": "..."} message per stored
// lead; an EventBridge Scheduler schedule invokes it every few minutes to
// drain leads whose message was lost. Each row is written once: before
// every append the writer reads the sheet's Lead ID column.
//
// The function must run with a reserved concurrency of one, and its SQS
// event source must report batch item failures. It reads the team's time
// zone from the plan.yaml in its deployment package. config.go lists the
// environment variables.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/rs/zerolog"

	"github.com/leadrouter/leadrouter/shared/dynamo"
	"github.com/leadrouter/leadrouter/shared/gsheets"
	"github.com/leadrouter/leadrouter/shared/logging"
	"github.com/leadrouter/leadrouter/shared/plan"
	"github.com/leadrouter/leadrouter/shared/sheet"
)

func main() {
	logger := logging.New(os.Stdout, "sheetwriter")

	handler, err := build(context.Background(), logger)
	if err != nil {
		logger.Error().Err(err).Msg("sheetwriter failed to start")
		os.Exit(1)
	}

	lambda.Start(handler.Handle)
}

// build reads the configuration and builds every client before the first
// invocation.
func build(ctx context.Context, logger zerolog.Logger) (*Handler, error) {
	cfg, err := LoadConfig()
	if err != nil {
		return nil, err
	}

	// The plan's time zone is the one the local server writes Received
	// in, so both show a lead at the same time.
	p, err := plan.Load(cfg.PlanPath)
	if err != nil {
		return nil, fmt.Errorf("sheetwriter: %w", err)
	}
	location := p.Location()

	awsConfig, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("sheetwriter: load the AWS configuration: %w", err)
	}
	client := dynamodb.NewFromConfig(awsConfig, func(o *dynamodb.Options) {
		if cfg.DynamoDBEndpoint != "" {
			o.BaseEndpoint = aws.String(cfg.DynamoDBEndpoint)
		}
	})
	st := dynamo.New(client, cfg.Table)

	svc, err := sheetsService(ctx, cfg, awsConfig.Copy())
	if err != nil {
		return nil, err
	}
	book, err := gsheets.New(svc, cfg.SpreadsheetID)
	if err != nil {
		return nil, err
	}

	retries := newRetryLogger(logger)
	writer := sheet.NewWriter(st, book, sheet.Options{Location: location, OnRetry: retries.Log})

	logger.Info().Str("table", cfg.Table).Str("spreadsheet_id", cfg.SpreadsheetID).Str("plan", cfg.PlanPath).Str("time_zone", location.String()).Msg("sheetwriter ready")
	return NewHandler(st, writer, logger, retries)
}
