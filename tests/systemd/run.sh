#!/usr/bin/env bash
# phone-service under a real systemd: boots a private systemd as PID 1 of new PID and mount
# namespaces, installs deploy/ into it with `make install-files`, and checks readiness, socket
# activation, restarts, SIGKILL under load, stop under load, the watchdog, the sandbox, and HTTPS
# through socket activation with the tenant CA's certificate and with one provided by the operator.
#
# Root only (unshare, nsenter). Prints PASS/FAIL per test and ends with
# "systemd: N passed, M failed"; exits non-zero on any failure. The whole run is bounded by
# PHONE_SERVICE_SYSTEMD_TEST_TIMEOUT seconds (default 600).
#
# Keeping the host untouched: the private systemd boots a target of its own (never sysinit.target,
# whose units would clear the host's /tmp, apply sysctls, trigger udev...), and sees the host's
# file systems read-only, with its own tmpfs on /run, /tmp, /var/tmp and /dev, and a scratch
# directory (removed afterwards) as /var/lib. The units get a test drop-in: DefaultDependencies=no
# (so that starting them does not pull sysinit.target), a free port, a 3 s watchdog.
#
# Environment: PHONE_SERVICE_BIN (a built binary; default: `swift build` here),
# PHONE_SERVICE_SYSTEMD_TEST_TIMEOUT, PYTHON (default python3).
# shellcheck disable=SC2317 # functions defined inside tests are called through check and poll
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TIME_LIMIT=${PHONE_SERVICE_SYSTEMD_TEST_TIMEOUT:-600}
PYTHON=${PYTHON:-python3}

# The time limit covers everything below; the trap below stops the private systemd.
# shellcheck source=tests/root-and-time-limit.sh
. "$HERE/../root-and-time-limit.sh"
root_within "$TIME_LIMIT" "it runs a private systemd with unshare and nsenter" "$0" "$@"

STARTED_AT=$(date +%s)
log() { echo "    $*"; }

# ---------------------------------------------------------------------------------------------
# Packages and binary

ensure_packages() {
    local missing=() pair
    for pair in systemd-analyze:systemd nsenter:util-linux unshare:util-linux flock:util-linux setpriv:util-linux \
        curl:curl sqlite3:sqlite3 python3:python3 timeout:coreutils openssl:openssl; do
        command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
    done
    [ -x /lib/systemd/systemd ] || missing+=(systemd)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}
ensure_packages

if [ -n "${PHONE_SERVICE_BIN:-}" ]; then
    BIN=$(readlink -f "$PHONE_SERVICE_BIN")
else
    (cd "$REPO" && swift build --product phone-service >/dev/null)
    BIN="$(cd "$REPO" && swift build --show-bin-path)/phone-service"
fi
[ -x "$BIN" ] || { echo "no phone-service binary at $BIN" >&2; exit 1; }

