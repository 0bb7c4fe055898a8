# depot: the two commands a newcomer needs are `make run` and `make test`.
# Targets stay thin; the logic lives in Go.

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/depot
ADDR    ?= :8080

.PHONY: run build test deps generate check-generated check-format vet fuzz bench bench-replication clean

## run: build and start depot on a demo warehouse (demo/depot.db) at http://localhost:8080
run: build
	@mkdir -p demo
	./$(BIN) serve --demo --db demo/depot.db --addr $(ADDR)

## build: compile bin/depot with the version stamped in
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/depot

## test: install what the tests need, check generated code and formatting, run every test
test: deps check-generated check-format vet
	$(GO) test -race -count=1 -timeout 20m ./...
	$(GO) test -run='^$$' -fuzz=FuzzDecodePostMovement -fuzztime=15s ./app/

## deps: install the system packages and Go modules the tests use
deps:
	@command -v gcc >/dev/null || { echo "installing gcc (cgo)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gcc; }
	@command -v sqlite3 >/dev/null || { echo "installing sqlite3"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq sqlite3; }
	@command -v systemd-analyze >/dev/null && command -v systemd-sysusers >/dev/null || { echo "installing systemd (checks depot install's unit and users)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq systemd; }
	$(GO) mod download
	@# The S3 server the replication tests start (pinned in go.mod as a tool).
	$(GO) build -o /dev/null github.com/versity/versitygw/cmd/versitygw

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

## generate: regenerate templ output (committed)
generate:
	$(GO) tool templ generate

## check-generated: fail when committed templ output is stale
check-generated: generate
	@if [ -n "$$(git status --porcelain -- '*_templ.go')" ]; then \
		echo "templ output is stale: run 'make generate' and commit"; git status --porcelain -- '*_templ.go'; exit 1; fi

check-format:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## fuzz: run the fuzzers longer than make test does
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzDecodePostMovement -fuzztime=5m ./app/

## bench: the top-scale benchmark (builds bench/depot.db on first run, ~1 GB)
bench: build
	@mkdir -p bench
	./$(BIN) bench --db bench/depot.db

## bench-replication: replication lag under a steady 1,000 postings/s (S3 on a local versitygw)
bench-replication:
	$(GO) test -run='^$$' -bench=BenchmarkReplicationLag -benchtime=1x ./cmd/depot/

clean:
	rm -rf bin demo
