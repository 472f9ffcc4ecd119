# phone-service: the commands a person runs. `make run` and `make test` install what they need
# on a fresh Debian 12 machine with Swift.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

SWIFT ?= swift
CONFIG ?= debug
BIN = .build/$(CONFIG)/phone-service
DEB_PACKAGES = libmicrohttpd-dev libsqlite3-dev sqlite3 curl pkg-config
LISTEN ?= 127.0.0.1:8080
DEMO_DB ?= demo/phone-service.db

VENV ?= .venv
PYTHON_REQUIREMENTS = tests/sdk/requirements.txt

.PHONY: deps build release run test test-python openapi lint format clean

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
	$(MAKE) test-python

## The Python virtual environment for tests/sdk and tests/openapi: made once, reinstalled when
## the pinned requirements change. --no-compile: the SDKs hold ~50,000 modules and the tests
## import a few thousand; Python compiles those on first import instead.
$(VENV)/.requirements: $(PYTHON_REQUIREMENTS)
	@if ! [ -x $(VENV)/bin/python ]; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		command -v python3 >/dev/null || { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3; }; \
		python3 -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV); \
			$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-venv && python3 -m venv $(VENV); }; \
	fi
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-compile -r $(PYTHON_REQUIREMENTS)
	cp $(PYTHON_REQUIREMENTS) $@

## test-python: Microsoft's Graph SDKs against the service, the OpenAPI document checked against
## it, then schemathesis fuzzing it from the document (tests/sdk/README.md).
test-python: build $(VENV)/.requirements
	$(VENV)/bin/python -m pytest -p no:cacheprovider tests/sdk tests/openapi
	$(VENV)/bin/python tests/openapi/run_schemathesis.py

## openapi: rewrite docs/openapi.yaml from tests/openapi/build_document.py.
openapi: $(VENV)/.requirements
	$(VENV)/bin/python tests/openapi/build_document.py > docs/openapi.yaml.tmp
	mv docs/openapi.yaml.tmp docs/openapi.yaml

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Plugins

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Plugins

clean:
	rm -rf .build demo