# One run at a time: the private systemd makes its cgroups in the host's hierarchy.
LOCK_FILE=/var/lock/phone-service-systemd-test.lock
[ -d /var/lock ] || LOCK_FILE=/tmp/phone-service-systemd-test.lock
exec 9>"$LOCK_FILE"
flock -w 120 9 || { echo "another systemd test run holds the lock" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# The private systemd

WORK=$(mktemp -d /var/tmp/phone-service-systemd.XXXXXX)
mkdir -p "$WORK/varlib"
SD=""           # the private systemd, as a host process id
UNSHARE=""
TEST_ROOT=/run/phone-service-test             # inside the namespaces
DB=/var/lib/private/phone-service/phone-service.db
HOST_DB="$WORK/varlib/private/phone-service/phone-service.db"
SVC_BIN=$TEST_ROOT/bin/phone-service
free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
TLS_PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
TLS_BASE="https://localhost:$TLS_PORT"
PASSED=0
FAILED=0

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pidfile
    for pidfile in "$WORK"/*.pid; do
        if [ -e "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
    done
    if [ -n "$SD" ] && kill -0 "$SD" 2>/dev/null; then
        # A clean stop first (the service drains and checkpoints), then the whole namespace.
        timeout 40 nsenter -t "$SD" -p -m -- systemctl stop phone-service.socket phone-service-tls.socket \
            phone-service.service \
            >/dev/null 2>&1 || true
        kill -KILL "$SD" 2>/dev/null || true
    fi
    if [ -n "$UNSHARE" ]; then wait "$UNSHARE" 2>/dev/null || true; fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cat >"$WORK/boot.sh" <<EOF
set -eu
# Before anything is read-only: the scratch directory becomes /var/lib.
mount --bind "$WORK/varlib" /var/lib
# Every host file system read-only, in this mount namespace only.
findmnt -rn -o TARGET,OPTIONS | awk '\$2 ~ /^rw/ { print \$1 }' | while read -r target; do
    case "\$target" in /proc* | /sys* | /dev* | /var/lib) continue ;; esac
    mount -o remount,bind,ro "\$target"
done
mount -t tmpfs -o mode=0755 tmpfs /run
# The binary and what \`make install-files\` reads, before /tmp and /var/tmp (where they may
# live) are covered.
install -D -m 0755 "$BIN" $TEST_ROOT/stage/phone-service
mkdir -p $TEST_ROOT/stage/src
cp -r "$REPO/Makefile" "$REPO/deploy" $TEST_ROOT/stage/src/
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
mount --bind /proc/sys /proc/sys
mount -o remount,bind,ro /proc/sys
# A /dev of its own, as container managers make one.
mount -t tmpfs -o mode=0755,nosuid tmpfs /dev
mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5; mknod -m 666 /dev/full c 1 7
mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9; mknod -m 666 /dev/tty c 5 0
mkdir -m 0755 /dev/pts; mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
ln -s pts/ptmx /dev/ptmx
mkdir -m 1777 /dev/shm; mount -t tmpfs -o mode=1777 tmpfs /dev/shm
ln -s /proc/self/fd /dev/fd; ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout; ln -s /proc/self/fd/2 /dev/stderr
mkdir -p /run/systemd/system
# systemd marks / shared only when the kernel starts it, not in a container; without it the
# credentials it mounts for a unit in a namespace of its own never reach the unit (an empty
# credentials directory). Shared within this namespace only: its mounts were made private first.
mount --make-rshared /
mkdir -m 1777 $TEST_ROOT/world-writable   # the sandbox test tries to write here
# Nothing may pull in the host's boot: the units below run without default dependencies.
for unit in sysinit.target basic.target sockets.target; do ln -s /dev/null /run/systemd/system/\$unit; done
cat >/run/systemd/system/phone-service-test.target <<UNIT
[Unit]
Description=phone-service systemd test
DefaultDependencies=no
Wants=systemd-journald.service
UNIT
exec env container=phone-service-test /lib/systemd/systemd --system --unit=phone-service-test.target
EOF

unshare --pid --fork --kill-child --mount-proc --mount --propagation private bash "$WORK/boot.sh" \
    >"$WORK/systemd.log" 2>&1 &
UNSHARE=$!

# Inside the namespaces. Every call is bounded.
sdx() { timeout 60 nsenter -t "$SD" -p -m -- "$@"; }
sctl() { sdx systemctl "$@"; }
prop() { sctl show -p "$2" --value "$1"; }

# Polls "$@" every 0.1 s until it succeeds or $1 seconds pass.
poll() {
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

systemd_up() {
    [ -n "$SD" ] || SD=$(pgrep -P "$UNSHARE" | head -n 1) || return 1
    [ "$(timeout 5 nsenter -t "$SD" -p -m -- systemctl is-active phone-service-test.target 2>/dev/null)" = active ]
}
if ! poll 30 systemd_up; then
    echo "the private systemd did not come up:" >&2
    cat "$WORK/systemd.log" >&2
    exit 1
fi

# ---------------------------------------------------------------------------------------------
# Test plumbing (check, run_test, not, equals): tests/harness.sh.

# shellcheck source=tests/harness.sh
. "$REPO/tests/harness.sh"
after_test() { stop_leftover_loads; }

quiet() { "$@" >/dev/null; }
healthy() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/healthz")" = 200 ]; }
is_active() { [ "$(prop phone-service.service ActiveState)" = active ]; }
restarted_since() { [ "$(prop phone-service.service NRestarts)" -gt "$1" ] && is_active; }

create_phone() { # UPN NUMBER: prints the HTTP status
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
        "$BASE/v1.0/users/$1/authentication/phoneMethods" -H "Authorization: Bearer $(cat "$WORK/token")" \
        -H 'Content-Type: application/json' -d "{\"phoneNumber\": \"$2\", \"phoneType\": \"mobile\"}"
}

# The service started on its own, binding PHONE_SERVICE_LISTEN and PHONE_SERVICE_TLS_LISTEN.
mode_direct() {
    sctl stop phone-service.socket phone-service-tls.socket phone-service.service
    sctl reset-failed phone-service.service phone-service.socket phone-service-tls.socket 2>/dev/null || true
    sctl start phone-service.service
}
# Started by phone-service.socket on the first connection.
mode_socket() {
    sctl stop phone-service.service phone-service.socket phone-service-tls.socket
    sctl reset-failed phone-service.service phone-service.socket phone-service-tls.socket 2>/dev/null || true
    sctl start phone-service.socket
    poll 20 healthy
}

# Load: load.py in the background on users [first, first + count). Each test has its own range.
start_load() { # NAME FIRST COUNT
    rm -f "$WORK/$1".{stop,out,progress}
    "$PYTHON" "$HERE/load.py" --port "$PORT" --token-file "$WORK/token" --first "$2" --count "$3" --threads 4 \
        --out "$WORK/$1.out" --progress "$WORK/$1.progress" --stop-file "$WORK/$1.stop" --seconds 120 &
    echo $! >"$WORK/$1.pid"
}
# A test that failed half-way may leave its client running.
stop_leftover_loads() {
    local pidfile
    for pidfile in "$WORK"/*.pid; do
        [ -e "$pidfile" ] || continue
        kill "$(cat "$pidfile")" 2>/dev/null || true
        wait "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
    done
}
acked() { cut -d' ' -f1 "$WORK/$1.progress" 2>/dev/null || echo 0; }
acked_at_least() { [ "$(acked "$1")" -ge "$2" ]; }
stop_load() {
    touch "$WORK/$1.stop"
    wait "$(cat "$WORK/$1.pid")" || true
    rm -f "$WORK/$1.pid"
    log "load $1: $(cut -d' ' -f1 "$WORK/$1.progress") acknowledged, $(cut -d' ' -f2 "$WORK/$1.progress") failed"
}
all_acked_present() { # NAME...
    local files=() name
    for name in "$@"; do files+=("$WORK/$name.out"); done
    local report
    report=$("$PYTHON" "$HERE/records.py" acked "$HOST_DB" "${files[@]}") || { log "$report"; return 1; }
    log "$report"
}
database_checks() { equals "$(sdx "$SVC_BIN" check --db "$DB" 2>&1)" ok; }

# A sqlite3 shell inside the namespaces, driven line by line (bash coprocess).
sql_open() { # sqlite3 options...
    coproc SQL { timeout 120 nsenter -t "$SD" -p -m -- sqlite3 -cmd ".timeout 10000" "$@" 2>&1; }
}
sql() { # statement: prints its one-line result
    local line
    echo "$1" >&"${SQL[1]}"
    read -r -t 15 line <&"${SQL[0]}" && echo "$line"
}
sql_close() {
    echo ".quit" >&"${SQL[1]}"
    wait "$SQL_PID" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# Installation: `make install-files` inside the namespaces, the binary under /run.

sdx make --no-print-directory -s -C "$TEST_ROOT/stage/src" install-files BIN="$TEST_ROOT/stage/phone-service" \
    PREFIX="$TEST_ROOT" \
    UNITDIR=/run/systemd/system >/dev/null 2>"$WORK/install.log" || { cat "$WORK/install.log" >&2; exit 1; }
echo "private systemd: pid $SD; units from deploy/ installed with ExecStart=$SVC_BIN; port $PORT"

test_verify() {
    # In a mount namespace of its own: the private systemd masks sysinit.target, which verify
    # would (rightly) report for units with default dependencies. verify starts nothing.
    local output status=0
    output=$(timeout 60 unshare --mount --propagation private bash -c "set -e
        mount -o remount,bind,ro /
        mount -t tmpfs -o mode=0755 tmpfs /run
        install -D -m 0755 '$BIN' '$TEST_ROOT/stage/phone-service'
        mkdir -p '$TEST_ROOT/stage/src'
        cp -r '$REPO/Makefile' '$REPO/deploy' '$TEST_ROOT/stage/src/'
        mount -t tmpfs -o mode=1777 tmpfs /tmp
        mount -t tmpfs -o mode=1777 tmpfs /var/tmp
        make --no-print-directory -s -C '$TEST_ROOT/stage/src' install-files BIN='$TEST_ROOT/stage/phone-service' \
            PREFIX='$TEST_ROOT' \
            UNITDIR=/run/systemd/system >/dev/null 2>&1 || { echo 'make install-files failed'; exit 1; }
        systemd-analyze verify /run/systemd/system/phone-service.service /run/systemd/system/phone-service.socket \
            /run/systemd/system/phone-service-tls.socket
        " 2>&1) || status=$?
    [ -z "$output" ] || log "$output"
    check "systemd-analyze verify succeeds and prints nothing" test "$status" = 0 -a -z "$output"
}

test_security() {
    local output score
    output=$(sdx systemd-analyze security --no-pager phone-service.service 2>&1)
    score=$(sed -n 's/.*Overall exposure level for phone-service.service: \([0-9.]*\).*/\1/p' <<<"$output")
    echo "$output" | grep '✗' | sed 's/^/      /' || true
    log "exposure score: $score"
    check "exposure score $score is at most 2.0" awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'
}

