package dynamo_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	miniserver "github.com/truora/minidyn/server"

	"github.com/leadrouter/leadrouter/internal/testenv"
	"github.com/leadrouter/leadrouter/shared/dynamo"
	"github.com/leadrouter/leadrouter/shared/store"
	"github.com/leadrouter/leadrouter/shared/store/storetest"
)

// minidynEndpoint serves minidyn's DynamoDB API on 127.0.0.1 for the test.
func minidynEndpoint(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(miniserver.NewServer())
	t.Cleanup(srv.Close)
	return srv.URL
}

// newTable creates a table unique to t and deletes it when t ends.
func newTable(t testing.TB, client *dynamodb.Client) string {
	t.Helper()
	table := testenv.DynamoTableName(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := dynamo.CreateTable(ctx, client, table); err != nil {
		t.Fatalf("CreateTable(%q) = %v", table, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := dynamo.DeleteTable(ctx, client, table); err != nil {
			t.Errorf("DeleteTable(%q) = %v", table, err)
		}
	})
	return table
}

func runContract(t *testing.T, client *dynamodb.Client, opts []dynamo.Option, suiteOpts ...storetest.Option) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return dynamo.New(client, newTable(t, client), opts...)
	}, suiteOpts...)
}

// minidynSkips lists the clauses that minidyn 0.8.2 cannot pass: its
// UpdateItem ignores REMOVE, which MarkWritten uses to take a lead out of
// the outbox index. The dynalite run covers them.
var minidynSkips = []storetest.Option{
	storetest.Skip("Outbox/mark written leaves pending", "minidyn 0.8.2 ignores REMOVE in UpdateItem; dynalite covers MarkWritten"),
	storetest.Skip("Outbox/mark written ignores unknown ids", "minidyn 0.8.2 ignores REMOVE in UpdateItem; dynalite covers MarkWritten"),
}

func TestContractDynaliteSequential(t *testing.T) {
	client := testenv.DynamoClient(t, testenv.Dynalite(t))
	runContract(t, client, []dynamo.Option{dynamo.WithCommitStrategy(dynamo.Sequential)})
}

func TestContractMinidynTransactional(t *testing.T) {
	client := testenv.DynamoClient(t, minidynEndpoint(t))
	runContract(t, client, []dynamo.Option{dynamo.WithCommitStrategy(dynamo.Transactional)}, minidynSkips...)
}

func TestContractMinidynSequential(t *testing.T) {
	client := testenv.DynamoClient(t, minidynEndpoint(t))
	runContract(t, client, []dynamo.Option{dynamo.WithCommitStrategy(dynamo.Sequential)}, minidynSkips...)
}
