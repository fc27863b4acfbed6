package dynamo

import (
	"errors"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"net/http"
	"time"

	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// tableActiveTimeout bounds the wait for a new table to become ACTIVE. An
// on-demand table with one index usually takes seconds on DynamoDB.
const tableActiveTimeout = 5 * time.Minute

// CreateTable creates table with the layout Store expects: partition key
// "pk", the sparse "outbox" index, on-demand billing, a stream of new
// images and time to live on "expires_at". It waits until the table is
// ACTIVE.
//
// The stream and time to live are conveniences that no guarantee of Store
// rests on. A backend that lacks them, such as dynalite 4, gets the table
// without them and no error.
func CreateTable(ctx context.Context, client *dynamodb.Client, table string) error {
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(table),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(attrPK), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String(attrOutbox), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String(attrOutboxOrder), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(attrPK), KeyType: types.KeyTypeHash},
		},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName: aws.String(outboxIndex),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(attrOutbox), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(attrOutboxOrder), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
		StreamSpecification: &types.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: types.StreamViewTypeNewImage,
		},
	}

	_, err := client.CreateTable(ctx, in)
	if isUnsupported(err) {
		in.StreamSpecification = nil
		_, err = client.CreateTable(ctx, in)
	}
	if err != nil {
		return mapError("create table", table, err, nil)
	}

	if err := waitActive(ctx, client, table); err != nil {
		return err
	}

	_, err = client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(table),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(attrExpiresAt),
			Enabled:       aws.Bool(true),
		},
	})
	if err != nil && !isUnsupported(err) {
		return mapError("enable time to live on", table, err, nil)
	}
	return nil
}

// waitActive polls DescribeTable until the table and its indexes are
// ACTIVE. A status that is absent counts as ACTIVE, because minidyn 0.8.2
// creates tables at once and reports no status.
func waitActive(ctx context.Context, client *dynamodb.Client, table string) error {
	ctx, cancel := context.WithTimeout(ctx, tableActiveTimeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		if err != nil {
			return mapError("wait for table", table, err, nil)
		}
		if tableActive(out.Table) {
			return nil
		}
		if err := backoff(ctx, attempt); err != nil {
			return fmt.Errorf("dynamo: wait for table %q to become ACTIVE: %w", table, err)
		}
	}
}

func tableActive(t *types.TableDescription) bool {
	if t == nil || (t.TableStatus != "" && t.TableStatus != types.TableStatusActive) {
		return false
	}
	for _, index := range t.GlobalSecondaryIndexes {
		if index.IndexStatus != "" && index.IndexStatus != types.IndexStatusActive {
			return false
		}
	}
	return true
}

// DeleteTable deletes table; tests use it to clean up.
func DeleteTable(ctx context.Context, client *dynamodb.Client, table string) error {
	_, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)})
	if err != nil {
		return mapError("delete table", table, err, nil)
	}
	return nil
}

// isUnsupported reports whether a local backend rejected an operation or
// parameter that DynamoDB has. dynalite 4 answers UnknownOperationException;
// minidyn 0.8.2 answers HTTP 400 with a body that is not JSON, which the SDK
// reports as a deserialization error.
func isUnsupported(err error) bool {
	if errorCode(err) == "UnknownOperationException" {
		return true
	}
	var deserialize *smithy.DeserializationError
	var response *smithyhttp.ResponseError
	return errors.As(err, &deserialize) && errors.As(err, &response) && response.HTTPStatusCode() == http.StatusBadRequest
}

// String returns the table name and commit strategy, for logs.
func (s *Store) String() string {
	return fmt.Sprintf("dynamo table %q (%s commits)", s.table, s.strategy)
}
