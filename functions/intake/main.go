// Command intake is the Lambda function behind POST /leads of the HTTP
// API: it validates a lead submission, routes it with the territory plan
// and stores the lead, its decision and its capacity reservation in
// DynamoDB before it responds. The sheetwriter function writes the sheet
// row later. config.go lists the environment variables.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/rs/zerolog"

	"github.com/leadrouter/leadrouter/shared/dynamo"
	"github.com/leadrouter/leadrouter/shared/intake"
	"github.com/leadrouter/leadrouter/shared/logging"
	"github.com/leadrouter/leadrouter/shared/plan"
	"github.com/leadrouter/leadrouter/shared/routing"
)

func main() {
	logger := logging.New(os.Stdout, "intake")

	handler, err := build(context.Background(), logger)
	if err != nil {
		logger.Error().Err(err).Msg("intake failed to start")
		os.Exit(1)
	}

	lambda.Start(func(ctx context.Context, event events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		ctx, _ = logging.ForInvocation(ctx, logger)
		return handler.Handle(ctx, event)
	})
}

// build reads the configuration, the plan and every client before the
// first invocation.
func build(ctx context.Context, logger zerolog.Logger) (*intake.Handler, error) {
	cfg, err := LoadConfig()
	if err != nil {
		return nil, err
	}

	p, err := plan.Load(cfg.PlanPath)
	if err != nil {
		return nil, fmt.Errorf("intake: %w", err)
	}
	engine, err := routing.New(p)
	if err != nil {
		return nil, fmt.Errorf("intake: routing plan %s: %w", cfg.PlanPath, err)
	}

	awsConfig, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("intake: load the AWS configuration: %w", err)
	}
	client := dynamodb.NewFromConfig(awsConfig, func(o *dynamodb.Options) {
		if cfg.DynamoDBEndpoint != "" {
			o.BaseEndpoint = aws.String(cfg.DynamoDBEndpoint)
		}
	})

	handler, err := intake.New(intake.Deps{
		Router:        engine,
		Store:         dynamo.New(client, cfg.Table, dynamo.WithCommitStrategy(cfg.Commit)),
		Plan:          p,
		RevealRouting: cfg.RevealRouting,
		MaxBodyBytes:  cfg.MaxBodyBytes,
	})
	if err != nil {
		return nil, err
	}

	logger.Info().Str("table", cfg.Table).Str("plan", cfg.PlanPath).Int("reps", len(p.Reps)).Stringer("commit", cfg.Commit).Msg("intake ready")
	return handler, nil
}
