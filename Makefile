# phone-service: the commands a person runs. `make run` and `make test` install what they need
# on a fresh Debian 12 machine with Swift.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

SWIFT ?= swift
CONFIG ?= debug
BIN = .build/$(CONFIG)/phone-service
DEB_PACKAGES = libmicrohttpd-dev libsqlite3-dev sqlite3 curl pkg-config
BENCH_PACKAGES = wrk gcc libc6-dev
LISTEN ?= 127.0.0.1:8080
DEMO_DB ?= demo/phone-service.db

.PHONY: deps build release run test lint format clean bench

## deps: install the Debian packages phone-service builds and runs with (root, or sudo).
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

release:
	$(MAKE) build CONFIG=release

## run: build, create a demo tenant (an admin and a plain user), print tokens and a curl, serve.
run: build
	DB=$(DEMO_DB) LISTEN=$(LISTEN) BIN=$(BIN) scripts/demo.sh

## test: format lint, warnings-as-errors build, and every test suite.
test: deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## bench: release build, then bench/run.sh against the C reference (minutes; not part of test).
## Settings are environment variables (BENCH_SECONDS, BENCH_LONG, ...): see docs/benchmarks.md.
bench: deps
	@missing=$$(for p in $(BENCH_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	$(SWIFT) build -c release
	BIN=.build/release/phone-service bench/run.sh

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Plugins

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Plugins

clean:
	rm -rf .build demo
