# phone-service: the commands a person runs. `make run` and `make test` install what they need
# on a fresh Debian 12 machine with Swift.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

SWIFT ?= swift
CONFIG ?= debug
BIN = .build/$(CONFIG)/phone-service
DEB_PACKAGES = libmicrohttpd-dev libgnutls28-dev libsqlite3-dev sqlite3 curl openssl pkg-config
BENCH_PACKAGES = wrk gcc libc6-dev
# The browser the dashboard's tests drive (tests/dashboard), headless.
BROWSER_PACKAGES = chromium chromium-driver
LISTEN ?= 127.0.0.1:8080
TLS_LISTEN ?= 127.0.0.1:8443
DEMO_DB ?= demo/phone-service.db

VENV ?= .venv
PYTHON_REQUIREMENTS = tests/sdk/requirements.txt

# The libFuzzer targets under Fuzz/ and how long `make fuzz` runs each (two at a time).
FUZZ_TARGETS = FuzzJSON FuzzJWT FuzzPhoneBody FuzzRouter
FUZZ_SECONDS ?= 20
# The Swift runtime's crash handler trips over AddressSanitizer; libFuzzer and ASan report instead.
SANITIZER_ENV = SWIFT_BACKTRACE=enable=no

.PHONY: deps build release run test test-python test-systemd openapi schema lint format clean install install-files
.PHONY: uninstall bench
.PHONY: test-dashboard browser-deps dashboard-screenshots
.PHONY: fuzz fuzz-build check-memory
.PHONY: deb test-deb

# Install layout. systemd reads units from $(PREFIX)/lib/systemd/system for PREFIX /usr/local and
# /usr; with any other PREFIX, pass UNITDIR=/etc/systemd/system.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
UNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/phone-service
DESTDIR ?=
UNITS = phone-service.service phone-service.socket phone-service-tls.socket

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

## run: build, create a demo tenant (an admin and a plain user), print tokens, a curl and how to
## trust the tenant's CA, serve HTTP on LISTEN and HTTPS on TLS_LISTEN.
run: build
	DB=$(DEMO_DB) LISTEN=$(LISTEN) TLS_LISTEN=$(TLS_LISTEN) BIN=$(BIN) scripts/demo.sh

## test: format lint, warnings-as-errors build, every test suite, the Python, dashboard and systemd tests, a
## bounded fuzz run, and the test suites again under AddressSanitizer and LeakSanitizer.
test: deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) test-python
	$(MAKE) test-dashboard
	$(MAKE) test-systemd
	$(MAKE) test-deb
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory check-memory

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
	$(VENV)/bin/python -m pytest -p no:cacheprovider tests/sdk tests/openapi tests/example tests/identity
	$(VENV)/bin/python tests/openapi/run_schemathesis.py

## test-dashboard: the dashboard in headless Chromium (Selenium) and the Prometheus metrics, against
## a running service (tests/dashboard). Screenshots land in .build/dashboard-screenshots.
test-dashboard: build browser-deps $(VENV)/.requirements
	$(VENV)/bin/python -m pytest -p no:cacheprovider tests/dashboard

