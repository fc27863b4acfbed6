package templatecheck

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/leadrouter/leadrouter/internal/testenv"
	"github.com/leadrouter/leadrouter/shared/dynamo"
	"github.com/leadrouter/leadrouter/shared/lead"
	"github.com/leadrouter/leadrouter/shared/routing"
	"github.com/leadrouter/leadrouter/shared/store"
)

// TestTemplateTableMatchesStore compares the template's table with the one
// dynamo.CreateTable makes on dynalite. It then stores a lead and checks that
// the pipe's filter selects exactly the lead's item, and that the input
// template renders the message the sheet writer reads.
func TestTemplateTableMatchesStore(t *testing.T) {
	tmpl := loadTemplate(t)
	properties := asMap(lookup(tmpl.Resources["LeadsTable"], "Properties"))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := testenv.DynamoClient(t, testenv.Dynalite(t))
	table := testenv.DynamoTableName(t)
	if err := dynamo.CreateTable(ctx, client, table); err != nil {
		t.Fatalf("create table: %v", err)
	}
	described, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatalf("describe table: %v", err)
	}

	checks := []struct {
		name           string
		store, written string
	}{
		{"attribute definitions", describeAttributes(described.Table.AttributeDefinitions), templateAttributes(properties["AttributeDefinitions"])},
		{"key schema", describeKeys(described.Table.KeySchema), templateKeys(properties["KeySchema"])},
		{"indexes", describeIndexes(described.Table.GlobalSecondaryIndexes), templateIndexes(properties["GlobalSecondaryIndexes"])},
		{"billing mode", "PAY_PER_REQUEST", fmt.Sprint(properties["BillingMode"])},
	}
	for _, c := range checks {
		if c.store != c.written {
			t.Errorf("%s: dynamo.CreateTable makes %s, template.yaml declares %s", c.name, c.store, c.written)
		}
	}
	if got := lookup(properties, "StreamSpecification", "StreamViewType"); got != "NEW_IMAGE" {
		t.Errorf("stream view type = %v, want NEW_IMAGE, which the pipe's input template reads", got)
	}
	if got := lookup(properties, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"); got != true {
		t.Errorf("point-in-time recovery = %v, want true", got)
	}

	items := storeOneLead(ctx, t, client, table)
	checkPipe(t, tmpl, properties, items)
}

// storeOneLead commits one lead with an idempotency key and a capacity
// reservation, and returns every item of the table, keyed by pk.
func storeOneLead(ctx context.Context, t *testing.T, client *dynamodb.Client, table string) map[string]map[string]types.AttributeValue {
	st := dynamo.New(client, table, dynamo.WithCommitStrategy(dynamo.Sequential))
	rec := store.Record{
		Lead: lead.Lead{
			ID:         "L-01TEMPLATECHECK0000000000",
			ReceivedAt: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC),
			Email:      "ada@example.com",
			Company:    "Example Ltd",
			Source:     "inbound",
		},
		Decision:        routing.Decision{Owner: "ana", Zone: routing.ZonePrimary, Rule: "inbound", Reservation: routing.Reservation{Rep: "ana", Limit: 15}},
		IdempotencyKeys: []string{"header:3f0c9a52"},
	}
	if err := st.Commit(ctx, rec); err != nil {
		t.Fatalf("commit a lead: %v", err)
	}

	out, err := client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	items := map[string]map[string]types.AttributeValue{}
	for _, item := range out.Items {
		pk, _ := item["pk"].(*types.AttributeValueMemberS)
		if pk == nil {
			t.Fatalf("item without a string pk: %v", item)
		}
		items[pk.Value] = item
	}
	if len(items) < 3 {
		t.Fatalf("the commit wrote %d items, want the lead, its key and the rep's counter", len(items))
	}
	return items
}

