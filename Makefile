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

.PHONY: all build release run test gate nightly clean deps

all: build

# System packages the build needs (SQLite headers for GRDB); installed only when missing.
deps:
	@if ! dpkg -s libsqlite3-dev >/dev/null 2>&1 || ! command -v sqlite3 >/dev/null 2>&1; then \
		echo "installing libsqlite3-dev sqlite3"; \
		(apt-get update -qq && apt-get install -y -qq libsqlite3-dev sqlite3) >/dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The main job: generated corpus + recorded scenarios, compared, stored, summarised.
run: release
	@mkdir -p reports
	$(BIN) generate --seed $(SEED) --count $(CORPUS_SIZE) --out $(CORPUS)
	$(BIN) run --input $(CORPUS) $(INPUT_FLAGS) --db $(DB)
	@echo "Database: $(DB)   (sqlite3 $(DB) 'select * from runs')"

test: deps
	@if ! command -v php >/dev/null 2>&1 || ! dpkg -s php-vlucas-phpdotenv >/dev/null 2>&1; then \
		echo "installing php-cli php-vlucas-phpdotenv (Laravel's .env loader, for the .env round-trip test)"; \
		(apt-get update -qq && apt-get install -y -qq php-cli php-vlucas-phpdotenv) >/dev/null || echo "php not installed: the Laravel loader test will be skipped"; \
	fi
	$(SWIFT) build --build-tests
	SHADOWGATE_BIN=$(CURDIR)/$(DEBUG_BIN) $(SWIFT) test --skip-build

# Gate the latest run (exit 0 pass, 1 fail, 2 inconclusive).
gate: release
	$(BIN) gate --db $(DB)

nightly: release
	@mkdir -p reports
	$(BIN) generate --seed $(NIGHTLY_SEED) --count $(NIGHTLY_SIZE) --out reports/nightly-$(NIGHTLY_SEED).jsonl
	$(BIN) run --input reports/nightly-$(NIGHTLY_SEED).jsonl $(INPUT_FLAGS) --db $(DB)
	$(BIN) gate --db $(DB) || true


clean:
	rm -rf .build reports/*.sqlite* reports/*.jsonl reports/latest
