package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSummarizeCounts(t *testing.T) {
	input := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"pass","Package":"p","Test":"TestA"}`,
		`{"Action":"run","Package":"p","Test":"TestB"}`,
		`{"Action":"output","Package":"p","Test":"TestB","Output":"=== RUN   TestB\n"}`,
		`{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:9: chromium not found\n"}`,
		`{"Action":"output","Package":"p","Test":"TestB","Output":"--- SKIP: TestB (0.00s)\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestB"}`,
		`{"Action":"pass","Package":"p","Elapsed":0.5}`,
	}, "\n")

	var out bytes.Buffer
	failed, err := summarize(strings.NewReader(input), &out)
	if err != nil {
		t.Fatalf("summarize: %v", err)
	}
	if failed {
		t.Errorf("failed = true, want false")
	}
	if !strings.Contains(out.String(), "1 passed, 0 failed, 1 skipped") {
		t.Errorf("closing line missing in:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "b_test.go:9: chromium not found") {
		t.Errorf("skip reason missing in:\n%s", out.String())
	}
}

func TestSummarizeFailure(t *testing.T) {
	input := strings.Join([]string{
		`{"Action":"output","Package":"p","Test":"TestC","Output":"    c_test.go:3: got 1, want 2\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestC"}`,
		`{"Action":"fail","Package":"p","Elapsed":0.1}`,
	}, "\n")

	var out bytes.Buffer
	failed, err := summarize(strings.NewReader(input), &out)
	if err != nil {
		t.Fatalf("summarize: %v", err)
	}
	if !failed {
		t.Errorf("failed = false, want true")
	}
	if !strings.Contains(out.String(), "got 1, want 2") {
		t.Errorf("failure output missing in:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "0 passed, 1 failed, 0 skipped") {
		t.Errorf("closing line missing in:\n%s", out.String())
	}
}

func TestSummarizeBuildError(t *testing.T) {
	input := "# example.com/p\np.go:1: syntax error\n" +
		`{"Action":"fail","Package":"example.com/p","Elapsed":0}` + "\n"

	var out bytes.Buffer
	failed, err := summarize(strings.NewReader(input), &out)
	if err != nil {
		t.Fatalf("summarize: %v", err)
	}
	if !failed {
		t.Errorf("failed = false, want true for a package that did not build")
	}
	if !strings.Contains(out.String(), "p.go:1: syntax error") {
		t.Errorf("build error not passed through:\n%s", out.String())
	}
}
