# The test plumbing tests/systemd/run.sh and tests/deb/run.sh share, sourced by both. Each test runs
# in a subshell with `set -e`: its first failed check ends it, and a failed test does not stop the
# next ones. The sourcing script defines `log`, counts in PASSED and FAILED, and may define
# `after_test STATUS` (run after each test, e.g. to stop a load it left or show the units' state).
# shellcheck shell=bash

PASSED=${PASSED:-0}
FAILED=${FAILED:-0}

check() {
    local description=$1
    shift
    if "$@"; then
        log "ok: $description"
    else
        log "NOT OK: $description"
        return 1
    fi
}

run_test() {
    local name=$1
    shift
    echo "--- $name"
    set +e
    (
        set -e
        "$@"
    )
    local status=$?
    set -e
    if declare -F after_test >/dev/null; then after_test "$status"; fi
    if [ $status = 0 ]; then
        echo "PASS $name"
        PASSED=$((PASSED + 1))
    else
        echo "FAIL $name"
        FAILED=$((FAILED + 1))
    fi
}

not() { ! "$@"; }
equals() { [ "$1" = "$2" ] || { log "expected '$2', got '$1'"; return 1; }; }