run_test "verify: systemd-analyze verify on the installed units" test_verify
run_test "security: systemd-analyze security exposure" test_security

# The test's own settings, in a drop-in; then the service's first start creates the database.
sdx sh -c "mkdir -p /run/systemd/system/phone-service.service.d /run/systemd/system/phone-service.socket.d \
    /run/systemd/system/phone-service-tls.socket.d
cat >/run/systemd/system/phone-service.service.d/test.conf <<UNIT
[Unit]
DefaultDependencies=no
[Service]
EnvironmentFile=
EnvironmentFile=$TEST_ROOT/phone-service.env
WatchdogSec=3
UNIT
cat >/run/systemd/system/phone-service.socket.d/test.conf <<UNIT
[Unit]
DefaultDependencies=no
[Socket]
ListenStream=
ListenStream=0.0.0.0:$PORT
UNIT
cat >/run/systemd/system/phone-service-tls.socket.d/test.conf <<UNIT
[Unit]
DefaultDependencies=no
[Socket]
ListenStream=
ListenStream=127.0.0.1:$TLS_PORT
UNIT
cat >$TEST_ROOT/phone-service.env <<ENV
# as in deploy/phone-service.env.example
PHONE_SERVICE_LISTEN=127.0.0.1:$PORT
PHONE_SERVICE_TLS_LISTEN=127.0.0.1:$TLS_PORT
PHONE_SERVICE_DURABILITY=full
PHONE_SERVICE_DRAIN_TIMEOUT=10
PHONE_SERVICE_ARGS=--threads 3 --connection-timeout 20
ENV
systemctl daemon-reload"
sctl start phone-service.service
# A tenant: an administrator who may create phones for others, and users load-1 ... load-30000
# (inserted in one transaction: thousands of `phone-service user add` would take minutes).
sdx "$SVC_BIN" user add --db "$DB" admin@contoso.com --role privilegedAuthenticationAdministrator >/dev/null
sdx "$SVC_BIN" token --db "$DB" --user admin@contoso.com --scopes "UserAuthenticationMethod.ReadWrite.All" \
    --expires 3600 >"$WORK/token"
