# depot: the two commands a newcomer needs are `make run` and `make test`.
# Targets stay thin; the logic lives in Go.

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/depot
ADDR      ?= :8443
HTTP_ADDR ?= :8080

.PHONY: run build test deps generate check-generated check-format vet fuzz bench clean assets screenshots

## run: build and start depot on a demo warehouse (demo/depot.db) at https://localhost:8443
## (its CA and install steps at http://localhost:8080/ca); prints the URL and the owner's password
run: build
	@mkdir -p demo
	./$(BIN) serve --demo --db demo/depot.db --addr $(ADDR) --http-addr $(HTTP_ADDR)

## build: compile bin/depot with the version stamped in
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/depot

## test: install what the tests need, check generated code and formatting, run every test
test: deps check-generated check-format vet
	$(GO) test -race -count=1 -timeout 20m ./...
	$(GO) test -run='^$$' -fuzz=FuzzDecodePostMovement -fuzztime=15s ./app/
	$(GO) test -run='^$$' -fuzz='^FuzzParseImport$$' -fuzztime=10s ./app/
	$(GO) test -run='^$$' -fuzz='^FuzzParseScan$$' -fuzztime=10s ./app/web/
	$(GO) test -run='^$$' -fuzz='^FuzzDecode$$' -fuzztime=10s ./hardware/scanner/
	$(GO) test -run='^$$' -fuzz='^FuzzLineDecoder$$' -fuzztime=10s ./hardware/scanner/
	$(GO) test -run='^$$' -fuzz='^FuzzReportDecoder$$' -fuzztime=10s ./hardware/scanner/
	$(GO) test -run='^$$' -fuzz='^FuzzParseTarget$$' -fuzztime=10s ./hardware/hidconn/
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=10s ./app/gs1/
	$(GO) test -run='^$$' -fuzz='^FuzzParseHostStatus$$' -fuzztime=10s ./hardware/printer/
	$(GO) test -run='^$$' -fuzz='^FuzzSimStream$$' -fuzztime=10s ./hardware/printer/
	$(GO) test -run='^$$' -fuzz=FuzzNCI -fuzztime=10s ./hardware/scale/
	$(GO) test -run='^$$' -fuzz=FuzzToledo -fuzztime=10s ./hardware/scale/
	$(GO) test -run='^$$' -fuzz=FuzzSICS -fuzztime=10s ./hardware/scale/
	$(GO) test -run='^$$' -fuzz=FuzzHIDReport -fuzztime=10s ./hardware/scale/
	$(GO) test -run='^$$' -fuzz=FuzzLine -fuzztime=10s ./hardware/scale/

## deps: install the system packages and Go modules the tests use
deps:
	@command -v gcc >/dev/null || { echo "installing gcc (cgo)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gcc; }
	@command -v sqlite3 >/dev/null || { echo "installing sqlite3"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq sqlite3; }
	@command -v chromium >/dev/null || { echo "installing chromium (browser tests)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "installing nodejs and npm (ZPL renderer for the label tests)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nodejs npm; }
	@command -v rsvg-convert >/dev/null || { echo "installing librsvg2-bin (SVG label previews in tests)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq librsvg2-bin; }
	cd testdata/zpl && npm ci --no-audit --no-fund --loglevel=error
	$(GO) mod download

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
	$(GO) test -run='^$$' -fuzz=FuzzDecodePostMovement -fuzztime=5m ./app/
	$(GO) test -run='^$$' -fuzz='^FuzzLineDecoder$$' -fuzztime=5m ./hardware/scanner/
	$(GO) test -run='^$$' -fuzz='^FuzzReportDecoder$$' -fuzztime=5m ./hardware/scanner/
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=5m ./app/gs1/
	$(GO) test -run='^$$' -fuzz='^FuzzParseHostStatus$$' -fuzztime=5m ./hardware/printer/
	$(GO) test -run='^$$' -fuzz='^FuzzSimStream$$' -fuzztime=5m ./hardware/printer/

## bench: the top-scale benchmark (builds bench/depot.db on first run, ~1 GB)
bench: build
	@mkdir -p bench
	./$(BIN) bench --db bench/depot.db

clean:
	rm -rf bin demo
