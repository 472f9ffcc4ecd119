# Load for tests/deb's upgrade test, sourced by tests.sh (sdx, log, WORK, ROOT, SD, DB, HERE are
# run.sh's and tests.sh's).
# shellcheck shell=bash

# Load during the upgrade: tests/systemd's load.py in the root's network (plain HTTP through the
# socket unit), creating a phone for each of users load-1... (inserted in one transaction, as
# tests/systemd does), then its records.py checks that every 201 is in the database.
SYSTEMD_TESTS=$(cd "$HERE/../systemd" && pwd)
HOST_DB=$ROOT/var/lib/private/phone-service/phone-service.db
acked() { cut -d' ' -f1 "$WORK/load.progress" 2>/dev/null || echo 0; }
acked_at_least() { [ "$(acked)" -ge "$1" ]; }
start_load() {
    sdx sqlite3 "$DB" "PRAGMA busy_timeout = 10000;
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
        INSERT INTO user (id, user_principal_name, display_name, created_at)
        SELECT printf('%08x-0000-4000-8000-%012x', i, i), 'load-' || i || '@contoso.com', 'load ' || i,
            strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM n;" >/dev/null
    timeout 150 nsenter -t "$SD" -n -- python3 "$SYSTEMD_TESTS/load.py" --port 8080 --token-file "$WORK/token" \
        --first 1 --count 50000 --threads 4 --out "$WORK/load.out" --progress "$WORK/load.progress" \
        --stop-file "$WORK/load.stop" --seconds 120 &
    echo $! >"$WORK/load.pid"
}
stop_load() {
    touch "$WORK/load.stop"
    wait "$(cat "$WORK/load.pid")" || true
    rm -f "$WORK/load.pid"
    log "load: $(acked) acknowledged, $(cut -d' ' -f2 "$WORK/load.progress") failed (refused or reset)"
}
all_acked_present() {
    local report
    report=$(python3 "$SYSTEMD_TESTS/records.py" acked "$HOST_DB" "$WORK/load.out") || { log "$report"; return 1; }
    log "$report"
}