browser-deps:
	@missing=$$(for p in $(BROWSER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## dashboard-screenshots: run the dashboard's tests, then copy their screenshots to docs/images.
dashboard-screenshots: test-dashboard
	cp .build/dashboard-screenshots/dashboard-*.png docs/images/

## openapi: rewrite docs/openapi.yaml from tests/openapi/build_document.py.
openapi: $(VENV)/.requirements
	$(VENV)/bin/python tests/openapi/build_document.py > docs/openapi.yaml.tmp
	mv docs/openapi.yaml.tmp docs/openapi.yaml

## test-systemd: the deployment tests under a private systemd (root; see tests/systemd/run.sh).
test-systemd:
	tests/systemd/run.sh

## deb: the Debian package, $(DEB_DIR)/phone-service_VERSION_ARCH.deb, built with dpkg-buildpackage
## (debian/; VERSION is debian/changelog's first entry). Needs Swift on this machine besides the
## Build-Depends, which it installs; the Swift build is kept in .build-deb between runs.
DEB_DIR ?= dist
DEB_BUILD_PACKAGES = dpkg-dev debhelper lintian
deb:
	@command -v $(SWIFT) >/dev/null || { echo "make deb: needs Swift 6.3 ($(SWIFT)) on PATH" >&2; exit 1; }
	@missing=$$(for p in $(DEB_BUILD_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ] || ! dpkg-checkbuilddeps >/dev/null 2>&1; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEB_BUILD_PACKAGES) \
			&& DEBIAN_FRONTEND=noninteractive $$SUDO apt-get build-dep -y -qq ./; \
	fi
	mkdir -p $(DEB_DIR)
	name=phone-service_$$(dpkg-parsechangelog -S Version)_$$(dpkg --print-architecture); \
	SWIFT=$(SWIFT) DEB_OUTPUT_DIR=$(CURDIR)/$(DEB_DIR) dpkg-buildpackage -us -uc -b \
		--buildinfo-option=-u$(CURDIR)/$(DEB_DIR) --buildinfo-file=$(DEB_DIR)/$$name.buildinfo \
		--changes-option=-u$(CURDIR)/$(DEB_DIR) --changes-file=$(DEB_DIR)/$$name.changes
	@ls -l $(DEB_DIR)/phone-service_$$(dpkg-parsechangelog -S Version)_$$(dpkg --print-architecture).deb

## test-deb: lintian on the package (fails on an error or a warning), then tests/deb/run.sh installs,
## upgrades, removes and purges it in a fresh Debian 12 root under its own systemd (root).
test-deb: deb
	deb=$(DEB_DIR)/phone-service_$$(dpkg-parsechangelog -S Version)_$$(dpkg --print-architecture).deb; \
	lintian --fail-on error,warning "$$deb" && \
	tests/deb/run.sh "$$deb"

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

## fuzz: build the libFuzzer targets (Fuzz/, instrumented with coverage and ASan, in .build-fuzz)
## and run each for FUZZ_SECONDS from its committed seeds (Fuzz/corpus/TARGET) plus what earlier
## runs found (.build-fuzz/corpus/TARGET). Fails on a crash, a leak, a broken property or a hang;
## the input that did it is saved in .build-fuzz/artifacts/. Replay one: .build-fuzz/debug/TARGET FILE
fuzz: fuzz-build
	@$(MAKE) --no-print-directory -j2 $(FUZZ_TARGETS:%=fuzz-run-%)

fuzz-build: deps
	@for target in $(FUZZ_TARGETS); do \
		PHONE_SERVICE_FUZZ=1 $(SWIFT) build --scratch-path .build-fuzz --product $$target; \
	done

fuzz-run-%:
	@mkdir -p .build-fuzz/corpus/$* .build-fuzz/artifacts
	@if $(SANITIZER_ENV) LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/lsan.supp \
		.build-fuzz/debug/$* -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
		-artifact_prefix=.build-fuzz/artifacts/$*- .build-fuzz/corpus/$* Fuzz/corpus/$* \
		>.build-fuzz/$*.log 2>&1; then \
		awk -v target=$* '/^stat::number_of_executed_units/ {runs = $$2} /^stat::average_exec_per_sec/ {rate = $$2} \
			match($$0, /cov: [0-9]+/) {cov = substr($$0, RSTART + 5, RLENGTH - 5)} \
			END {printf "%s: %d runs, %d exec/s, coverage %d, no crash\n", target, runs, rate, cov}' .build-fuzz/$*.log; \
	else \
		tail -n 80 .build-fuzz/$*.log; echo "$*: FAILED (log: .build-fuzz/$*.log)"; exit 1; \
	fi

## check-memory: build and run the test suites under AddressSanitizer, with LeakSanitizer, in
## .build-asan (the tests that start phone-service start the ASan build of it, so the binary and
## its command line are checked too). Tests/lsan.supp lists the toolchain's own leaks, with why.
check-memory: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan 2>&1 \
		| { grep -v "Cannot export local symbol" || true; }
	$(SANITIZER_ENV) ASAN_OPTIONS=detect_leaks=1:handle_sigill=1 LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp \
		timeout 1200 $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan

## schema: rewrite Migrations/schema.sql, the whole schema as the sqlite3 shell's `.schema` prints it
## for a fresh database the built binary made (every migration applied), under a header. For reading
## only; the numbered migrations are the source. Tests/PhoneStoreTests/SchemaFileTests fails when stale.
schema: build
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(BIN) user list --db "$$tmp/schema.db" >/dev/null; \
	{ \
		echo '-- Generated by `make schema`: the whole schema after every migration, as `.schema` in the'; \
		echo '-- sqlite3 shell prints it for a fresh database. Do not edit: the numbered migrations in this'; \
		echo '-- folder are the source of truth; change the schema with a new one, then run `make schema`.'; \
		echo; \
		sqlite3 -init /dev/null -bail "$$tmp/schema.db" .schema; \
	} > "$$tmp/schema.sql"; \
	mv "$$tmp/schema.sql" Migrations/schema.sql; \
	echo "wrote Migrations/schema.sql"

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Plugins Fuzz

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Plugins Fuzz

## install: a release build (Swift runtime linked statically), the binary and the systemd units.
install: deps
	$(SWIFT) build -c release --static-swift-stdlib --product phone-service
	$(MAKE) install-files BIN=.build/release/phone-service

## install-files: installs $(BIN) as built, the units with @BINDIR@ filled in, and the docs; then
## reloads systemd when it was running before (and DESTDIR is empty).
install-files:
	@booted=$$([ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ] && echo yes || true); \
	set -x; \
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/phone-service; \
	install -d -m 0755 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR); \
	for unit in $(UNITS); do \
		sed 's|@BINDIR@|$(BINDIR)|g' deploy/$$unit > $(DESTDIR)$(UNITDIR)/$$unit; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$unit; \
	done; \
	install -m 0644 deploy/phone-service.env.example deploy/README.md $(DESTDIR)$(DOCDIR)/; \
	if [ -n "$$booted" ]; then systemctl daemon-reload; fi

## uninstall: removes what install put in place (never the database under /var/lib).
uninstall:
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		systemctl disable --now $(UNITS) 2>/dev/null || true; \
	fi
	rm -f $(DESTDIR)$(BINDIR)/phone-service $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	rm -rf $(DESTDIR)$(DOCDIR)
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi

clean:
	rm -rf .build .build-fuzz .build-asan .build-deb dist demo