sdx sqlite3 "$DB" "PRAGMA busy_timeout = 10000;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
    INSERT INTO user (id, user_principal_name, display_name, created_at)
    SELECT printf('%08x-0000-4000-8000-%012x', i, i), 'load-' || i || '@contoso.com', 'load ' || i,
        strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM n;" >/dev/null
sctl stop phone-service.service

test_start() {
    # Hold SQLite's write lock: start-up (migrations, tenant) waits for it, so the service is
    # running but not ready. systemd must keep the unit "activating" and nothing may answer.
    sql_open "$DB"
    check "a client holds the database's write lock" equals "$(sql "BEGIN IMMEDIATE; SELECT 'locked';")" locked
    sctl start --no-block phone-service.service
    main_running() { [ "$(prop phone-service.service MainPID)" != 0 ]; }
    check "the service process is running" poll 10 main_running
    local i
    for i in 1 2 3; do
        equals "$(prop phone-service.service ActiveState)" activating
        if curl -s -o /dev/null --max-time 1 "$BASE/healthz"; then
            log "answered before it was ready"
            return 1
        fi
        sleep 0.2
    done
    log "ok: activating and not answering while the database is locked"
    sql "ROLLBACK; SELECT 'released';" >/dev/null
    sql_close
    # `systemctl start` returns when the start job is done, that is on READY=1.
    check "systemctl start returns successfully" sctl start phone-service.service
    local health
    health=$(curl -s --max-time 5 "$BASE/healthz")
    check "/healthz answers at once: $health" grep -q '"status":"ok"' <<<"$health"
    check "the unit is active" is_active
    local status
    status=$(prop phone-service.service StatusText)
    check "StatusText is the service's STATUS= ($status)" \
        grep -q "^serving on 127.0.0.1:$PORT and https://127.0.0.1:$TLS_PORT, schema [0-9]" <<<"$status"
    local started ready
    started=$(prop phone-service.service ExecMainStartTimestampMonotonic)
    ready=$(prop phone-service.service ActiveEnterTimestampMonotonic)
    log "active $(((ready - started) / 1000)) ms after the process started"
    check "systemd waited for READY=1, not for the process to start" test $((ready - started)) -ge 500000
    local cmdline
    cmdline=$(sdx cat "/proc/$(prop phone-service.service MainPID)/cmdline" | tr '\0' ' ')
    check "settings come from the environment file ($cmdline)" \
        grep -q -- "--listen 127.0.0.1:$PORT --tls-listen 127.0.0.1:$TLS_PORT --durability full --drain-timeout 10 --threads 3 --connection-timeout 20" \
        <<<"$cmdline"
}
run_test "start: active only after READY=1, STATUS shown" test_start

test_socket() {
    sctl stop phone-service.service
    sctl start phone-service.socket
    check "the socket is listening, the service is not running" \
        equals "$(prop phone-service.socket ActiveState)/$(prop phone-service.service ActiveState)" active/inactive
    local health
    health=$(curl -s --max-time 20 "$BASE/healthz")
    check "the first request is answered ($health)" grep -q '"status":"ok"' <<<"$health"
    check "and it started the service" is_active
    check "a create through the socket: 201" equals "$(create_phone load-29999@contoso.com "+1 4255550100")" 201
    check "the service took systemd's socket (LISTEN_FDS)" \
        sh -c "timeout 10 nsenter -t $SD -p -m -- journalctl -u phone-service -o cat | grep -q 'address=(inherited)'"
    # IPAddressDeny=any with IPAddressAllow=localhost: the socket listens on 0.0.0.0 here, yet a
    # peer with another address (this host's own, if it has one) gets no answer.
    local other
    other=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.' | grep -v '^127\.' | head -n 1 || true)
    if [ -n "$other" ]; then
        check "a peer at $other is dropped by IPAddressDeny" \
            not curl -s -o /dev/null --max-time 2 "http://$other:$PORT/healthz"
    else
        log "skipped: no non-loopback address to test IPAddressDeny with"
    fi
}
run_test "socket: the first request activates the service" test_socket

