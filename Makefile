# depot: the two commands a newcomer needs are `make run` and `make test`.
# Targets stay thin; the logic lives in Go.

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/depot
ADDR      ?= :8443
HTTP_ADDR ?= :8080

# SQLite's full-text search (FTS5), which depot's search index needs, is
# compiled into mattn/go-sqlite3 only with this build tag: every go command
# below (build, test, vet, fuzz) gets it. A binary built without it refuses
# to start and says so.
export GOFLAGS := -tags=sqlite_fts5

.PHONY: run build test deps generate check-generated check-format vet fuzz bench bench-orders bench-replication clean assets screenshots

## run: build and start depot on a demo warehouse (demo/depot.db) at https://localhost:8443
## (its CA and install steps at http://localhost:8080/ca); prints the URL and the owner's password
run: build
	@mkdir -p demo
	./$(BIN) serve --demo --db demo/depot.db --addr $(ADDR) --http-addr $(HTTP_ADDR)

## build: compile bin/depot with the version stamped in
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/depot

# Fuzzers: package:target:executions. make test runs each for a count of
# inputs, not for a time: a time limit trips a race in Go 1.26's fuzzing
# coordinator that fails a clean run with "context deadline exceeded"
# (golang/go#75804, fixed in Go 1.27). make fuzz runs each for 5 minutes.
FUZZERS := \
	./app/:FuzzDecodePostMovement:500000 \
	./app/:FuzzParseImport:50000 \
	./app/:FuzzParseScan:100000 \
	./app/:FuzzNewOrder:100000 \
	./app/:FuzzDecodePostReceipt:100000 \
	./app/:FuzzShipOrder:100000 \
	./app/:FuzzVerifyPackage:50000 \
	./hardware/scanner/:FuzzDecode:100000 \
	./hardware/scanner/:FuzzLineDecoder:100000 \
	./hardware/scanner/:FuzzReportDecoder:100000 \
	./hardware/hidconn/:FuzzParseTarget:100000 \
	./app/gs1/:FuzzParse:30000 \
	./hardware/printer/:FuzzParseHostStatus:100000 \
	./hardware/printer/:FuzzSimStream:100000 \
	./hardware/scale/:FuzzNCI:100000 \
	./hardware/scale/:FuzzToledo:100000 \
	./hardware/scale/:FuzzSICS:100000 \
	./hardware/scale/:FuzzHIDReport:100000 \
	./hardware/scale/:FuzzLine:100000

## test: install what the tests need, check generated code and formatting, run every test
test: deps check-generated check-format vet
	$(GO) test -race -count=1 -timeout 20m ./...
	@set -e; for f in $(FUZZERS); do \
		pkg=$${f%%:*}; rest=$${f#*:}; name=$${rest%%:*}; n=$${rest#*:}; \
		echo "fuzz $$name in $$pkg: $$n inputs"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$${n}x $$pkg; \
	done

## deps: install the system packages and Go modules the tests use
deps:
	@command -v gcc >/dev/null || { echo "installing gcc (cgo)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gcc; }
	@command -v sqlite3 >/dev/null || { echo "installing sqlite3"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq sqlite3; }
	@command -v systemd-analyze >/dev/null && command -v systemd-sysusers >/dev/null || { echo "installing systemd (checks depot install's unit and users)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq systemd; }
	@command -v chromium >/dev/null || { echo "installing chromium (browser tests)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "installing nodejs and npm (ZPL renderer for the label tests)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	@command -v rsvg-convert >/dev/null || { echo "installing librsvg2-bin (SVG label previews in tests)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq librsvg2-bin; }
	cd testdata/zpl && npm ci --no-audit --no-fund --loglevel=error
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

## assets: refresh the vendored htmx, its SSE extension and the ZXing camera decoder from the versions pinned in
## views/assets/package-lock.json (npm ci), then commit views/static
assets:
	cd views/assets && npm ci --no-audit --no-fund --ignore-scripts
	cp views/assets/node_modules/htmx.org/dist/htmx.min.js views/static/htmx.min.js
	cp views/assets/node_modules/htmx-ext-sse/dist/sse.min.js views/static/htmx-ext-sse.min.js
	cp views/assets/node_modules/@zxing/browser/umd/zxing-browser.min.js views/static/zxing-browser.min.js

## screenshots: run the browser tests and write docs/screenshots/*.png (360 px and desktop)
screenshots:
	$(GO) test -count=1 -run 'TestBrowser' ./cmd/depot/ -args -screenshots=$(CURDIR)/docs/screenshots

## fuzz: run the fuzzers longer than make test does
fuzz:
	@set -e; for f in $(FUZZERS); do \
		pkg=$${f%%:*}; rest=$${f#*:}; name=$${rest%%:*}; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=5m $$pkg; \
	done

## bench: the top-scale benchmark (builds bench/depot.db on first run, ~1 GB)
bench: build
	@mkdir -p bench
	./$(BIN) bench --db bench/depot.db

## bench-orders: release and allocate a day of 5,000 orders of 3 lines at top scale (bench/orders.db)
bench-orders: build
	@mkdir -p bench
	./$(BIN) bench --db bench/orders.db --orders 5000

## bench-replication: replication lag under a steady 1,000 postings/s (S3 on a local versitygw)
bench-replication:
	$(GO) test -run='^$$' -bench=BenchmarkReplicationLag -benchtime=1x ./cmd/depot/

clean:
	rm -rf bin demo
