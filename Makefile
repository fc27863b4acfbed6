# leadrouter: `make help` lists the targets.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

FUNCTIONS := $(notdir $(wildcard functions/*))
TOOLS_DIR := $(CURDIR)/.tools
ADDR ?= 127.0.0.1:3000
PLAN ?= examples/plans/two-reps.yaml
DATA ?= $(CURDIR)/.data
GOARCH_LAMBDA ?= arm64

# Test tools installed by `make tools`; tests read these paths.
export LEADROUTER_DYNALITE := $(TOOLS_DIR)/node_modules/.bin/dynalite
export LEADROUTER_RIE := $(TOOLS_DIR)/bin/aws-lambda-rie
export LEADROUTER_REPO := $(CURDIR)

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_%-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-26s %s\n", $$1, $$2}'

.PHONY: run
run: ## serve the intake on 127.0.0.1:3000 with the two-rep plan, leads into .data/leads.xlsx (ADDR=, PLAN=, DATA= change them)
	go build -o bin/leadrouter ./cmd/leadrouter
	bin/leadrouter serve --addr $(ADDR) --plan $(PLAN) --data $(DATA)

.PHONY: test
test: tools ## install the test tools, then run every test (skips are listed at the end)
	go vet ./...
	go test -count=1 -json ./... | go run ./internal/testsum

.PHONY: tools
tools: ## install dynalite (npm) and the Lambda Runtime Interface Emulator (Go) into .tools
	@scripts/install-tools "$(TOOLS_DIR)"

.PHONY: lint
lint: ## gofmt, go vet and staticcheck
	@test -z "$$(gofmt -l . | grep -v '^.tools/' || true)" || { echo "gofmt needed on:"; gofmt -l . | grep -v '^.tools/'; exit 1; }
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

.PHONY: bench
bench: ## run the benchmarks (figures go to BENCHMARKS.md by hand)
	go test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.txt

.PHONY: build
build: $(addprefix build-,$(FUNCTIONS)) ## build every function as build/NAME/bootstrap for provided.al2023 on arm64

build-%: ## build one function: make build-intake
	mkdir -p build/$*
	CGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH_LAMBDA) go build -tags lambda.norpc -trimpath -ldflags '-s -w' -o build/$*/bootstrap ./functions/$*

# sam build runs these in the repository root (template.yaml sets
# BuildMethod: makefile) with ARTIFACTS_DIR set. PLAN names the plan to ship.
.PHONY: build-IntakeFunction build-SheetWriterFunction
build-IntakeFunction: ## sam build: intake bootstrap and the plan (PLAN=) as plan.yaml into ARTIFACTS_DIR
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set; run sam build, or set it to an output folder" >&2; exit 2; }
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -trimpath -ldflags '-s -w' -o $(ARTIFACTS_DIR)/bootstrap ./functions/intake
	go run ./cmd/leadrouter plan check $(PLAN)
	cp $(PLAN) $(ARTIFACTS_DIR)/plan.yaml

build-SheetWriterFunction: ## sam build: sheet writer bootstrap and the plan (PLAN=) as plan.yaml into ARTIFACTS_DIR
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set; run sam build, or set it to an output folder" >&2; exit 2; }
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -trimpath -ldflags '-s -w' -o $(ARTIFACTS_DIR)/bootstrap ./functions/sheetwriter
	go run ./cmd/leadrouter plan check $(PLAN)
	cp $(PLAN) $(ARTIFACTS_DIR)/plan.yaml

.PHONY: clean
clean: ## remove build output, local data and installed tools
	rm -rf bin build .data .tools bench.txt