test_restart() {
    mode_direct
    start_load restart 1 2000
    check "load is running" poll 30 acked_at_least restart 30
    local before
    before=$(acked restart)
    check "systemctl restart under load" sctl restart phone-service.service
    check "creates succeed again after the restart" poll 30 acked_at_least restart $((before + 30))
    stop_load restart
    check "every acknowledged phone is still there" all_acked_present restart
    local status
    status=$(curl -s --max-time 5 "$BASE/v1.0/users/load-1@contoso.com/authentication/phoneMethods" \
        -H "Authorization: Bearer $(cat "$WORK/token")")
    check "and the API lists them" grep -q '"phoneNumber":"+1 2000000001"' <<<"$status"
    check "phone-service check passes" database_checks
}
run_test "restart: phones survive systemctl restart" test_restart

kill_round() { # ROUND MODE
    local name=kill$1
    if [ "$2" = socket ]; then mode_socket; else mode_direct; fi
    sctl reset-failed phone-service.service 2>/dev/null || true
    local restarts main
    restarts=$(prop phone-service.service NRestarts)
    main=$(prop phone-service.service MainPID)
    start_load "$name" $((2000 + $1 * 2000)) 2000
    check "load is running" poll 30 acked_at_least "$name" 30
    sctl kill -s SIGKILL phone-service.service
    check "Restart=on-failure brings it back" poll 30 restarted_since "$restarts"
    check "it is a new process" test "$(prop phone-service.service MainPID)" != "$main"
    local before
    before=$(acked "$name")
    check "creates succeed again" poll 30 acked_at_least "$name" $((before + 30))
    stop_load "$name"
    check "every acknowledged phone is present" all_acked_present "$name"
    check "phone-service check passes" database_checks
    if [ "$2" = socket ]; then
        check "no client was refused: systemd held the socket during the restart" \
            not grep -q ConnectionRefused "$WORK/$name.out"
    fi
}
for round in 1 2 3 4; do
    mode=direct
    [ $round -gt 2 ] && mode=socket
    run_test "kill: SIGKILL under load, round $round of 4 ($mode), nothing acknowledged is lost" \
        kill_round $round $mode
done

test_stop() {
    mode_direct
    # Users 12000 to 25999: enough that the load is still running when the lock is taken (2,000
    # were all created within a second once creates got faster, and nothing was in flight).
    start_load stop 12000 14000
    check "load is running" poll 30 acked_at_least stop 30
    local main stopped_at
    main=$(prop phone-service.service MainPID)
    # Make sure requests are in flight when SIGTERM arrives: hold the write lock, so that the
    # creates the client keeps sending wait inside the service (busy_timeout, 5 s).
    sql_open "$DB"
    check "a client holds the database's write lock" equals "$(sql "BEGIN IMMEDIATE; SELECT 'locked';")" locked
    sleep 0.3 # lets the client's next requests reach the service; the in-flight count is checked below
    stopped_at=$(date +%s.%N)
    sctl stop --no-block phone-service.service
    stopping_logged() { sdx journalctl "_PID=$main" -o cat | grep -q 'signal=SIGTERM .*stopping'; }
    check "the service logs 'stopping'" poll 10 stopping_logged
    sql "ROLLBACK; SELECT 'released';" >/dev/null
    sql_close
    inactive() { [ "$(prop phone-service.service ActiveState)" = inactive ]; }
    check "systemctl stop completes" poll 30 inactive
    stop_load stop
    # ExecMainStatus is the exit status; Result would be exit-code or signal otherwise.
    check "the main process exited 0" equals \
        "$(prop phone-service.service ExecMainStatus)/$(prop phone-service.service Result)" 0/success
    local journal in_flight
    journal=$(sdx journalctl "_PID=$main" -o cat)
    in_flight=$(sed -n 's/.*in-flight=\([0-9]*\) signal=SIGTERM.*stopping.*/\1/p' <<<"$journal")
    check "requests were in flight at SIGTERM (${in_flight:-?})" test "${in_flight:-0}" -ge 1
    local report
    report=$("$PYTHON" "$HERE/records.py" answered "$stopped_at" "$WORK/stop.out") || { log "$report"; false; }
    log "$report"
    check "the journal shows the drain" grep -q 'complete=true .*drained' <<<"$journal"
    check "and the clean stop" grep -q 'stopped' <<<"$journal"
    check "the WAL was checkpointed into the database" test ! -s "$HOST_DB-wal"
    check "every acknowledged phone is present" all_acked_present stop
    check "phone-service check passes" database_checks
}
run_test "stop: systemctl stop under load exits 0 and answers in-flight requests" test_stop

