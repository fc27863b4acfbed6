package main

import (
	"strings"
	"testing"

	"github.com/leadrouter/leadrouter/shared/dynamo"
)

var configVars = []string{
	"LEADROUTER_TABLE", "LEADROUTER_PLAN", "LEADROUTER_MAX_BODY_BYTES",
	"LEADROUTER_REVEAL_ROUTING", "LEADROUTER_DYNAMODB_ENDPOINT",
	"LEADROUTER_DYNAMODB_COMMIT",
}

// setEnv sets every configuration variable, empty unless given.
func setEnv(t *testing.T, values map[string]string) {
	t.Helper()
	for _, name := range configVars {
		t.Setenv(name, values[name])
	}
}

func TestLoadConfigDefaults(t *testing.T) {
	setEnv(t, map[string]string{"LEADROUTER_TABLE": "leads", "LEADROUTER_PLAN": "plan.yaml"})

	cfg, err := LoadConfig()
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if cfg.Table != "leads" || cfg.PlanPath != "plan.yaml" {
		t.Errorf("Table %q, PlanPath %q; want leads and plan.yaml", cfg.Table, cfg.PlanPath)
	}
	if cfg.MaxBodyBytes != 64<<10 {
		t.Errorf("MaxBodyBytes = %d, want 65536", cfg.MaxBodyBytes)
	}
	if cfg.RevealRouting {
		t.Errorf("RevealRouting on by default; a public endpoint must not reveal the plan")
	}
	if cfg.Commit != dynamo.Transactional {
		t.Errorf("Commit = %v, want transactional by default", cfg.Commit)
	}
}

func TestLoadConfigReadsEverySetting(t *testing.T) {
	setEnv(t, map[string]string{
		"LEADROUTER_TABLE":             "leads",
		"LEADROUTER_PLAN":              "/var/task/plan.yaml",
		"LEADROUTER_MAX_BODY_BYTES":    "2048",
		"LEADROUTER_REVEAL_ROUTING":    "true",
		"LEADROUTER_DYNAMODB_ENDPOINT": "http://127.0.0.1:8000",
		"LEADROUTER_DYNAMODB_COMMIT":   "sequential",
	})

	cfg, err := LoadConfig()
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if cfg.MaxBodyBytes != 2048 {
		t.Errorf("MaxBodyBytes = %d, want 2048", cfg.MaxBodyBytes)
	}
	if !cfg.RevealRouting {
		t.Errorf("RevealRouting = false, want true")
	}
	if cfg.DynamoDBEndpoint != "http://127.0.0.1:8000" {
		t.Errorf("DynamoDBEndpoint = %q", cfg.DynamoDBEndpoint)
	}
	if cfg.Commit != dynamo.Sequential {
		t.Errorf("Commit = %v, want sequential", cfg.Commit)
	}
}

func TestLoadConfigNamesEveryProblem(t *testing.T) {
	setEnv(t, map[string]string{
		"LEADROUTER_MAX_BODY_BYTES":    "10MB",
		"LEADROUTER_REVEAL_ROUTING":    "sometimes",
		"LEADROUTER_DYNAMODB_ENDPOINT": "https://dynamodb.us-east-1.amazonaws.com",
		"LEADROUTER_DYNAMODB_COMMIT":   "eventually",
	})

	_, err := LoadConfig()
	if err == nil {
		t.Fatal("LoadConfig accepted an empty and invalid environment")
	}
	for _, name := range configVars {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestLoadConfigBodyLimitRange(t *testing.T) {
	for _, value := range []string{"0", "1023", "6291457", "-1"} {
		setEnv(t, map[string]string{"LEADROUTER_TABLE": "t", "LEADROUTER_PLAN": "p", "LEADROUTER_MAX_BODY_BYTES": value})
		if _, err := LoadConfig(); err == nil {
			t.Errorf("LEADROUTER_MAX_BODY_BYTES=%s accepted", value)
		}
	}
}
