package gsheets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/oauth2/google"
	"google.golang.org/api/option"
	"google.golang.org/api/sheets/v4"
)

// NewService builds a Sheets API client from a credentials JSON document,
// limited to the spreadsheets scope. Two kinds are accepted:
//
//   - "service_account": a service-account key, as downloaded from the
//     Google Cloud console and stored in Secrets Manager or SSM.
//   - "external_account": a Workload Identity Federation configuration
//     whose credential_source has an environment_id of "aws1", so the
//     AWS credentials of the Lambda's role are exchanged for a Google
//     token and no key exists anywhere.
//
// Other kinds are rejected, because a credential configuration that
// names a URL, file or program as its source makes the client fetch from
// wherever it points. Extra options (an endpoint, an HTTP client) are
// passed to sheets.NewService after the credentials.
//
// NewService makes no request: a wrong key or a sheet not shared with the
// service account shows up on the first call, as an ErrInvalid error
// (HTTP 401 or 403).
func NewService(ctx context.Context, credentialsJSON []byte, opts ...option.ClientOption) (*sheets.Service, error) {
	kind, err := credentialsKind(credentialsJSON)
	if err != nil {
		return nil, err
	}

	creds, err := google.CredentialsFromJSONWithType(ctx, credentialsJSON, kind, sheets.SpreadsheetsScope)
	if err != nil {
		return nil, fmt.Errorf("gsheets: read %s credentials: %w", kind, err)
	}

	all := append([]option.ClientOption{option.WithTokenSource(creds.TokenSource)}, opts...)
	svc, err := sheets.NewService(ctx, all...)
	if err != nil {
		return nil, fmt.Errorf("gsheets: build the Sheets client: %w", err)
	}
	return svc, nil
}

// credentialsFile holds the fields of a credentials JSON that decide
// whether NewService accepts it.
type credentialsFile struct {
	Type             string `json:"type"`
	ClientEmail      string `json:"client_email"`
	PrivateKey       string `json:"private_key"`
	Audience         string `json:"audience"`
	CredentialSource *struct {
		EnvironmentID string `json:"environment_id"`
		URL           string `json:"url"`
		File          string `json:"file"`
		Executable    any    `json:"executable"`
	} `json:"credential_source"`
}

// credentialsKind checks the document's type and required fields without
// ever putting the key into an error message.
func credentialsKind(data []byte) (google.CredentialsType, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return "", errors.New("gsheets: empty Google credentials; store a service-account key or a Workload Identity Federation configuration (JSON)")
	}

	var file credentialsFile
	if err := json.Unmarshal(data, &file); err != nil {
		return "", fmt.Errorf("gsheets: Google credentials are not valid JSON (%d bytes): %v", len(data), jsonErrorPosition(err))
	}

	switch google.CredentialsType(file.Type) {
	case google.ServiceAccount:
		if file.ClientEmail == "" || file.PrivateKey == "" {
			return "", errors.New("gsheets: service_account credentials lack client_email or private_key; store the whole key file as downloaded")
		}
		return google.ServiceAccount, nil

	case google.ExternalAccount:
		source := file.CredentialSource
		if file.Audience == "" || source == nil {
			return "", errors.New("gsheets: external_account credentials lack audience or credential_source; generate the configuration with `gcloud iam workload-identity-pools create-cred-config ... --aws`")
		}
		if !strings.HasPrefix(source.EnvironmentID, "aws") || source.URL != "" && !strings.HasPrefix(source.URL, "http://169.254.169.254/") || source.File != "" || source.Executable != nil {
			return "", fmt.Errorf("gsheets: external_account credentials must take their source from AWS (credential_source.environment_id \"aws1\"), got environment_id %q; other sources are not accepted", source.EnvironmentID)
		}
		return google.ExternalAccount, nil

	default:
		return "", fmt.Errorf("gsheets: unsupported Google credentials type %q; expected \"service_account\" or \"external_account\"", file.Type)
	}
}

// jsonErrorPosition returns a JSON error without the offending text, which
// could be part of a private key.
func jsonErrorPosition(err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Sprintf("syntax error at byte %d", syntax.Offset)
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("field %q has the wrong type", typeErr.Field)
	}
	return "cannot decode"
}