test_watchdog() {
    mode_direct
    check "WatchdogSec=3 reaches the service" equals "$(prop phone-service.service WatchdogUSec)" 3s
    local restarts since
    restarts=$(prop phone-service.service NRestarts)
    since=$(date +%s)
    # The database stops answering: another process holds its write lock, so the probe times out.
    sql_open "$DB"
    check "a client holds the database's write lock" equals "$(sql "BEGIN IMMEDIATE; SELECT 'locked';")" locked
    watchdog_fired() { [ "$(prop phone-service.service Result)" = watchdog ] || [ "$(prop phone-service.service NRestarts)" -gt "$restarts" ]; }
    check "systemd's watchdog fires" poll 30 watchdog_fired
    log "fired after $(($(date +%s) - since)) s"
    sql "ROLLBACK; SELECT 'released';" >/dev/null
    sql_close
    check "and the service is restarted" poll 40 restarted_since "$restarts"
    local journal
    journal=$(sdx journalctl -u phone-service.service --since "@$since" -o cat)
    check "the journal shows the watchdog timeout" grep -q 'Watchdog timeout' <<<"$journal"
    check "SIGABRT ended the process at once" grep -q 'code=killed, status=6/ABRT' <<<"$journal"
    check "a create succeeds afterwards" equals "$(create_phone load-29998@contoso.com "+1 4255550101")" 201
}
run_test "watchdog: a database that stops answering gets the service restarted" test_watchdog

test_sandbox() {
    mode_direct
    local main uid gid
    main=$(prop phone-service.service MainPID)
    uid=$(prop phone-service.service UID)
    gid=$(prop phone-service.service GID)
    log "main pid $main (in the namespace), dynamic user $uid:$gid"
    check "a dynamic user, not root" test "$uid" -gt 0 -a "$gid" -gt 0
    local status
    status=$(sdx cat "/proc/$main/status")
    check "no capabilities at all" grep -q '^CapBnd:[[:space:]]*0000000000000000$' <<<"$status"
    check "no effective capabilities" grep -q '^CapEff:[[:space:]]*0000000000000000$' <<<"$status"
    check "NoNewPrivileges" grep -q '^NoNewPrivs:[[:space:]]*1$' <<<"$status"
    check "a seccomp filter" grep -q '^Seccomp:[[:space:]]*2$' <<<"$status"
    # Each write is tried twice: outside the sandbox (in the private systemd's own view, where it
    # must work, so that only the sandbox can make the difference) and inside the service's mount
    # (and user) namespace. The host's file systems (/etc, /usr, this repository...) are
    # read-only in that view already, so the places tried are the writable ones.
    as_service() { sdx nsenter -t "$main" -m -U -S "$uid" -G "$gid" -- sh -c "$1" >/dev/null 2>&1; }
    as_user_outside() { sdx setpriv --reuid="$uid" --regid="$gid" --clear-groups -- sh -c "$1" >/dev/null 2>&1; }
    as_root_inside() { sdx nsenter -t "$main" -m -- sh -c "$1" >/dev/null 2>&1; }
    local shared=$TEST_ROOT/world-writable
    check "its user may write to world-writable $shared from outside" \
        as_user_outside "echo x > $shared/probe && rm $shared/probe"
    check "but not from inside the sandbox (ProtectSystem=strict)" not as_service "echo x > $shared/probe"
    local path
    for path in /run /var/lib /var/lib/private "$TEST_ROOT/bin"; do
        check "root may write to $path outside" sdx sh -c "echo x > $path/probe && rm $path/probe"
        check "inside the sandbox even root may not write to $path" not as_root_inside "echo x > $path/probe"
    done
    check "its user may list /home outside" as_user_outside "ls /home"
    check "but /home and /root are hidden inside (ProtectHome)" not as_service "ls /home; ls /root"
    check "it writes to its state directory" \
        as_service "echo x > /var/lib/phone-service/probe && rm /var/lib/phone-service/probe"
    check "its /tmp is its own" as_service "echo x > /tmp/sandbox-probe"
    check "which nobody else sees" sdx test ! -e /tmp/sandbox-probe
    # Everything its user can write to, as it sees the file system.
    local writable
    writable=$(sdx nsenter -t "$main" -m -U -S "$uid" -G "$gid" -- \
        find / \( -path /proc -o -path /sys \) -prune -o -type d -writable -print 2>/dev/null | sort | tr '\n' ' ' || true)
    writable=${writable% }
    check "the only directories it can write to: ${writable:-none}" \
        equals "$writable" "/tmp /var/lib/private/phone-service /var/lib/private/phone-service/phone-service.db.tls /var/tmp"
    local files
    files=$(sdx stat -c '%a %u %g %n' /var/lib/private/phone-service /var/lib/private/phone-service/phone-service.db \
        /var/lib/private/phone-service/phone-service.db-wal /var/lib/private/phone-service/phone-service.db-shm)
    local line
    while read -r line; do log "  $line"; done <<<"$files"
    check "state directory 0700, database, -wal and -shm 0600, all owned by the dynamic user" \
        equals "$(awk '{ print $1, $2, $3 }' <<<"$files" | sort -u | tr '\n' ';')" \
        "600 $uid $gid;700 $uid $gid;"
}
run_test "sandbox: no writes outside the state directory, private files" test_sandbox

