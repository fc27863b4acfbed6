package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/leadrouter/leadrouter/internal/loopback"
	"github.com/leadrouter/leadrouter/shared/gsheets"
	"github.com/leadrouter/leadrouter/shared/secrets"
)

// Config is every setting of the sheetwriter function, read from the
// environment once at start.
type Config struct {
	// Table is the DynamoDB table that holds the leads and the outbox.
	Table string
	// SpreadsheetID is the id of the team's Google Sheet.
	SpreadsheetID string
	// GoogleCredentials names the secret that holds the Google
	// credentials JSON: secretsmanager:NAME, ssm:/PATH or an ARN.
	GoogleCredentials string
	// PlanPath is the territory plan file in the deployment package. The
	// writer reads only its time_zone, in which the Received column is
	// written, so the sheet shows the same times as the local server.
	PlanPath string
	// SheetsEndpoint, when set, replaces the Sheets API base URL. It
	// accepts only a loopback address and then sends no credentials, so
	// tests can run the built function against a local fake.
	SheetsEndpoint string
	// DynamoDBEndpoint, when set, replaces the DynamoDB endpoint. It
	// accepts only a loopback address, so tests can run the built function
	// against dynalite.
	DynamoDBEndpoint string
}

// LoadConfig reads and checks every variable and names all missing or
// invalid ones in one error.
//
//	LEADROUTER_TABLE               DynamoDB table name (required)
//	LEADROUTER_SPREADSHEET_ID      Google Sheet id or URL (required)
//	LEADROUTER_GOOGLE_CREDENTIALS  secret reference (required unless
//	                               LEADROUTER_SHEETS_ENDPOINT is set)
//	LEADROUTER_PLAN                plan file, relative to the function's
//	                               folder (required)
//	LEADROUTER_SHEETS_ENDPOINT     loopback URL of a fake Sheets API (tests)
//	LEADROUTER_DYNAMODB_ENDPOINT   loopback URL of dynalite (tests)
func LoadConfig() (Config, error) {
	var cfg Config
	var problems []error

	cfg.Table = strings.TrimSpace(os.Getenv("LEADROUTER_TABLE"))
	if cfg.Table == "" {
		problems = append(problems, errors.New("LEADROUTER_TABLE is missing; set it to the DynamoDB table name"))
	}

	sheetID := os.Getenv("LEADROUTER_SPREADSHEET_ID")
	if strings.TrimSpace(sheetID) == "" {
		problems = append(problems, errors.New("LEADROUTER_SPREADSHEET_ID is missing; set it to the sheet's id or URL"))
	} else if id, err := gsheets.ParseSpreadsheetID(sheetID); err != nil {
		problems = append(problems, fmt.Errorf("LEADROUTER_SPREADSHEET_ID is invalid: %w", err))
	} else {
		cfg.SpreadsheetID = id
	}

	cfg.SheetsEndpoint = strings.TrimSpace(os.Getenv("LEADROUTER_SHEETS_ENDPOINT"))
	if err := loopback.CheckEndpoint("LEADROUTER_SHEETS_ENDPOINT", cfg.SheetsEndpoint); err != nil {
		problems = append(problems, err)
	}

	cfg.DynamoDBEndpoint = strings.TrimSpace(os.Getenv("LEADROUTER_DYNAMODB_ENDPOINT"))
	if err := loopback.CheckEndpoint("LEADROUTER_DYNAMODB_ENDPOINT", cfg.DynamoDBEndpoint); err != nil {
		problems = append(problems, err)
	}

	cfg.GoogleCredentials = strings.TrimSpace(os.Getenv("LEADROUTER_GOOGLE_CREDENTIALS"))
	switch {
	case cfg.GoogleCredentials == "" && cfg.SheetsEndpoint == "":
		problems = append(problems, errors.New("LEADROUTER_GOOGLE_CREDENTIALS is missing; set it to secretsmanager:NAME, ssm:/PATH or the secret's ARN"))
	case cfg.GoogleCredentials != "":
		if _, err := secrets.ParseRef(cfg.GoogleCredentials); err != nil {
			problems = append(problems, fmt.Errorf("LEADROUTER_GOOGLE_CREDENTIALS is invalid: %w", err))
		}
	}

	cfg.PlanPath = strings.TrimSpace(os.Getenv("LEADROUTER_PLAN"))
	if cfg.PlanPath == "" {
		problems = append(problems, errors.New("LEADROUTER_PLAN is missing; set it to the plan file in the deployment package, such as plan.yaml"))
	}

	if len(problems) > 0 {
		return Config{}, fmt.Errorf("sheetwriter: invalid configuration: %w", errors.Join(problems...))
	}
	return cfg, nil
}