// checkPipe applies the pipe's filter to an INSERT stream record of every
// item and renders the input template for the one it selects.
func checkPipe(t *testing.T, tmpl *samTemplate, table map[string]any, items map[string]map[string]types.AttributeValue) {
	pipe := asMap(lookup(tmpl.Resources["LeadPipe"], "Properties"))
	filters := asList(lookup(pipe, "SourceParameters", "FilterCriteria", "Filters"))
	if len(filters) != 1 {
		t.Fatalf("LeadPipe has %d filters, want 1", len(filters))
	}
	var pattern map[string]any
	if err := json.Unmarshal([]byte(fmt.Sprint(lookup(filters[0], "Pattern"))), &pattern); err != nil {
		t.Fatalf("LeadPipe filter pattern is not JSON: %v", err)
	}

	var selected []string
	for pk, item := range items {
		record := map[string]any{
			"eventName": "INSERT",
			"dynamodb": map[string]any{
				"Keys":     map[string]any{"pk": streamValue(item["pk"])},
				"NewImage": streamImage(item),
			},
		}
		matched, err := matchPattern(pattern, record)
		if err != nil {
			t.Fatalf("filter pattern: %v", err)
		}
		if matched {
			selected = append(selected, pk)
		}
		// A change to an existing lead, such as marking its row written,
		// must not send a second message.
		record["eventName"] = "MODIFY"
		if matched, _ := matchPattern(pattern, record); matched {
			t.Errorf("the filter selects a MODIFY of %s; want inserts only", pk)
		}
	}
	sort.Strings(selected)
	if len(selected) != 1 || !strings.HasPrefix(selected[0], "LEAD#") {
		t.Fatalf("the filter selects %v of %d items, want only the lead item", selected, len(items))
	}

	inputTemplate := fmt.Sprint(lookup(pipe, "TargetParameters", "InputTemplate"))
	record := map[string]any{"dynamodb": map[string]any{"NewImage": streamImage(items[selected[0]])}}
	rendered, err := renderInputTemplate(inputTemplate, record)
	if err != nil {
		t.Fatalf("render InputTemplate %q: %v", inputTemplate, err)
	}
	var message map[string]any
	if err := json.Unmarshal([]byte(rendered), &message); err != nil {
		t.Fatalf("InputTemplate renders %q, which is not JSON: %v", rendered, err)
	}
	if len(message) != 1 || message["lead_id"] != "L-01TEMPLATECHECK0000000000" {
		t.Errorf("InputTemplate renders %s, want exactly {\"lead_id\":\"L-01TEMPLATECHECK0000000000\"}", rendered)
	}

	// Time to live must name the attribute the store dates idempotency keys
	// with, as a number.
	ttl := fmt.Sprint(lookup(table, "TimeToLiveSpecification", "AttributeName"))
	for pk, item := range items {
		if !strings.HasPrefix(pk, "IDEM#") {
			continue
		}
		if _, ok := item[ttl].(*types.AttributeValueMemberN); !ok {
			t.Errorf("idempotency key item %s has no number attribute %q, the template's time to live attribute", pk, ttl)
		}
	}
}

// streamImage converts an item to the DynamoDB JSON of a stream record,
// keeping string and number attributes, which are all the filter and the
// template read.
func streamImage(item map[string]types.AttributeValue) map[string]any {
	image := map[string]any{}
	for name, value := range item {
		if v := streamValue(value); v != nil {
			image[name] = v
		}
	}
	return image
}

func streamValue(value types.AttributeValue) map[string]any {
	switch v := value.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	}
	return nil
}

// matchPattern reports whether event matches an EventBridge event pattern,
// for the subset the template uses: nested objects, lists of exact strings
// and {"prefix": "..."}. Any other operator is an error, so a pattern this
// function cannot judge fails the test instead of passing it.
func matchPattern(pattern, event map[string]any) (bool, error) {
	for key, want := range pattern {
		got, ok := event[key]
		if !ok {
			return false, nil
		}
		switch want := want.(type) {
		case map[string]any:
			inner, ok := got.(map[string]any)
			if !ok {
				return false, nil
			}
			matched, err := matchPattern(want, inner)
			if err != nil || !matched {
				return false, err
			}
		case []any:
			matched, err := matchValues(want, got)
			if err != nil || !matched {
				return false, err
			}
		default:
			return false, fmt.Errorf("key %q: %T is not a pattern; want an object or a list", key, want)
		}
	}
	return true, nil
}

func matchValues(values []any, got any) (bool, error) {
	text, isString := got.(string)
	for _, value := range values {
		switch value := value.(type) {
		case string:
			if isString && text == value {
				return true, nil
			}
		case map[string]any:
			prefix, ok := value["prefix"].(string)
			if !ok || len(value) != 1 {
				return false, fmt.Errorf("operator %v is not supported by this check; extend matchValues", value)
			}
			if isString && strings.HasPrefix(text, prefix) {
				return true, nil
			}
		default:
			return false, fmt.Errorf("value %v is not supported by this check; extend matchValues", value)
		}
	}
	return false, nil
}

// templatePath matches a JSON path placeholder of a pipe's input template.
var templatePath = regexp.MustCompile(`<\$\.([A-Za-z0-9_.]+)>`)