test_inspection() {
    mode_direct
    local main
    main=$(prop phone-service.service MainPID)
    # The operator's read-only shell holds a read transaction (a snapshot) while the service writes.
    sql_open -readonly "$DB"
    local before
    before=$(sql "BEGIN; SELECT count(*) FROM phone_method;")
    check "sqlite3 -readonly holds a read transaction ($before phones)" test -n "$before"
    local i
    for i in 1 2 3; do
        check "create $i while it is open: 201" equals "$(create_phone "load-2999$i@contoso.com" "+1 425555020$i")" 201
    done
    check "the reader's snapshot was open all along" equals "$(sql "SELECT count(*) FROM phone_method;")" "$before"
    check "and sees the new phones after it ends it" \
        equals "$(sql "COMMIT; SELECT count(*) FROM phone_method;")" $((before + 3))
    sql_close
    check "the service never restarted" equals "$(prop phone-service.service MainPID)" "$main"
}
run_test "inspection: sqlite3 -readonly does not block the service" test_inspection

phones_of() { # UPN: the user's phone methods, as the API lists them
    curl -s --max-time 10 "$BASE/v1.0/users/$1/authentication/phoneMethods" \
        -H "Authorization: Bearer $(cat "$WORK/token")"
}

test_backup_restore() {
    mode_direct
    check "a phone before the backup: 201" equals "$(create_phone load-29980@contoso.com "+1 4255550300")" 201
    check "phone-service backup while the service runs" quiet sdx "$SVC_BIN" backup --db "$DB" "$TEST_ROOT/backup.db"
    check "a phone after the backup: 201" equals "$(create_phone load-29981@contoso.com "+1 4255550301")" 201
    sctl stop phone-service.service
    check "restore refuses to overwrite without --force" \
        not quiet sdx "$SVC_BIN" restore --db "$DB" "$TEST_ROOT/backup.db" 2>/dev/null
    check "restore --force with the service stopped" \
        quiet sdx "$SVC_BIN" restore --db "$DB" "$TEST_ROOT/backup.db" --force
    check "the service starts on the restored database" sctl start phone-service.service
    check "the phone from before the backup is there" grep -q '"+1 4255550300"' <<<"$(phones_of load-29980@contoso.com)"
    check "the one from after it is not" grep -q '"value":\[\]' <<<"$(phones_of load-29981@contoso.com)"
    check "phone-service check passes" database_checks
}
run_test "backup: backup while serving, restore with the service stopped" test_backup_restore

# HTTPS: curl trusting only the given CA file.
https_status() { # CA_FILE PATH
    curl -s -o /dev/null -w '%{http_code}' --max-time 20 --capath /nonexistent --cacert "$1" "$TLS_BASE$2" \
        -H "Authorization: Bearer $(cat "$WORK/token")"
}
# Both sockets listening, the service not running: the first HTTPS connection starts it.
mode_both_sockets() {
    sctl stop phone-service.service phone-service.socket phone-service-tls.socket
    sctl reset-failed phone-service.service phone-service.socket phone-service-tls.socket 2>/dev/null || true
    sctl start phone-service.socket phone-service-tls.socket
}
journal_since() { sdx journalctl -u phone-service.service --since "@$1" -o cat; }

test_https_socket() {
    mode_direct
    sdx "$SVC_BIN" tls ca-cert --db "$DB" >"$WORK/tenant-ca.pem"
    check "the tenant's CA, printed by phone-service tls ca-cert" grep -q 'BEGIN CERTIFICATE' "$WORK/tenant-ca.pem"
    check "HTTPS when started on its own (PHONE_SERVICE_TLS_LISTEN)" \
        equals "$(https_status "$WORK/tenant-ca.pem" /healthz)" 200
    local since
    since=$(date +%s)
    mode_both_sockets
    check "both sockets listen, the service is not running" equals \
        "$(prop phone-service.socket ActiveState)/$(prop phone-service-tls.socket ActiveState)/$(prop phone-service.service ActiveState)" \
        active/active/inactive
    check "the first HTTPS request is answered, trusting the tenant's CA" \
        equals "$(https_status "$WORK/tenant-ca.pem" "/v1.0/users/load-29990%40contoso.com/authentication/phoneMethods")" 200
    check "and it started the service" is_active
    check "plain HTTP through the other socket" healthy
    local journal
    journal=$(journal_since "$since")
    check "the service took both sockets, HTTPS by its name" \
        grep -q 'address=(inherited).*scheme=https' <<<"$journal"
    check "and plain HTTP on the other" grep -q 'address=(inherited).*scheme=http ' <<<"$journal"
    check "with the tenant CA's certificate, kept from the first start" grep -q 'source=kept' <<<"$journal"
    check "a client that does not trust the CA is refused" \
        not curl -s -o /dev/null --max-time 10 "$TLS_BASE/healthz"
    local status
    status=$(prop phone-service.service StatusText)
    check "STATUS names both ($status)" grep -q 'https://' <<<"$status"
    # The service lets go of systemd's sockets without shutting them down.
    sctl stop phone-service.service
    check "stopping only the service leaves both sockets listening" equals \
        "$(prop phone-service.socket ActiveState)/$(prop phone-service-tls.socket ActiveState)" active/active
    check "and the next HTTPS connection starts it again" \
        equals "$(https_status "$WORK/tenant-ca.pem" /healthz)" 200
}
run_test "https: both sockets, HTTPS by FileDescriptorName, the tenant CA's certificate" test_https_socket

