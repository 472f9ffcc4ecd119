#!/usr/bin/env bash
# make bench: drives the release build of phone-service with wrk over loopback and compares it
# with the C reference server (../shared/bench/reference.sh) measured in the same run.
#
# Scenarios (bench/lua/*.lua), each for BENCH_SECONDS at each of BENCH_CONNECTIONS, wrk -t2:
#   list    GET  …/phoneMethods of a random user (three phones each)
#   list-one the same GET for one user every time, as the reference's list
#   get     GET  …/phoneMethods/{id}, a random user and phone
#   create  POST a mobile for a fresh user (no phones), each user once
#   update  PATCH the mobile's number of a random user
#   cycle   create then delete a mobile, over a pool of users, never two requests for one user
#   mix     45% list, 45% get, 10% update
# With BENCH_TLS=1 (the default), "list over HTTPS": the list scenario against the service's HTTPS
# port (wrk keeps its connections alive, so this is the per-request cost of TLS), reported as a
# ratio to the plain list, and what a full handshake costs (openssl s_time, new sessions).
# The service is restarted for every scenario, so each row's peak RSS (VmHWM) is its own.
# Then: list on a database of 1,000 users and of 1,000,000 users, and (BENCH_LONG=1) RSS before
# and after a million list requests. Prints one markdown report (also left in $BENCH_OUT).
#
# Environment (defaults in brackets):
#   BENCH_SECONDS [10]            seconds per wrk run (the reference's runs too)
#   BENCH_CONNECTIONS ["32 256"]  connection counts
#   BENCH_SCENARIOS ["list list-one get create update cycle mix"]
#   BENCH_USERS [100000]          users with three phones each, for list/get/update/mix
#   BENCH_DURABILITY [full]       the service's --durability
#   BENCH_SERVE_ARGS []           more arguments for `phone-service serve`
#   BENCH_WRK_THREADS [2]         wrk -t
#   BENCH_SCALE [1]               0 skips the 1k / 1M users list comparison
#   BENCH_TLS [1]                 0 skips the list over HTTPS
#   BENCH_SCALE_USERS ["1000 1000000"]
#   BENCH_LONG [0]                1 runs the flat-RSS check (BENCH_LONG_REQUESTS list requests)
#   BENCH_LONG_REQUESTS [1000000]
#   BENCH_REFERENCE [../shared/bench/reference.sh]  "none" skips it (no ratios)
#   BENCH_CACHE [bench/.cache]    generated databases, keyed by the migrations' hash
#   BENCH_OUT [bench/.out]        raw wrk output, service logs, report.md
#   BENCH_KEEP [0]                1 keeps the work databases
#   BENCH_TENANT [1]              0 skips the "tenant" rows (bench/tenants/lifecycle.py: a new
#                                 tenant, two users and a token, deleted; against reset + seed)
#   BENCH_TENANT_ROUNDS [400]     rounds of each, sequentially and with 8 workers
#   BENCH_IDLE_TENANTS [0]        tenants made (and left idle) in the scenarios' database first,
#                                 to measure list and create with other tenants present
#   BIN [.build/release/phone-service]
# Exit status: 0 when the harness ran, whatever the targets say; non-zero when it could not.
set -euo pipefail
# The whole script is one compound command, read before it runs: editing this file during a run
# (it takes minutes) cannot change the running one.
{

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
BIN=${BIN:-$repo/.build/release/phone-service}
secs=${BENCH_SECONDS:-10}
read -r -a conn_list <<<"${BENCH_CONNECTIONS:-32 256}"
read -r -a scenarios <<<"${BENCH_SCENARIOS:-list list-one get create update cycle mix}"
users=${BENCH_USERS:-100000}
durability=${BENCH_DURABILITY:-full}
read -r -a serve_args <<<"${BENCH_SERVE_ARGS:-}"
wrk_threads=${BENCH_WRK_THREADS:-2}
scale=${BENCH_SCALE:-1}
tls=${BENCH_TLS:-1}
read -r -a scale_users <<<"${BENCH_SCALE_USERS:-1000 1000000}"
long=${BENCH_LONG:-0}
long_requests=${BENCH_LONG_REQUESTS:-1000000}
reference=${BENCH_REFERENCE:-$repo/../shared/bench/reference.sh}
cache=${BENCH_CACHE:-$here/.cache}
out=${BENCH_OUT:-$here/.out}
keep=${BENCH_KEEP:-0}
lua=$here/lua
# Bump when the generated data changes shape, to invalidate cached databases.
generator_version=1

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in wrk sqlite3 curl awk sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (make bench installs it)"
done
[ -x "$BIN" ] || die "no release build at $BIN (run: swift build -c release, or make bench)"
case $durability in full | normal) ;; *) die "BENCH_DURABILITY must be full or normal" ;; esac
if [ "$reference" != none ] && [ ! -x "$reference" ]; then
    die "reference script not found at $reference (clone shared/ beside the repo, or BENCH_REFERENCE=none)"
