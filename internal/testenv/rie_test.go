package testenv

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

type echoResponse struct {
	Message          string `json:"message"`
	RequestID        string `json:"request_id"`
	Greeting         string `json:"greeting"`
	MetadataDisabled string `json:"metadata_disabled"`
	AccessKeyID      string `json:"access_key_id"`
}

func TestRIEEchoFunction(t *testing.T) {
	bootstrap := BuildLambda(t, "./internal/testenv/testdata/echo")
	emulator := RIE(t, bootstrap, map[string]string{"ECHO_GREETING": "hello"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	body, err := emulator.Invoke(ctx, []byte(`{"message":"first"}`))
	if err != nil {
		t.Fatalf("first invoke: %v", err)
	}
	var first echoResponse
	if err := json.Unmarshal(body, &first); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	if first.Message != "first" {
		t.Errorf("message = %q, want %q", first.Message, "first")
	}
	if first.Greeting != "hello" {
		t.Errorf("ECHO_GREETING seen by the function = %q, want %q from env", first.Greeting, "hello")
	}
	if first.MetadataDisabled != "true" {
		t.Errorf("AWS_EC2_METADATA_DISABLED seen by the function = %q, want %q", first.MetadataDisabled, "true")
	}
	if first.AccessKeyID != FakeAccessKeyID {
		t.Errorf("AWS_ACCESS_KEY_ID seen by the function = %q, want the fake %q", first.AccessKeyID, FakeAccessKeyID)
	}
	if first.RequestID == "" {
		t.Errorf("request id is empty; the emulator should assign one")
	}

	initDuration, ok := emulator.InitDuration()
	if !ok {
		t.Errorf("no Init Duration after the first invocation; output:\n%s", emulator.Output())
	}
	if initDuration <= 0 {
		t.Errorf("init duration = %s, want > 0", initDuration)
	}
	t.Logf("echo bootstrap init duration under aws-lambda-rie: %s", initDuration)

	// The log line that ForInvocation tags must carry the request id that
	// the function saw.
	if !strings.Contains(emulator.Output(), `"request_id":"`+first.RequestID+`"`) {
		t.Errorf("no log line with request_id %q; output:\n%s", first.RequestID, emulator.Output())
	}

	body, err = emulator.Invoke(ctx, []byte(`{"message":"second"}`))
	if err != nil {
		t.Fatalf("second invoke: %v", err)
	}
	var second echoResponse
	if err := json.Unmarshal(body, &second); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	if second.RequestID == first.RequestID {
		t.Errorf("second request id = first %q, want a new id per invocation", first.RequestID)
	}

	reports := emulator.Reports()
	if len(reports) != 2 {
		t.Fatalf("got %d REPORT lines, want 2; output:\n%s", len(reports), emulator.Output())
	}
	if reports[0].RequestID != first.RequestID {
		t.Errorf("first report request id = %q, want %q", reports[0].RequestID, first.RequestID)
	}
	if reports[1].RequestID != second.RequestID {
		t.Errorf("second report request id = %q, want %q", reports[1].RequestID, second.RequestID)
	}
}

func TestRIEFunctionError(t *testing.T) {
	bootstrap := BuildLambda(t, "./internal/testenv/testdata/echo")
	emulator := RIE(t, bootstrap, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	_, err := emulator.Invoke(ctx, []byte(`{"fail":true}`))
	var functionErr *FunctionError
	if !errors.As(err, &functionErr) {
		t.Fatalf("invoke error = %v, want a *FunctionError", err)
	}
	if !strings.Contains(functionErr.Message, "failure requested") {
		t.Errorf("error message = %q, want the function's message", functionErr.Message)
	}

	// The function keeps serving after an error.
	body, err := emulator.Invoke(ctx, []byte(`{"message":"after"}`))
	if err != nil {
		t.Fatalf("invoke after the error: %v", err)
	}
	if !strings.Contains(string(body), `"message":"after"`) {
		t.Errorf("response after the error = %s, want the echo of \"after\"", body)
	}
}

func TestRIEConcurrentInvokesSerialised(t *testing.T) {
	bootstrap := BuildLambda(t, "./internal/testenv/testdata/echo")
	emulator := RIE(t, bootstrap, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	const invocations = 8
	errs := make([]error, invocations)
	var wg sync.WaitGroup
	for i := range invocations {
		wg.Go(func() {
			_, errs[i] = emulator.Invoke(ctx, []byte(`{"message":"parallel"}`))
		})
	}
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Errorf("invocation %d: %v", i, err)
		}
	}
	if got := len(emulator.Reports()); got != invocations {
		t.Errorf("got %d REPORT lines, want %d", got, invocations)
	}
}

func TestRIEEnvironment(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		want    []string
		wantErr string
	}{
		{
			name: "defaults",
			want: []string{"AWS_ACCESS_KEY_ID=" + FakeAccessKeyID, "AWS_EC2_METADATA_DISABLED=true", "AWS_LAMBDA_FUNCTION_TIMEOUT=30", "AWS_REGION=" + FakeRegion, "HOME=/home/test"},
		},
		{
			name: "caller overrides timeout",
			env:  map[string]string{"AWS_LAMBDA_FUNCTION_TIMEOUT": "5"},
			want: []string{"AWS_LAMBDA_FUNCTION_TIMEOUT=5"},
		},
		{
			name: "caller adds a variable",
			env:  map[string]string{"LEADROUTER_TABLE": "t1"},
			want: []string{"LEADROUTER_TABLE=t1"},
		},
		{
			name:    "empty name",
			env:     map[string]string{"": "x"},
			wantErr: "invalid environment variable name",
		},
		{
			name:    "name with equals sign",
			env:     map[string]string{"A=B": "x"},
			wantErr: "invalid environment variable name",
		},
		{
			name:    "timeout not whole seconds",
			env:     map[string]string{"AWS_LAMBDA_FUNCTION_TIMEOUT": "1.5"},
			wantErr: "invalid AWS_LAMBDA_FUNCTION_TIMEOUT",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("AWS_PROFILE", "real-profile")

			lines, err := rieEnvironment("/home/test", c.env)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("rieEnvironment: %v", err)
			}
			joined := "\n" + strings.Join(lines, "\n") + "\n"
			for _, line := range c.want {
				if !strings.Contains(joined, "\n"+line+"\n") {
					t.Errorf("environment lacks %q:%s", line, joined)
				}
			}
			if strings.Contains(joined, "AWS_PROFILE") {
				t.Errorf("environment inherits AWS_PROFILE from the test process:%s", joined)
			}
		})
	}
}