test_https_provided() {
    # An operator's CA and a server certificate from it (openssl).
    local pki="$WORK/pki"
    mkdir -p "$pki"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=operator-ca \
        -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
        -keyout "$pki/server.key" -out "$pki/server.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$pki/ext"
    openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
        -extfile "$pki/ext" -out "$pki/server.pem" 2>/dev/null
    # Root's files, handed to the service as systemd credentials (LoadCredential=, as
    # deploy/README.md recommends): the dynamic user never reads the originals.
    local tls_dir=$TEST_ROOT/operator-tls
    cat "$pki/server.pem" "$pki/ca.pem" | sdx sh -c "mkdir -m 0700 -p $tls_dir; cat >$tls_dir/fullchain.pem"
    sdx sh -c "cat >$tls_dir/privkey.pem; chmod 0600 $tls_dir/privkey.pem" <"$pki/server.key"
    local dropin=/run/systemd/system/phone-service.service.d   # test.conf is there already
    sdx sh -c "cat >$dropin/tls.conf" <<UNIT
[Service]
LoadCredential=tls-cert:$tls_dir/fullchain.pem
LoadCredential=tls-key:$tls_dir/privkey.pem
UNIT
    sctl daemon-reload
    local since
    since=$(date +%s)
    mode_both_sockets
    check "HTTPS through socket activation with the operator's certificate" \
        equals "$(https_status "$pki/ca.pem" /healthz)" 200
    check "the tenant's CA is not trusted for it" not equals "$(https_status "$WORK/tenant-ca.pem" /healthz)" 200
    check "the service says so" grep -q 'source=provided' <<<"$(journal_since "$since")"
    # A certificate that does not match its key: one line, the unit fails, nothing half-started.
    sdx sh -c "cat >$tls_dir/privkey.pem" <"$pki/ca.key"
    since=$(date +%s)
    sctl stop phone-service.service phone-service.socket phone-service-tls.socket
    sctl reset-failed phone-service.service 2>/dev/null || true
    check "a mismatched key fails the start" not sctl start phone-service.service
    failed_with_reason() {
        journal_since "$since" | grep -q "error: the private key in '/run/credentials/phone-service.service/tls-key' does not belong"
    }
    check "with one clear line in the journal" poll 10 failed_with_reason
    sdx rm "$dropin/tls.conf"
    sctl daemon-reload
    sctl reset-failed phone-service.service 2>/dev/null || true
    mode_direct
    check "without them, the tenant CA's certificate again" \
        equals "$(https_status "$WORK/tenant-ca.pem" /healthz)" 200
}
run_test "https: the operator's certificate (LoadCredential=) through socket activation" test_https_provided

test_install_layout() {
    local dest="$WORK/destdir"
    make --no-print-directory -s -C "$REPO" install-files BIN="$BIN" DESTDIR="$dest" >/dev/null 2>&1
    check "binary in PREFIX/bin" test -x "$dest/usr/local/bin/phone-service"
    check "units in PREFIX/lib/systemd/system, @BINDIR@ replaced" \
        grep -q '^ExecStart=/usr/local/bin/phone-service serve ' "$dest/usr/local/lib/systemd/system/phone-service.service"
    check "socket units installed" test -f "$dest/usr/local/lib/systemd/system/phone-service.socket" \
        -a -f "$dest/usr/local/lib/systemd/system/phone-service-tls.socket"
    check "example environment file in the docs" test -f "$dest/usr/local/share/doc/phone-service/phone-service.env.example"
    make --no-print-directory -s -C "$REPO" uninstall DESTDIR="$dest" >/dev/null 2>&1
    check "make uninstall removes them all" test -z "$(find "$dest" -type f)"
}
run_test "install: make install-files and uninstall with DESTDIR" test_install_layout

if [ "$FAILED" -gt 0 ]; then
    echo "--- the service's journal (last 60 lines)"
    sdx journalctl -u phone-service.service -u phone-service.socket -n 60 --no-pager -o short-precise \
        | grep -v 'status=201' || true
fi
echo "time: $(($(date +%s) - STARTED_AT)) s"
echo "systemd: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
