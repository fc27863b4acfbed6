// Package secrets reads one secret, such as the Google credentials of the
// sheet writer, from AWS Secrets Manager or from an SSM Parameter Store
// SecureString, named by a reference string.
//
// References take four forms:
//
//	arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX
//	secretsmanager:NAME
//	arn:aws:ssm:REGION:ACCOUNT:parameter/PATH
//	ssm:/PATH
//
// The package returns the secret's bytes and never puts them in an error.
package secrets

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"
)

// Error kinds, matched with errors.Is.
var (
	// ErrInvalid: the reference is malformed, or names a service for
	// which no client was given.
	ErrInvalid = errors.New("invalid secret reference")
	// ErrNotFound: the secret or parameter does not exist, or holds no
	// value.
	ErrNotFound = errors.New("secret not found")
	// ErrDenied: the caller's role may not read or decrypt the secret.
	ErrDenied = errors.New("access denied")
)

// SecretsManagerAPI is the one Secrets Manager call Load makes;
// *secretsmanager.Client satisfies it.
type SecretsManagerAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// SSMAPI is the one Parameter Store call Load makes; *ssm.Client
// satisfies it.
type SSMAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// Service names where a secret is kept.
type Service string

// Services Load reads from.
const (
	SecretsManager Service = "secretsmanager"
	SSM            Service = "ssm"
)

// Ref is a parsed secret reference.
type Ref struct {
	Service Service
	// ID is the secret's name or ARN for Secrets Manager, and the
	// parameter's path or ARN for SSM.
	ID string
}

// String returns the reference in the form ParseRef reads.
func (r Ref) String() string {
	if strings.HasPrefix(r.ID, "arn:") {
		return r.ID
	}
	return string(r.Service) + ":" + r.ID
}

// ParseRef parses a secret reference in one of the four forms the package
// documents.
func ParseRef(text string) (Ref, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Ref{}, fmt.Errorf("secrets: %w: empty reference; use secretsmanager:NAME, ssm:/PATH or an ARN", ErrInvalid)
	}

	if strings.HasPrefix(text, "arn:") {
		return parseARN(text)
	}

	service, id, _ := strings.Cut(text, ":")
	switch Service(service) {
	case SecretsManager:
		if strings.TrimSpace(id) == "" {
			return Ref{}, fmt.Errorf("secrets: %w: reference %q has no secret name after \"secretsmanager:\"", ErrInvalid, text)
		}
		return Ref{Service: SecretsManager, ID: id}, nil

	case SSM:
		if !strings.HasPrefix(id, "/") || len(id) < 2 {
			return Ref{}, fmt.Errorf("secrets: %w: reference %q needs a parameter path starting with \"/\" after \"ssm:\", such as ssm:/leadrouter/google-credentials", ErrInvalid, text)
		}
		return Ref{Service: SSM, ID: id}, nil
	}

	return Ref{}, fmt.Errorf("secrets: %w: reference %q names no known service; use secretsmanager:NAME, ssm:/PATH or an ARN", ErrInvalid, text)
}

// parseARN checks an ARN of the form
// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
func parseARN(text string) (Ref, error) {
	parts := strings.SplitN(text, ":", 6)
	if len(parts) != 6 || parts[1] == "" || parts[3] == "" || parts[4] == "" {
		return Ref{}, fmt.Errorf("secrets: %w: %q is not an ARN of the form arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE", ErrInvalid, text)
	}

	service, resource := parts[2], parts[5]
	switch {
	case service == string(SecretsManager) && strings.HasPrefix(resource, "secret:") && len(resource) > len("secret:"):
		return Ref{Service: SecretsManager, ID: text}, nil
	case service == string(SSM) && strings.HasPrefix(resource, "parameter/") && len(resource) > len("parameter/"):
		return Ref{Service: SSM, ID: text}, nil
	}
	return Ref{}, fmt.Errorf("secrets: %w: ARN %q is neither a Secrets Manager secret (…:secret:NAME) nor an SSM parameter (…:parameter/PATH)", ErrInvalid, text)
}

// Load reads the secret that ref names: the current version's SecretString
// (or SecretBinary) from Secrets Manager through sm, or the parameter's
// value, decrypted, from SSM through ps. Only the client for the
// reference's service is needed; the other may be nil.
func Load(ctx context.Context, ref string, sm SecretsManagerAPI, ps SSMAPI) ([]byte, error) {
	parsed, err := ParseRef(ref)
	if err != nil {
		return nil, err
	}

	switch parsed.Service {
	case SecretsManager:
		return loadSecret(ctx, parsed, sm)
	default:
		return loadParameter(ctx, parsed, ps)
	}
}

func loadSecret(ctx context.Context, ref Ref, sm SecretsManagerAPI) ([]byte, error) {
	if sm == nil {
		return nil, fmt.Errorf("secrets: read %s: %w: no Secrets Manager client", ref, ErrInvalid)
	}

	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(ref.ID)})
	if err != nil {
		return nil, wrapError(ref, err)
	}

	switch {
	case out.SecretString != nil && *out.SecretString != "":
		return []byte(*out.SecretString), nil
	case len(out.SecretBinary) > 0:
		return out.SecretBinary, nil
	}
	return nil, fmt.Errorf("secrets: read %s: %w: the secret's current version is empty; put the value with `aws secretsmanager put-secret-value`", ref, ErrNotFound)
}

func loadParameter(ctx context.Context, ref Ref, ps SSMAPI) ([]byte, error) {
	if ps == nil {
		return nil, fmt.Errorf("secrets: read %s: %w: no SSM client", ref, ErrInvalid)
	}

	out, err := ps.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(ref.ID), WithDecryption: aws.Bool(true)})
	if err != nil {
		return nil, wrapError(ref, err)
	}

	if out.Parameter == nil || out.Parameter.Value == nil || *out.Parameter.Value == "" {
		return nil, fmt.Errorf("secrets: read %s: %w: the parameter has no value", ref, ErrNotFound)
	}
	return []byte(*out.Parameter.Value), nil
}

// wrapError maps the services' error codes to the package's kinds.
func wrapError(ref Ref, err error) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "ResourceNotFoundException", "ParameterNotFound", "ParameterVersionNotFound":
			return fmt.Errorf("secrets: read %s: %w: %w", ref, ErrNotFound, err)
		case "AccessDeniedException", "AccessDenied", "KMSAccessDeniedException", "DecryptionFailure", "UnrecognizedClientException":
			return fmt.Errorf("secrets: read %s: %w; grant the function's role read (and kms:Decrypt) on it: %w", ref, ErrDenied, err)
		case "ValidationException", "InvalidParameterException", "InvalidRequestException":
			return fmt.Errorf("secrets: read %s: %w: %w", ref, ErrInvalid, err)
		}
	}
	return fmt.Errorf("secrets: read %s: %w", ref, err)
}