fi

mkdir -p "$cache" "$out/raw"
rm -f "$out"/raw/*.txt "$out"/service-*.log
work=$(mktemp -d "$out/work.XXXXXX")
results=$out/results.tsv
: >"$results"
svc_pid=
# shellcheck disable=SC2317 # called by the trap (shellcheck misses traps inside { }).
cleanup() {
    if [ -n "$svc_pid" ]; then kill "$svc_pid" 2>/dev/null || true; fi
    if [ "$keep" != 1 ]; then rm -rf "$work"; fi
    if [ -n "${log_dir:-}" ] && [ "$log_dir" != "$work" ]; then rm -rf "$log_dir"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# Databases

schema_key=$(cat "$repo"/Migrations/*.sql | { cat; echo "generator $generator_version"; } | sha256sum | cut -c1-12)

# new_db DB: a database made by the service itself (tenant, key, migrations), with one admin.
new_db() {
    "$BIN" user add --db "$1" admin@bench.test --role globalAdministrator >/dev/null
}

# add_users DB PREFIX COUNT PHONES IDS_OUT: COUNT users with random lower-case GUIDs and UPNs
# PREFIXn@bench.test, with PHONES (0 or 3: mobile, alternateMobile, office) phones each, in one
# transaction; their ids go to IDS_OUT, one a line, in random order. The service must not be
# running on DB: the bulk load runs without a journal (the file is scratch, or a cache entry
# written under a temporary name). CHECK constraints are skipped for speed (the data is valid by
# construction); triggers still run.
add_users() {
    local db=$1 prefix=$2 count=$3 phones=$4 ids_out=$5 phone_sql=
    if [ "$phones" = 3 ]; then
        phone_sql="INSERT INTO phone_method (user_id, phone_type, phone_number, created_at, updated_at)
  SELECT g.id, t.type, '+1 ' || (2060000000 + t.k * 1000000 + g.n % 1000000), '$ts', '$ts'
  FROM bench_sorted g CROSS JOIN (SELECT 1 AS k, 'mobile' AS type UNION ALL SELECT 2, 'alternateMobile'
                                  UNION ALL SELECT 3, 'office') t;"
    fi
    sqlite3 -batch -bail "$db" >/dev/null <<SQL
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
PRAGMA locking_mode=EXCLUSIVE;
PRAGMA cache_size=-1048576;
PRAGMA temp_store=MEMORY;
PRAGMA ignore_check_constraints=ON;
BEGIN;
CREATE TEMP TABLE bench_gen(n INTEGER PRIMARY KEY, id TEXT NOT NULL);
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < $count),
h(n, x) AS (SELECT n, lower(hex(randomblob(16))) FROM c)
INSERT INTO bench_gen SELECT n, substr(x, 1, 8) || '-' || substr(x, 9, 4) || '-4' || substr(x, 14, 3)
  || '-8' || substr(x, 18, 3) || '-' || substr(x, 21, 12) FROM h;
CREATE TEMP TABLE bench_sorted AS SELECT id, n FROM bench_gen ORDER BY id;
INSERT INTO user (id, user_principal_name, display_name, created_at)
  SELECT id, '$prefix' || n || '@bench.test', '', '$ts' FROM bench_sorted;
$phone_sql
.output "$ids_out"
SELECT id FROM bench_gen ORDER BY n;
.output stdout
COMMIT;
PRAGMA journal_mode=WAL;
SQL
}
ts=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# cached_db COUNT: prints the path of a cached database of COUNT users with three phones each
# (and COUNT.ids beside it), generating it when the migrations or the generator changed.
cached_db() {
    local count=$1 base=$cache/users-$1-$schema_key
    if [ ! -f "$base.db" ] || [ ! -f "$base.ids" ]; then
        rm -f "$cache/users-$count-"*
        log "generating $count users with three phones each (cached in $cache)"
        local t0=$SECONDS
        rm -f "$base.tmp.db"* "$base.tmp.ids"
        new_db "$base.tmp.db"
        add_users "$base.tmp.db" load "$count" 3 "$base.tmp.ids"
        mv "$base.tmp.ids" "$base.ids"
        mv "$base.tmp.db" "$base.db"
        log "generated in $((SECONDS - t0)) s"
    fi
    printf '%s\n' "$base"
}

# ---------------------------------------------------------------------------------------------
# The service

port=
# The service logs a line per request: to memory while it runs (no disk writes beside the
# database's), trimmed to its first and last lines in $out once it stops.
log_dir=$work
if [ -d /dev/shm ] && [ -w /dev/shm ]; then log_dir=$(mktemp -d /dev/shm/phone-service-bench.XXXXXX); fi
# Ports below the kernel's ephemeral range, which wrk's own connections use.
port_low=10000 port_high=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
if [ "$port_high" -le $((port_low + 1000)) ]; then port_low=20000 port_high=40000; fi
# start_service DB NAME: serves DB on a free loopback port; sets svc_pid and port.
start_service() {
    local db=$1 name=$2 attempt
    svc_log=$log_dir/service-$name.log
    svc_name=$name
    for attempt in 1 2 3 4 5; do
        port=$((port_low + RANDOM % (port_high - port_low)))
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
        local tls_args=()
        if [ -n "${svc_tls_port:-}" ]; then tls_args=(--tls-listen "127.0.0.1:$svc_tls_port"); fi
        "$BIN" serve --db "$db" --listen "127.0.0.1:$port" --durability "$durability" \
            ${tls_args[@]+"${tls_args[@]}"} ${serve_args[@]+"${serve_args[@]}"} 2>>"$svc_log" &
        svc_pid=$!
        local waited=0
        while kill -0 "$svc_pid" 2>/dev/null; do
            if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then return 0; fi
            sleep 0.1
            waited=$((waited + 1))
            [ "$waited" -lt 3000 ] || die "service did not answer /healthz within 300 s (log: $svc_log)"
        done
        wait "$svc_pid" 2>/dev/null || true
        svc_pid=
        log "service did not start (attempt $attempt; log: $svc_log)"
        tail -n 5 "$svc_log" >&2 || true
    done
    die "could not start the service"
}

# stop_service: SIGTERM, wait; a non-zero exit is noted (the run goes on).
stop_service() {
    [ -n "$svc_pid" ] || return 0
    kill -TERM "$svc_pid" 2>/dev/null || true
    local status=0
    wait "$svc_pid" || status=$?
    svc_pid=
    local kept=$out/service-$svc_name.log
    { head -n 20 "$svc_log" && echo "…" && tail -n 50 "$svc_log"; } >"$kept" 2>/dev/null || true
    rm -f "$svc_log"
    if [ "$status" != 0 ]; then
        log "warning: the service exited with status $status (log: $kept)"
        notes+=("the service exited with status $status after '$svc_name' (log: $kept)")
    fi
}

# sanity_check IDS: the first user of IDS lists three phones, so the runs measure real answers.
sanity_check() {
    local id body
    id=$(head -n 1 "$1")
    body=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1.0/users/$id/authentication/phoneMethods") ||
        die "list for user $id failed"
    [ "$(grep -o '"phoneType"' <<<"$body" | wc -l)" = 3 ] || die "list for user $id is not three phones: $body"
}

# rss_kb FIELD: VmHWM or VmRSS of the running service, in kB.
rss_kb() {
    awk -v f="$1:" '$1 == f {print $2}' "/proc/$svc_pid/status" 2>/dev/null || echo 0
}

# ---------------------------------------------------------------------------------------------
# wrk

# run_wrk SCRIPT IDS CONNECTIONS SECONDS NAME: one wrk run; sets r_requests r_rps r_p50 r_p99
# (microseconds) r_errors (non-2xx/3xx + socket errors) and r_extra (the script's counters).
run_wrk() {
    local script=$1 ids=$2 conns=$3 duration=$4 name=$5 raw
    raw=$out/raw/$name.txt
    BENCH_TOKEN=$token wrk -t"$wrk_threads" -c"$conns" -d"${duration}s" --latency \
        -s "$lua/$script.lua" "${wrk_base:-http://127.0.0.1:$port}" -- "$ids" "$wrk_threads" >"$raw" 2>&1 ||
        die "wrk failed ($raw): $(tail -n 3 "$raw")"
    local line
    line=$(grep '^BENCH-RESULT ' "$raw" | tail -n 1) || die "no BENCH-RESULT line in $raw"
    r_requests=$(field requests "$line")
    r_rps=$(field rps "$line")
    r_p50=$(field p50_us "$line")
    r_p99=$(field p99_us "$line")
    r_errors=$(($(field status_errors "$line") + $(field socket_errors "$line")))
    r_extra=$line
    if [ "$r_errors" != 0 ]; then
        local k breakdown=
        for k in status_errors connect_errors read_errors write_errors timeouts; do
            [ "$(field "$k" "$line")" = 0 ] || breakdown="$breakdown ${k%_errors}: $(field "$k" "$line"),"
        done
        breakdown=${breakdown%,}
        notes+=("$name: $r_errors errors (${breakdown# }); status errors are non-2xx/3xx answers, timeouts are requests unanswered after wrk's 2 s")
    fi
}
# field NAME LINE: the value of NAME=value in LINE (0 when absent).
field() { awk -v k="$1" '{for (i = 2; i <= NF; i++) {split($i, a, "="); if (a[1] == k) {print a[2]; exit}}; print 0}' <<<"$2" | head -n 1; }

# record KIND SCENARIO CONNECTIONS HWM_KB: appends the last run to the results.
record() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$r_rps" "$r_p50" "$r_p99" "$r_errors" "$4" >>"$results"
}

# ---------------------------------------------------------------------------------------------
# The run

notes=()
commit=$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit (modified)"; fi
load_before=$(uptime | sed 's/.*load average: //')
started=$(date -u '+%Y-%m-%d %H:%M UTC')
log "commit $commit, load $load_before, $secs s per run, connections ${conn_list[*]}"

base=$(cached_db "$users")
db=$work/bench.db
cp "$base.db" "$db"
cp "$base.ids" "$work/users.ids"
token=$("$BIN" token --db "$db" --user admin@bench.test --scopes "UserAuthenticationMethod.ReadWrite.All" --expires 86400)

# Pools of phone-less users for the create-delete cycle: 4 per connection, at least 512.
for c in "${conn_list[@]}"; do
    n=$((c * 4 > 512 ? c * 4 : 512))
    add_users "$db" "cycle$c-" "$n" 0 "$work/cycle-$c.ids"
done

declare -A ref
run_reference() {
    local c=$1 raw=$out/raw/reference-c$1.txt name
    log "reference.sh $secs s, $c connections"
    "$reference" "$secs" "$c" >"$raw" 2>&1 || die "reference.sh failed ($raw): $(tail -n 3 "$raw")"
    for name in static list create-normal create-full; do
        ref[$name-$c]=$(awk -v n="$name" '$1 == n {print $2}' "$raw")
        [ -n "${ref[$name-$c]}" ] || die "no '$name' figure in $raw"
        r_rps=${ref[$name-$c]} r_p50=- r_p99=- r_errors=-
        record reference "$name" "$c" -
    done
}

# Idle tenants beside the one the scenarios use (kept: they stay for every row).
idle_tenants=${BENCH_IDLE_TENANTS:-0}
if [ "$idle_tenants" -gt 0 ]; then
    start_service "$db" idle-tenants
    operator_key=$("$BIN" operator-key --db "$db")
    log "making $idle_tenants idle tenants"
    for _ in $(seq "$idle_tenants"); do
        curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $operator_key" -H "Content-Type: application/json" \
            -d '{"keep": true}' "http://127.0.0.1:$port/_admin/tenants" || die "could not make an idle tenant"
    done
    stop_service
    notes+=("$idle_tenants other tenants were present and idle in every scenario's service (BENCH_IDLE_TENANTS)")
fi

fresh_round=0 checked=0
for c in "${conn_list[@]}"; do
    if [ "$reference" != none ]; then run_reference "$c"; fi
    for s in "${scenarios[@]}"; do
        case $s in
            list | list-one | get | update | mix) ids=$work/users.ids ;;
            cycle) ids=$work/cycle-$c.ids ;;
            create)
                # Fresh users: enough for twice the reference's create-normal rate (or 20k/s
                # without it), at least 20,000; should a run use them all up, it is run again
                # with four times as many.
                rate=${ref[create-normal-$c]:-20000}
                pool=$(awk -v r="$rate" -v s="$secs" 'BEGIN {p = int(r * s * 2); print (p < 20000 ? 20000 : p)}')
                ;;
            *) die "unknown scenario '$s' (BENCH_SCENARIOS)" ;;
        esac
        for attempt in 1 2 3; do
            if [ "$s" = create ]; then
                fresh_round=$((fresh_round + 1))
                ids=$work/fresh-$fresh_round.ids
                log "adding $pool fresh users for create"
                add_users "$db" "fresh$fresh_round-" "$pool" 0 "$ids"
            fi
            start_service "$db" "$s-c$c"
            if [ "$checked" = 0 ]; then sanity_check "$work/users.ids"; checked=1; fi
            log "$s, $c connections"
            run_wrk "$s" "$ids" "$c" "$secs" "$s-c$c"
            hwm=$(rss_kb VmHWM)
            stop_service
            if [ "$s" = create ] && [ "$(field exhausted "$r_extra")" != 0 ]; then
                if [ "$attempt" = 3 ]; then
                    notes+=("create at $c connections used up its $pool fresh users; some requests were 409s")
                    break
                fi
                log "create used up its $pool fresh users; again with more"
                pool=$((pool * 4))
                continue
            fi
            break
        done
        if [ "$s" = cycle ] && [ "$(field starved "$r_extra")" != 0 ]; then
            notes+=("cycle at $c connections: $(field starved "$r_extra") requests found no idle user (pool too small)")
        fi
        if [ "$s" = cycle ] && [ "$(field unexpected "$r_extra")" != 0 ]; then
            notes+=("cycle at $c connections: $(field unexpected "$r_extra") answers were not 201/204")
        fi
        record service "$s" "$c" "$hwm"
    done
done

# The list over HTTPS (keep-alive), beside the plain list; and full handshakes from one client.
if [ "$tls" = 1 ]; then
    for c in "${conn_list[@]}"; do
        svc_tls_port=$((port_low + RANDOM % (port_high - port_low)))
        start_service "$db" "list-tls-c$c"
        log "list over HTTPS, $c connections"
        wrk_base="https://127.0.0.1:$svc_tls_port"
        run_wrk list "$work/users.ids" "$c" "$secs" "list-tls-c$c"
        wrk_base=
        hwm=$(rss_kb VmHWM)
        if [ "$c" = "${conn_list[0]}" ] && command -v openssl >/dev/null; then
            # "N connections in T real seconds": handshakes (and a close) one after another.
            handshakes=$(openssl s_time -connect "127.0.0.1:$svc_tls_port" -new -time 5 2>/dev/null |
                awk '/connections in .* real seconds/ {printf "%.0f", $1 / $4}')
            if [ -n "$handshakes" ] && [ "$handshakes" -gt 0 ]; then
                notes+=("TLS: $handshakes full handshakes/s from one client (openssl s_time -new, ECDSA P-256), about $((1000000 / handshakes)) µs each; requests on a kept-alive connection cost only record encryption (the list-tls rows)")
            fi
        fi
        stop_service
        svc_tls_port=
        record service list-tls "$c" "$hwm"
    done
fi

# List on a small and a large database (cached; served in place: the run only reads).
if [ "$scale" = 1 ]; then
    for n in "${scale_users[@]}"; do
        sbase=$(cached_db "$n")
        saved_token=$token
        token=$("$BIN" token --db "$sbase.db" --user admin@bench.test --scopes "UserAuthenticationMethod.ReadWrite.All" --expires 86400)
        cat "$sbase.db" >/dev/null # into the page cache, for both sizes alike
        start_service "$sbase.db" "list-$n-users"
        sanity_check "$sbase.ids"
        run_wrk list "$sbase.ids" 32 2 "list-$n-users-warmup"
        log "list on $n users, 32 connections"
        run_wrk list "$sbase.ids" 32 "$secs" "list-$n-users"
        hwm=$(rss_kb VmHWM)
        stop_service
        record scale "list-$n" 32 "$hwm"
        token=$saved_token
    done
fi

# Flat RSS: list requests in runs of 20 s; RSS after a 30 s warm-up and after LONG_REQUESTS more.
# The warm-up covers what fills once to a bound under random reads: SQLite's page cache (2 MB per
# connection, readers and writer) and malloc's per-thread arenas. Sampled every 10 s on the
# 2026-12-02 machine, RSS rose about 6 MB over the first 40 s (38 -> 44 MB), then stayed within
# 2 MB for 4 minutes (3.6M requests); a leak keeps growing after that. RSS also holds the free
# memory malloc keeps (up to 64 MiB a heap, Serve.keepFreedMemory), which can step it up by a few
# MB in a run; docs/benchmarks.md (2026-12-02 05:23) shows malloc_trim giving that back.
long_line=
if [ "$long" = 1 ]; then
    start_service "$db" long
    run_wrk list "$work/users.ids" 32 30 long-warmup
    rss0=$(rss_kb VmRSS)
    total=0 series=$((rss0 / 1024))
    log "flat RSS: $long_requests list requests at 32 connections, from $((rss0 / 1024)) MB"
    round=0
    while [ "$total" -lt "$long_requests" ]; do
        round=$((round + 1))
        run_wrk list "$work/users.ids" 32 20 "long-$round"
        total=$((total + r_requests))
        series="$series $(($(rss_kb VmRSS) / 1024))"
        total_errors=$((${total_errors:-0} + r_errors))
    done
    rss1=$(rss_kb VmRSS)
    stop_service
    long_line="$rss0 $rss1 $total ${total_errors:-0} $series"
fi
# A fresh tenant per test against today's reset + seed (bench/tenants/lifecycle.py).
tenant_table=
if [ "${BENCH_TENANT:-1}" = 1 ]; then
    tdb=$work/tenants.db
    "$BIN" user list --db "$tdb" >/dev/null
    start_service "$tdb" tenant
    log "tenant: create, seed, delete; reset, seed"
    tenant_table=$(python3 "$here/tenants/lifecycle.py" "127.0.0.1:$port" "$("$BIN" operator-key --db "$tdb")" \
        "$("$BIN" admin-key --db "$tdb")" "${BENCH_TENANT_ROUNDS:-400}") || die "bench/tenants/lifecycle.py failed"
    stop_service
fi
load_after=$(uptime | sed 's/.*load average: //')

# ---------------------------------------------------------------------------------------------
# The report

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
{
    echo "### $started, commit $commit"
    echo
    echo "Machine: $(nproc) cores, $cpu, Linux $(uname -r), $(awk '/^MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo) RAM."
    echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after."
    echo "wrk -t$wrk_threads, $secs s per run, loopback; service: --durability $durability${serve_args[*]:+ ${serve_args[*]}}, $users users with three phones each, restarted for every row."
    echo
    awk -F'\t' -v long="$long_line" -v scale="$scale" -v order="${conn_list[*]}" '
    function ms(us) { return us == "-" ? "-" : sprintf("%.2f", us / 1000) }
    function mb(kb) { return kb == "-" ? "-" : sprintf("%.1f", kb / 1024) }
    function ratio(x, y) { return (y > 0) ? sprintf("%.2f×", x / y) : "n/a" }
    function verdict(ok) { return ok ? "PASS" : "FAIL" }
    {
        kind[NR] = $1; sc[NR] = $2; c[NR] = $3; rps[NR] = $4; p50[NR] = $5; p99[NR] = $6; err[NR] = $7; hwm[NR] = $8
        if ($1 == "reference") ref[$2, $3] = $4
        if ($1 == "service") svc[$2, $3] = NR
        if ($1 == "scale") scl[$2] = NR
        n = NR
    }
    END {
        print "| scenario | connections | requests/s | p50 ms | p99 ms | errors | vs reference | peak RSS MB |"
        print "|---|---:|---:|---:|---:|---:|---|---:|"
        for (i = 1; i <= n; i++) {
            vs = ""
            if (kind[i] == "service") {
                l = ref["list", c[i]]; f = ref["create-full", c[i]]; nm = ref["create-normal", c[i]]
                if (sc[i] == "list" || sc[i] == "list-one" || sc[i] == "get" || sc[i] == "mix") vs = ratio(rps[i], l) " list"
                else if (sc[i] == "create") vs = ratio(rps[i], f) " full, " ratio(rps[i], nm) " normal"
                else vs = ratio(rps[i], f) " full"
                if (l == "") vs = "n/a"
                if (sc[i] == "list-tls") vs = (("list", c[i]) in svc) ? ratio(rps[i], rps[svc["list", c[i]]]) " plain list" : "n/a"
            }
            if (kind[i] == "scale") vs = (ref["list", c[i]] == "") ? "n/a" : ratio(rps[i], ref["list", c[i]]) " list"
            name = sc[i]
            if (sc[i] == "list-tls") name = "list over HTTPS"
            if (kind[i] == "reference") name = "reference " sc[i]
            if (kind[i] == "scale") { split(sc[i], parts, "-"); name = "list, " parts[2] " users" }
            printf "| %s | %s | %.0f | %s | %s | %s | %s | %s |\n", name, c[i], rps[i], ms(p50[i]), ms(p99[i]), err[i], vs, mb(hwm[i])
        }
        print ""
        print "Targets (ratios to the reference measured in this run):"
        print ""
        nc = split(order, corder, " ")
        for (ci = 1; ci <= nc; ci++) {
            cc = corder[ci]
            l = ref["list", cc]; f = ref["create-full", cc]; nm = ref["create-normal", cc]
            for (k = 1; k <= 3; k++) {
                s = (k == 1) ? "list" : (k == 2) ? "list-one" : "get"
                if (!((s, cc) in svc)) continue
                i = svc[s, cc]
                if (l == "") printf "- SKIP %s at %s connections: no reference\n", s, cc
                else printf "- %s %s at %s connections ≥ 0.7× reference list: %.2f×\n", verdict(rps[i] >= 0.7 * l), s, cc, rps[i] / l
            }
            if (("create", cc) in svc) {
                i = svc["create", cc]
                if (f == "") printf "- SKIP create at %s connections: no reference\n", cc
                else {
                    printf "- %s create (FULL) at %s connections ≥ 2× reference create-full: %.2f×\n", verdict(rps[i] >= 2 * f), cc, rps[i] / f
                    printf "- %s create (FULL) at %s connections ≥ 0.5× reference create-normal: %.2f×\n", verdict(rps[i] >= 0.5 * nm), cc, rps[i] / nm
                }
            }
        }
        total = 0
        for (i = 1; i <= n; i++) if (kind[i] != "reference") total += err[i]
        printf "- %s no errors (non-2xx and socket errors, every service run): %d\n", verdict(total == 0), total
        worst_r = -1; worst_w = -1
        for (i = 1; i <= n; i++) {
            if (kind[i] != "service" || c[i] != 32 || sc[i] == "list-tls") continue
            if (sc[i] == "list" || sc[i] == "list-one" || sc[i] == "get") { if (p99[i] > worst_r) { worst_r = p99[i]; wr = sc[i] } }
            else if (p99[i] > worst_w) { worst_w = p99[i]; ww = sc[i] }
        }
        if (worst_r >= 0) printf "- %s p99 of reads (list, list-one, get) at 32 connections < 10 ms: worst %.2f ms (%s)\n", verdict(worst_r < 10000), worst_r / 1000, wr
        if (worst_w >= 0) printf "- %s p99 of writes (create, update, cycle, mix) at 32 connections < 30 ms: worst %.2f ms (%s)\n", verdict(worst_w < 30000), worst_w / 1000, ww
        peak = -1
        for (i = 1; i <= n; i++) if (kind[i] == "service" && sc[i] != "list-tls" && c[i] == 256 && hwm[i] > peak) { peak = hwm[i]; pk = sc[i] }
        if (peak >= 0) printf "- %s peak RSS at 256 connections < 64 MB: %.1f MB (%s)\n", verdict(peak < 65536), peak / 1024, pk
        small = ""; large = ""
        for (k in scl) { split(k, parts, "-"); if (small == "" || parts[2] + 0 < small + 0) small = parts[2]; if (large == "" || parts[2] + 0 > large + 0) large = parts[2] }
        if (scale == 1 && small != large) {
            a = scl["list-" small]; b = scl["list-" large]
            printf "- %s list on %s users within 20%% of %s users: %.0f against %.0f requests/s (%.2f×); p50 %.2f against %.2f ms\n", verdict(rps[b] >= 0.8 * rps[a]), large, small, rps[b], rps[a], rps[b] / rps[a], p50[b] / 1000, p50[a] / 1000
        }
        if (long != "") {
            split(long, L, " ")
            growth = L[2] - L[1]; allowed = (L[1] * 0.05 > 2048) ? L[1] * 0.05 : 2048
            series = ""; for (j = 5; j <= length(L); j++) series = series (j > 5 ? ", " : "") L[j]
            printf "- %s flat RSS over %d list requests (growth ≤ max(5%%, 2 MB)): %.1f MB after warm-up, %.1f MB after; %d errors; MB per 20 s run: %s\n", verdict(growth <= allowed && L[4] == 0), L[3], L[1] / 1024, L[2] / 1024, L[4], series
        } else print "- SKIP flat RSS after 1M requests (BENCH_LONG=1 runs it)"
    }' "$results"
    if [ -n "$tenant_table" ]; then
        echo
        echo "A fresh tenant per test (one whole round: p50 and p99; reset rows with 8 workers reset each"
        echo "other's users, so some rounds fail by design):"
        echo
        echo "$tenant_table"
    fi
    if [ "${#notes[@]}" -gt 0 ]; then
        echo
        echo "Notes:"
        for note in "${notes[@]}"; do echo "- $note"; done
    fi
} >"$out/report.md"
cat "$out/report.md"
log "report in $out/report.md, raw wrk output in $out/raw"
}; exit
