package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// setEnv sets every sheetwriter variable, empty unless given.
func setEnv(t *testing.T, values map[string]string) {
	t.Helper()

	for _, name := range []string{
		"LEADROUTER_TABLE", "LEADROUTER_SPREADSHEET_ID", "LEADROUTER_GOOGLE_CREDENTIALS",
		"LEADROUTER_PLAN", "LEADROUTER_SHEETS_ENDPOINT", "LEADROUTER_DYNAMODB_ENDPOINT",
	} {
		t.Setenv(name, values[name])
	}
}

func TestLoadConfigValid(t *testing.T) {
	setEnv(t, map[string]string{
		"LEADROUTER_TABLE":              "leadrouter",
		"LEADROUTER_SPREADSHEET_ID":     "https://docs.google.com/spreadsheets/d/1AbC-d_9/edit#gid=0",
		"LEADROUTER_GOOGLE_CREDENTIALS": "ssm:/leadrouter/google",
		"LEADROUTER_PLAN":               "plan.yaml",
	})

	cfg, err := LoadConfig()
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}

	if cfg.Table != "leadrouter" {
		t.Errorf("Table = %q, want leadrouter", cfg.Table)
	}
	if cfg.SpreadsheetID != "1AbC-d_9" {
		t.Errorf("SpreadsheetID = %q, want the id from the URL", cfg.SpreadsheetID)
	}
	if cfg.PlanPath != "plan.yaml" {
		t.Errorf("PlanPath = %q, want plan.yaml", cfg.PlanPath)
	}
}

func TestLoadConfigRequiresPlan(t *testing.T) {
	setEnv(t, map[string]string{
		"LEADROUTER_TABLE":              "leadrouter",
		"LEADROUTER_SPREADSHEET_ID":     "1AbC",
		"LEADROUTER_GOOGLE_CREDENTIALS": "secretsmanager:google",
		"LEADROUTER_PLAN":               "  ",
	})

	_, err := LoadConfig()

	if err == nil || !strings.Contains(err.Error(), "LEADROUTER_PLAN is missing") {
		t.Errorf("error = %v, want one saying LEADROUTER_PLAN is missing", err)
	}
}

func TestBuildRejectsInvalidPlan(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte("time_zone: Mars/Olympus\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	setEnv(t, map[string]string{
		"LEADROUTER_TABLE":           "leadrouter",
		"LEADROUTER_SPREADSHEET_ID":  "1AbC",
		"LEADROUTER_SHEETS_ENDPOINT": "http://127.0.0.1:9/",
		"LEADROUTER_PLAN":            path,
	})

	_, err := build(context.Background(), zerolog.Nop())

	if err == nil || !strings.Contains(err.Error(), "Mars/Olympus") {
		t.Errorf("build() = %v, want an error naming the invalid time zone", err)
	}
}

func TestLoadConfigNamesEveryProblem(t *testing.T) {
	setEnv(t, map[string]string{})

	_, err := LoadConfig()
	if err == nil {
		t.Fatal("LoadConfig returned no error")
	}

	for _, name := range []string{"LEADROUTER_TABLE", "LEADROUTER_SPREADSHEET_ID", "LEADROUTER_GOOGLE_CREDENTIALS", "LEADROUTER_PLAN"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error = %v, want it to name %s", err, name)
		}
	}
}

func TestLoadConfigInvalidValues(t *testing.T) {
	tests := []struct {
		name     string
		variable string
		value    string
	}{
		{name: "spreadsheet id with spaces", variable: "LEADROUTER_SPREADSHEET_ID", value: "my sheet"},
		{name: "unknown secret store", variable: "LEADROUTER_GOOGLE_CREDENTIALS", value: "vault:google"},
		{name: "remote sheets endpoint", variable: "LEADROUTER_SHEETS_ENDPOINT", value: "https://sheets.example.com/"},
		{name: "https loopback endpoint", variable: "LEADROUTER_SHEETS_ENDPOINT", value: "https://127.0.0.1:8443/"},
		{name: "remote dynamodb endpoint", variable: "LEADROUTER_DYNAMODB_ENDPOINT", value: "http://10.0.0.5:8000"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := map[string]string{
				"LEADROUTER_TABLE":              "leadrouter",
				"LEADROUTER_SPREADSHEET_ID":     "1AbC",
				"LEADROUTER_GOOGLE_CREDENTIALS": "secretsmanager:google",
				"LEADROUTER_PLAN":               "plan.yaml",
			}
			values[tt.variable] = tt.value
			setEnv(t, values)

			_, err := LoadConfig()

			if err == nil || !strings.Contains(err.Error(), tt.variable) {
				t.Errorf("error = %v, want one naming %s", err, tt.variable)
			}
		})
	}
}

func TestLoadConfigLocalEndpointNeedsNoCredentials(t *testing.T) {
	setEnv(t, map[string]string{
		"LEADROUTER_TABLE":           "leadrouter",
		"LEADROUTER_SPREADSHEET_ID":  "1AbC",
		"LEADROUTER_SHEETS_ENDPOINT": "http://127.0.0.1:9000/",
		"LEADROUTER_PLAN":            "plan.yaml",
	})

	cfg, err := LoadConfig()
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}

	if cfg.SheetsEndpoint != "http://127.0.0.1:9000/" {
		t.Errorf("SheetsEndpoint = %q, want the loopback URL", cfg.SheetsEndpoint)
	}
}

func TestLoadConfigLoopbackDynamoDB(t *testing.T) {
	setEnv(t, map[string]string{
		"LEADROUTER_TABLE":              "leadrouter",
		"LEADROUTER_SPREADSHEET_ID":     "1AbC",
		"LEADROUTER_GOOGLE_CREDENTIALS": "secretsmanager:google",
		"LEADROUTER_DYNAMODB_ENDPOINT":  "http://[::1]:8000",
		"LEADROUTER_PLAN":               "plan.yaml",
	})

	cfg, err := LoadConfig()
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}

	if cfg.DynamoDBEndpoint != "http://[::1]:8000" {
		t.Errorf("DynamoDBEndpoint = %q, want http://[::1]:8000", cfg.DynamoDBEndpoint)
	}
}
