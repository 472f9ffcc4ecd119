# Sourced first by tests/systemd/run.sh and tests/deb/run.sh.
# shellcheck shell=bash
# root_within SECONDS WHY "$0" "$@": runs the calling script again as root (through `sudo -n` when
# it can; otherwise says why root is needed and exits 1), and then again under `timeout`, once, so
# that the time limit covers everything after and its signal reaches the script's process group.
root_within() {
    local limit=$1 why=$2 script=$3
    shift 3
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then exec sudo -n -E "$script" "$@"; fi
        echo "$script: needs root ($why)" >&2
        exit 1
    fi
    if [ "${_PHONE_SERVICE_TEST_TIMED:-}" != "$script" ]; then
        export _PHONE_SERVICE_TEST_TIMED=$script
        exec timeout --kill-after=20 "$limit" "$script" "$@"
    fi
}
