package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/leadrouter/leadrouter/internal/loopback"
	"github.com/leadrouter/leadrouter/shared/dynamo"
	"github.com/leadrouter/leadrouter/shared/intake"
)

// Config is every setting of the intake function, read from the
// environment once at start.
type Config struct {
	// Table is the DynamoDB table of leads, keys, owners and counters.
	Table string
	// PlanPath is the territory plan file inside the deployment package.
	PlanPath string
	// MaxBodyBytes limits request bodies; intake.DefaultMaxBodyBytes when
	// unset.
	MaxBodyBytes int
	// RevealRouting adds owner, zone and rule to 202 responses.
	RevealRouting bool
	// DynamoDBEndpoint, when set, replaces the DynamoDB endpoint. It
	// accepts only a loopback address, so tests can run the built function
	// against dynalite.
	DynamoDBEndpoint string
	// Commit is how the store writes a lead: dynamo.Transactional in
	// production, dynamo.Sequential for local servers without
	// TransactWriteItems.
	Commit dynamo.CommitStrategy
}

// LoadConfig reads and checks every variable and names all missing or
// invalid ones in one error.
//
//	LEADROUTER_TABLE              DynamoDB table name (required)
//	LEADROUTER_PLAN               plan file path, relative to the function's
//	                              folder or absolute (required)
//	LEADROUTER_MAX_BODY_BYTES     largest request body in bytes, 1024 to
//	                              6291456; 65536 when unset
//	LEADROUTER_REVEAL_ROUTING     true to add owner, zone and rule to 202
//	                              responses; false when unset
//	LEADROUTER_DYNAMODB_ENDPOINT  loopback URL of a local DynamoDB (tests)
//	LEADROUTER_DYNAMODB_COMMIT    transactional (default) or sequential, for
//	                              a local DynamoDB without transactions
func LoadConfig() (Config, error) {
	var cfg Config
	var problems []error

	cfg.Table = strings.TrimSpace(os.Getenv("LEADROUTER_TABLE"))
	if cfg.Table == "" {
		problems = append(problems, errors.New("LEADROUTER_TABLE is missing; set it to the DynamoDB table name"))
	}

	cfg.PlanPath = strings.TrimSpace(os.Getenv("LEADROUTER_PLAN"))
	if cfg.PlanPath == "" {
		problems = append(problems, errors.New("LEADROUTER_PLAN is missing; set it to the plan file in the deployment package, such as plan.yaml"))
	}

	cfg.MaxBodyBytes = intake.DefaultMaxBodyBytes
	if text := strings.TrimSpace(os.Getenv("LEADROUTER_MAX_BODY_BYTES")); text != "" {
		n, err := strconv.Atoi(text)
		if err != nil || n < 1024 || n > intake.MaxMaxBodyBytes {
			problems = append(problems, fmt.Errorf("LEADROUTER_MAX_BODY_BYTES %q is invalid: expected a whole number of bytes from 1024 to %d", text, intake.MaxMaxBodyBytes))
		} else {
			cfg.MaxBodyBytes = n
		}
	}

	if text := strings.TrimSpace(os.Getenv("LEADROUTER_REVEAL_ROUTING")); text != "" {
		reveal, err := strconv.ParseBool(text)
		if err != nil {
			problems = append(problems, fmt.Errorf("LEADROUTER_REVEAL_ROUTING %q is invalid: expected true or false", text))
		}
		cfg.RevealRouting = reveal
	}

	cfg.DynamoDBEndpoint = strings.TrimSpace(os.Getenv("LEADROUTER_DYNAMODB_ENDPOINT"))
	if err := loopback.CheckEndpoint("LEADROUTER_DYNAMODB_ENDPOINT", cfg.DynamoDBEndpoint); err != nil {
		problems = append(problems, err)
	}

	cfg.Commit = dynamo.Transactional
	switch commit := strings.TrimSpace(os.Getenv("LEADROUTER_DYNAMODB_COMMIT")); commit {
	case "", "transactional":
	case "sequential":
		cfg.Commit = dynamo.Sequential
	default:
		problems = append(problems, fmt.Errorf("LEADROUTER_DYNAMODB_COMMIT %q is invalid: expected transactional or sequential", commit))
	}

	if len(problems) > 0 {
		return Config{}, fmt.Errorf("intake: invalid configuration: %w", errors.Join(problems...))
	}
	return cfg, nil
}
