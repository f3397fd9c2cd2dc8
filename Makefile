# ShadowGate - see README.md.
SHELL := /bin/bash
SWIFT ?= swift
BIN_DIR := .build/release
BIN := $(BIN_DIR)/shadowgate
DEBUG_BIN := .build/debug/shadowgate
DB ?= reports/shadowgate.sqlite
SEED ?= 20261125
CORPUS_SIZE ?= 3000
CORPUS := reports/corpus-$(SEED).jsonl
RECORDED := $(wildcard scenarios/recorded/*.jsonl)
REGRESSIONS := $(wildcard scenarios/regressions/*.jsonl)
INPUT_FLAGS := $(foreach f,$(RECORDED) $(REGRESSIONS),--input $(f))
NIGHTLY_SEED := $(shell date -u +%Y%m%d)
NIGHTLY_SIZE ?= 20000

LARAVEL := examples/laravel-lms
PHP_PACKAGES := php-cli php-sqlite3 php-mbstring php-xml php-laravel-framework phpunit composer php-vlucas-phpdotenv
PHP_WORKER = cd $(LARAVEL) && php artisan shadowgate:worker
PARITY_SIZE ?= 3000
PARITY_DIR := reports/parity

.PHONY: all build release run test quick-test gate nightly clean deps php-deps bench report screenshot parity run-laravel mutants coverage

all: build

# System packages the build needs (SQLite headers for GRDB, libcrypto for the ledger's SHA-256), and the JSON Schema
# validator the tests check --json output with (python3-jsonschema); installed only when missing.
deps:
	@if ! dpkg -s libsqlite3-dev libssl-dev python3-jsonschema >/dev/null 2>&1 || ! command -v sqlite3 >/dev/null 2>&1; then \
		echo "installing libsqlite3-dev libssl-dev sqlite3 python3-jsonschema"; \
		(apt-get update -qq && apt-get install -y -qq libsqlite3-dev libssl-dev sqlite3 python3-jsonschema) >/dev/null; \
	fi

# Both builds leave debug information out (-gnone): it was a sixth of a fresh build's time and nothing here reads
# it (BENCHMARKS.md). A plain `swift build` (with it) does not share objects with these: use one or the other.
BUILD_FLAGS ?= -Xswiftc -gnone

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

# Only the tool: the test-support library is built by `make test` alone.
release: deps
	$(SWIFT) build -c release --product shadowgate $(BUILD_FLAGS)

# The main job: generated corpus + recorded scenarios, compared, stored, summarised.
run: release
	@mkdir -p reports
	$(BIN) generate --seed $(SEED) --count $(CORPUS_SIZE) --out $(CORPUS)
	$(BIN) run --input $(CORPUS) $(INPUT_FLAGS) --db $(DB)
	@echo "Database: $(DB)   (sqlite3 $(DB) 'select * from runs')"
	$(BIN) report --db $(DB)

# PHP from Debian only (Laravel 8 framework packages, phpunit, composer for offline autoloading); installed when missing.
php-deps:
	@if ! dpkg -s $(PHP_PACKAGES) >/dev/null 2>&1; then \
		echo "installing $(PHP_PACKAGES)"; \
		(apt-get update -qq && apt-get install -y -qq $(PHP_PACKAGES)) >/dev/null; \
	fi
	@sh $(LARAVEL)/bin/setup

# Every test: the Swift suites, then the PHPUnit suites of the Laravel package and the example app.
test: deps php-deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	SHADOWGATE_BIN=$(CURDIR)/$(DEBUG_BIN) $(SWIFT) test --skip-build
	sh integrations/laravel/bin/test
	SHADOWGATE_BIN=$(CURDIR)/$(DEBUG_BIN) sh $(LARAVEL)/bin/test

# The quick loop: everything but the tests tagged slow (worker processes, big runs, worker-count comparisons).
quick-test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	SHADOWGATE_BIN=$(CURDIR)/$(DEBUG_BIN) $(SWIFT) test --skip-build \
		--skip 'WorkerSubjectTests|WorkerCommandTests|IdenticalForOneAndFourWorkers|IdenticalForAnyWorkerCount|longScenariosReadInParts|typedDiffEqualsTreeDiff|completeRunFillsEveryTable|runsInOneDatabaseStayApart'

# Parity of the Laravel app with the built-in subject on the default corpus (PARITY_SIZE scenarios) plus the
# recorded and regression scenarios: PHP legacy and PHP modern against the built-in sides give zero divergences,
# and PHP legacy vs PHP modern gives the built-in sides' signatures and counts (as sides: with the checks a worker offers). Fails on any difference.
parity: release php-deps
	@mkdir -p $(PARITY_DIR)
	$(BIN) generate --seed $(SEED) --count $(PARITY_SIZE) --out $(PARITY_DIR)/corpus.jsonl
	$(BIN) run --input $(PARITY_DIR)/corpus.jsonl $(INPUT_FLAGS) --db $(PARITY_DIR)/parity.sqlite --quiet --json \
		--control builtin:legacy --candidate "$(PHP_WORKER) legacy" > $(PARITY_DIR)/legacy.json
	$(BIN) run --input $(PARITY_DIR)/corpus.jsonl $(INPUT_FLAGS) --db $(PARITY_DIR)/parity.sqlite --quiet --json \
		--control builtin:modern --candidate "$(PHP_WORKER) modern" > $(PARITY_DIR)/modern.json
	$(BIN) run --input $(PARITY_DIR)/corpus.jsonl $(INPUT_FLAGS) --db $(PARITY_DIR)/parity.sqlite --quiet --json \
		--control "$(PHP_WORKER) legacy" --candidate "$(PHP_WORKER) modern" > $(PARITY_DIR)/pair.json
	$(BIN) run --input $(PARITY_DIR)/corpus.jsonl $(INPUT_FLAGS) --db $(PARITY_DIR)/parity.sqlite --quiet --json \
		--control builtin:legacy --candidate builtin:modern > $(PARITY_DIR)/builtin.json
	python3 scripts/parity.py $(PARITY_DIR)/legacy.json $(PARITY_DIR)/modern.json $(PARITY_DIR)/pair.json $(PARITY_DIR)/builtin.json

# The default corpus through the Laravel app (PHP legacy vs PHP modern), then the gate and the report.
run-laravel: release php-deps
	@mkdir -p reports
	$(BIN) generate --seed $(SEED) --count $(CORPUS_SIZE) --out $(CORPUS)
	$(BIN) run --input $(CORPUS) $(INPUT_FLAGS) --db reports/laravel.sqlite \
		--control "$(PHP_WORKER) legacy" --candidate "$(PHP_WORKER) modern"
	$(BIN) gate --db reports/laravel.sqlite || true
	$(BIN) report --db reports/laravel.sqlite --out reports/laravel

# Gate the latest run (exit 0 pass, 1 fail, 2 inconclusive).
gate: release
	$(BIN) gate --db $(DB)

# Nightly: a larger generated run (seed = today's date) plus the recorded and regression scenarios, the gate
# (its verdict is in the report; it does not fail the target), then the report: fails on NEW unexpected signatures.
nightly: release
	@mkdir -p reports
	$(BIN) run --generate $(NIGHTLY_SIZE) --seed $(NIGHTLY_SEED) $(INPUT_FLAGS) --db $(DB)
	$(BIN) gate --db $(DB) || true
	$(BIN) report --db $(DB) --fail-on-new

# The report of the latest run (or RUN=id), written to reports/<run id>/ and copied to reports/latest/.
report: release
	$(BIN) report --db $(DB) $(if $(RUN),--run $(RUN))

# A picture of reports/latest/index.html from headless Chromium (installed when missing).
screenshot:
	@command -v chromium >/dev/null 2>&1 || { echo "installing chromium"; (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; }
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot=$(CURDIR)/reports/latest/screenshot.png \
		--window-size=1400,2400 file://$(CURDIR)/reports/latest/index.html 2>/dev/null
	@echo "reports/latest/screenshot.png"

# Benchmarks (BENCHMARKS.md): commands/s of both implementations bare vs a full shadow run with the store,
# shrink speed, then peak memory of a 1M- vs a 0.1M-command run. BENCH_FLAGS passes options to the plugin,
# e.g. BENCH_FLAGS='--filter "full/.*"'. The Benchmarks package builds the root package again, in release.
bench: release
	@command -v /usr/bin/time >/dev/null 2>&1 || { echo "installing time"; (apt-get update -qq && apt-get install -y -qq time) >/dev/null; }
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark --no-progress $(BENCH_FLAGS)
	Benchmarks/memory.sh
	cd Benchmarks && $(SWIFT) build -c release --product shadowgate-profile
	Benchmarks/workers.sh

# Transition coverage of both sides and boundary counts of the default corpus (BENCHMARKS.md).
coverage: release
	$(BIN) coverage --seed $(SEED) --count $(CORPUS_SIZE)

# The project's own mutation score: each patch of Benchmarks/mutants/ (a realistic bug of the modern side) in
# turn on a scratch copy (.build/mutants, its build folder kept, so each mutant is an incremental build), one
# generated corpus of a seed used nowhere else; caught = an unexpected signature new or changed against the
# unmutated run. MUTANTS=a,b picks some. Table in reports/mutants.md (and .json).
MUTANTS ?=
MUTANT_SEED ?= 604231
MUTANT_COUNT ?= 2000
mutants: deps
	python3 scripts/mutants.py $(if $(MUTANTS),--mutants $(MUTANTS)) --seed $(MUTANT_SEED) --count $(MUTANT_COUNT)

clean:
	rm -rf .build Benchmarks/.build reports/*.sqlite* reports/*.jsonl reports/latest reports/[0-9]*
