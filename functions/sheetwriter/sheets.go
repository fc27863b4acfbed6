package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"

	"github.com/leadrouter/leadrouter/shared/gsheets"
	"github.com/leadrouter/leadrouter/shared/secrets"
)

// sheetsService builds the Sheets client: against the loopback endpoint of
// a test without credentials, or with the credentials the secret holds.
func sheetsService(ctx context.Context, cfg Config, awsConfig aws.Config) (*sheets.Service, error) {
	if cfg.SheetsEndpoint != "" {
		svc, err := sheets.NewService(ctx, option.WithEndpoint(cfg.SheetsEndpoint), option.WithoutAuthentication())
		if err != nil {
			return nil, fmt.Errorf("sheetwriter: build the Sheets client for %s: %w", cfg.SheetsEndpoint, err)
		}
		return svc, nil
	}

	credentials, err := secrets.Load(ctx, cfg.GoogleCredentials,
		secretsmanager.NewFromConfig(awsConfig), ssm.NewFromConfig(awsConfig))
	if err != nil {
		return nil, fmt.Errorf("sheetwriter: read the Google credentials: %w", err)
	}
	return gsheets.NewService(ctx, credentials)
}