func TestParseReports(t *testing.T) {
	output := "START RequestId: a Version: $LATEST\n" +
		"END RequestId: a\n" +
		"REPORT RequestId: a\tInit Duration: 12.50 ms\tDuration: 3.25 ms\tBilled Duration: 4 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t\n" +
		"{\"level\":\"info\",\"message\":\"REPORT RequestId: fake\"}\n" +
		"REPORT RequestId: b\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t\n"

	reports := parseReports(output)
	if len(reports) != 2 {
		t.Fatalf("got %d reports, want 2: %+v", len(reports), reports)
	}
	if reports[0].RequestID != "a" {
		t.Errorf("first request id = %q, want %q", reports[0].RequestID, "a")
	}
	if reports[0].Duration != 3250*time.Microsecond {
		t.Errorf("first duration = %s, want 3.25ms", reports[0].Duration)
	}
	if reports[1].Duration != time.Millisecond {
		t.Errorf("second duration = %s, want 1ms", reports[1].Duration)
	}
}

func TestParseFunctionError(t *testing.T) {
	cases := []struct {
		name     string
		body     string
		wantType string
	}{
		{"error document", `{"errorMessage":"boom","errorType":"errorString"}`, "errorString"},
		{"error document with stack", `{"errorMessage":"boom","errorType":"runtime.Error","stackTrace":[]}`, "runtime.Error"},
		{"response with extra keys", `{"errorMessage":"boom","errorType":"x","statusCode":500}`, ""},
		{"ordinary response", `{"statusCode":200,"body":"ok"}`, ""},
		{"not an object", `"errorMessage"`, ""},
		{"message only", `{"errorMessage":"boom"}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := parseFunctionError([]byte(c.body))
			if c.wantType == "" {
				if got != nil {
					t.Errorf("parseFunctionError(%s) = %+v, want nil", c.body, got)
				}
				return
			}
			if got == nil {
				t.Fatalf("parseFunctionError(%s) = nil, want type %q", c.body, c.wantType)
			}
			if got.Type != c.wantType {
				t.Errorf("type = %q, want %q", got.Type, c.wantType)
			}
		})
	}
}

func TestEmulatorInitDuration(t *testing.T) {
	cases := []struct {
		name   string
		output string
		want   time.Duration
		wantOK bool
	}{
		{
			name:   "before the first invocation",
			output: "04 Dec 2026 20:07:35,464 [INFO] (rapid) exec '/tmp/bootstrap'\n",
		},
		{
			name: "init report line",
			output: "04 Dec 2026 20:07:35,490 [INFO] (rapid) INIT REPORT(durationMs: 5.559000)\n" +
				"REPORT RequestId: a\tInit Duration: 0.03 ms\tDuration: 6.66 ms\t\n",
			want:   5559 * time.Microsecond,
			wantOK: true,
		},
		{
			name:   "REPORT init duration alone is not used",
			output: "REPORT RequestId: a\tInit Duration: 0.03 ms\tDuration: 6.66 ms\t\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			emulator := &Emulator{output: &rieOutput{}}
			if _, err := emulator.output.Write([]byte(c.output)); err != nil {
				t.Fatal(err)
			}

			got, ok := emulator.InitDuration()
			if ok != c.wantOK {
				t.Fatalf("InitDuration ok = %v, want %v", ok, c.wantOK)
			}
			if got != c.want {
				t.Errorf("InitDuration = %s, want %s", got, c.want)
			}
		})
	}
}