// renderInputTemplate replaces each <$.path> placeholder with the string or
// number at that path of record. Placeholders inside JSON strings, as in
// "<$.a.S>", render the bare value, as EventBridge Pipes does.
func renderInputTemplate(template string, record map[string]any) (string, error) {
	var failure error
	rendered := templatePath.ReplaceAllStringFunc(template, func(placeholder string) string {
		path := templatePath.FindStringSubmatch(placeholder)[1]
		value := any(record)
		for _, key := range strings.Split(path, ".") {
			value = lookup(value, key)
		}
		if value == nil {
			failure = fmt.Errorf("%s is not in the record", placeholder)
			return ""
		}
		return fmt.Sprint(value)
	})
	return rendered, failure
}

func describeAttributes(definitions []types.AttributeDefinition) string {
	var parts []string
	for _, d := range definitions {
		parts = append(parts, aws.ToString(d.AttributeName)+":"+string(d.AttributeType))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func templateAttributes(v any) string {
	var parts []string
	for _, d := range asList(v) {
		parts = append(parts, fmt.Sprint(lookup(d, "AttributeName"))+":"+fmt.Sprint(lookup(d, "AttributeType")))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func describeKeys(keys []types.KeySchemaElement) string {
	var parts []string
	for _, k := range keys {
		parts = append(parts, aws.ToString(k.AttributeName)+":"+string(k.KeyType))
	}
	return strings.Join(parts, " ")
}

func templateKeys(v any) string {
	var parts []string
	for _, k := range asList(v) {
		parts = append(parts, fmt.Sprint(lookup(k, "AttributeName"))+":"+fmt.Sprint(lookup(k, "KeyType")))
	}
	return strings.Join(parts, " ")
}

func describeIndexes(indexes []types.GlobalSecondaryIndexDescription) string {
	var parts []string
	for _, index := range indexes {
		projection := ""
		if index.Projection != nil {
			projection = string(index.Projection.ProjectionType)
		}
		parts = append(parts, fmt.Sprintf("%s(%s %s)", aws.ToString(index.IndexName), describeKeys(index.KeySchema), projection))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func templateIndexes(v any) string {
	var parts []string
	for _, index := range asList(v) {
		parts = append(parts, fmt.Sprintf("%v(%s %v)", lookup(index, "IndexName"), templateKeys(lookup(index, "KeySchema")), lookup(index, "Projection", "ProjectionType")))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func TestMatchPattern(t *testing.T) {
	pattern := map[string]any{
		"eventName": []any{"INSERT"},
		"dynamodb":  map[string]any{"Keys": map[string]any{"pk": map[string]any{"S": []any{map[string]any{"prefix": "LEAD#"}}}}},
	}
	record := func(event, pk string) map[string]any {
		return map[string]any{"eventName": event, "dynamodb": map[string]any{"Keys": map[string]any{"pk": map[string]any{"S": pk}}}}
	}

	cases := []struct {
		name   string
		record map[string]any
		want   bool
	}{
		{"lead insert", record("INSERT", "LEAD#L-1"), true},
		{"lead modify", record("MODIFY", "LEAD#L-1"), false},
		{"key insert", record("INSERT", "IDEM#k"), false},
		{"prefix in the middle", record("INSERT", "X#LEAD#L-1"), false},
		{"missing keys", map[string]any{"eventName": "INSERT"}, false},
	}
	for _, c := range cases {
		got, err := matchPattern(pattern, c.record)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != c.want {
			t.Errorf("%s: match = %v, want %v", c.name, got, c.want)
		}
	}

	unsupported := map[string]any{"eventName": []any{map[string]any{"anything-but": "REMOVE"}}}
	if _, err := matchPattern(unsupported, record("INSERT", "LEAD#L-1")); err == nil {
		t.Errorf("an anything-but pattern gave no error; the check must not judge operators it does not implement")
	}
}

func TestRenderInputTemplate(t *testing.T) {
	record := map[string]any{"dynamodb": map[string]any{"NewImage": map[string]any{"id": map[string]any{"S": "L-1"}}}}

	got, err := renderInputTemplate(`{"lead_id":"<$.dynamodb.NewImage.id.S>"}`, record)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	if got != `{"lead_id":"L-1"}` {
		t.Errorf("render = %s, want {\"lead_id\":\"L-1\"}", got)
	}

	if _, err := renderInputTemplate(`{"lead_id":"<$.dynamodb.NewImage.lead.S>"}`, record); err == nil {
		t.Errorf("a path missing from the record gave no error")
	}
}
