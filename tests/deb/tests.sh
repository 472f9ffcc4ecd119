# The tests of tests/deb/run.sh, sourced by it once the root has booted (sdx, net, sctl, prop, poll,
# log, WORK, ROOT, VERSION, NEW_VERSION are its). Each test runs in a subshell with `set -e`; the
# first failed check ends it. A failed test does not stop the next ones.
# shellcheck shell=bash disable=SC2317,SC2016 # single quotes: expanded by dpkg-query and the root's sh

# shellcheck source=tests/harness.sh
. "$HERE/../harness.sh"
# A failed test shows the units' state.
after_test() {
    [ "$1" = 0 ] && return
    sctl status --no-pager --lines=15 phone-service.socket phone-service-tls.socket phone-service.service 2>&1 |
        sed 's/^/      /' || true
}
differs() { [ "$1" != "$2" ] || { log "both are '$1'"; return 1; }; }

DB=/var/lib/phone-service/phone-service.db

test_fresh() {
    check "no Swift, no compiler in the root" sdx sh -c '! command -v swift && ! command -v cc && ! command -v gcc'
    check "libmicrohttpd12 is not installed before the package" not sdx dpkg -s libmicrohttpd12 2>/dev/null
}
run_test "fresh: a Debian 12 root without the package's dependencies" test_fresh

installed() { sdx dpkg-query -W -f '${db:Status-Status} ${Version}' "$1" 2>/dev/null; }
active() { [ "$(prop "$1" ActiveState)" = active ]; }
https_status() { # PATH: the status over HTTPS, trusting only the tenant CA the CLI printed
    net curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$WORK/ca.pem" "https://localhost:8443$1"
}
token() { cat "$WORK/token"; }
phones_of_alice() { # the body of Alice's phone list, over HTTPS
    net curl -sf --max-time 10 --cacert "$WORK/ca.pem" -H "Authorization: Bearer $(token)" \
        "https://localhost:8443/v1.0/users/alice%40contoso.com/authentication/phoneMethods"
}
started_count() { # how many times systemd has started the service in this boot
    sdx journalctl -q -o cat -u phone-service.service | grep -c '^Started phone-service.service' || true
}

test_install() {
    sdx env DEBIAN_FRONTEND=noninteractive apt-get install -y "/root/debs/phone-service_${VERSION}.deb" \
        >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; return 1; }
    check "installed at $VERSION" equals "$(installed phone-service)" "installed $VERSION"
    local lib
    for lib in libmicrohttpd12 libsqlite3-0 libgnutls30; do
        check "the dependency $lib is installed" installed "$lib" >/dev/null
    done
    check "postinst tells how to get the CA certificate" grep -q 'phone-service tls ca-cert --db' "$WORK/install.log"
    check "postinst tells how to get the admin key" grep -q 'phone-service admin-key --db' "$WORK/install.log"
    local unit
    for unit in phone-service.socket phone-service-tls.socket phone-service.service; do
        check "$unit is enabled" equals "$(sctl is-enabled "$unit")" enabled
        check "$unit is active" active "$unit"
    done
    # The order of the two follows the file descriptors systemd passed, which varies.
    local status
    status=$(prop phone-service.service StatusText)
    check "the service serves HTTP on the socket systemd passed it" grep -q ' (inherited):8080' <<<"$status"
    check "and HTTPS on the other" grep -q 'https://(inherited):8443' <<<"$status"
    check "phone-service --version reports the package's version" equals "$(sdx phone-service --version)" "$VERSION"
}
run_test "install: apt-get install ./phone-service_${VERSION}.deb" test_install

test_https() {
    sdx phone-service tls ca-cert --db "$DB" >"$WORK/ca.pem"
    check "tls ca-cert prints a certificate" grep -q 'BEGIN CERTIFICATE' "$WORK/ca.pem"
    check "the CA was made by the service, in the state directory" sdx test -s "$DB.tls/ca.pem" -o -d "$DB.tls"
    check "/healthz over HTTPS with the tenant CA: 200" equals "$(https_status /healthz)" 200
    local body
    body=$(net curl -sf --max-time 10 --cacert "$WORK/ca.pem" https://localhost:8443/healthz)
    check "/healthz reports version $VERSION" grep -q "\"version\":\"$VERSION\"" <<<"$body"
    check "HTTPS is refused without the CA" not net curl -sf --max-time 10 -o /dev/null https://localhost:8443/healthz
    check "plain HTTP on 127.0.0.1:8080: 200" \
        equals "$(net curl -s -o /dev/null -w '%{http_code}' --max-time 10 http://127.0.0.1:8080/healthz)" 200
    check "admin-key prints a key" test -n "$(sdx phone-service admin-key --db "$DB")"
}
run_test "https: /healthz with the CA the CLI prints" test_https

test_cli() {
    sdx phone-service user add --db "$DB" admin@contoso.com --role privilegedAuthenticationAdministrator >/dev/null
    sdx phone-service user add --db "$DB" alice@contoso.com >/dev/null
    check "user list shows both users" equals "$(sdx phone-service user list --db "$DB" | grep -c contoso.com)" 2
    sdx phone-service token --db "$DB" --user admin@contoso.com --scopes "UserAuthenticationMethod.ReadWrite.All" \
        >"$WORK/token"
    local status
    status=$(net curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$WORK/ca.pem" -X POST \
        "https://localhost:8443/v1.0/users/alice%40contoso.com/authentication/phoneMethods" \
        -H "Authorization: Bearer $(token)" -H 'Content-Type: application/json' \
        -d '{"phoneNumber": "+1 2065555555", "phoneType": "mobile"}')
    check "a phone created over HTTPS with the CLI's token: 201" equals "$status" 201
    check "the list shows it" grep -q '+1 2065555555' <<<"$(phones_of_alice)"
    check "check finds the database sound" quiet_check
    # The files root's CLI wrote keep the service's user (the service reads them after a restart).
    check "the state directory holds nothing of root's" \
        equals "$(sdx find /var/lib/private/phone-service -user root | wc -l)" 0
}
quiet_check() { sdx phone-service check --db "$DB" >/dev/null; }
run_test "cli: user add, token, a phone over HTTPS, check" test_cli

test_security() {
    local output score
    output=$(sdx systemd-analyze security --no-pager phone-service.service 2>&1)
    score=$(sed -n 's/.*Overall exposure level for phone-service.service: \([0-9.]*\).*/\1/p' <<<"$output")
    log "exposure: $(grep 'Overall exposure' <<<"$output")"
    # The same bound as tests/systemd (the unit from deploy/, installed by make install-files).
    check "exposure score $score is at most 2.0, as for make install" \
        awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'
}
run_test "security: systemd-analyze security keeps its rating" test_security

# shellcheck source=tests/deb/load.sh
. "$HERE/load.sh"

test_upgrade() {
    # An operator's edit of the conffile, which the upgrade must keep.
    sdx sh -c 'printf "# set by tests/deb\nPHONE_SERVICE_DRAIN_TIMEOUT=9\n" >>/etc/default/phone-service'
    local before_id before_starts
    before_id=$(prop phone-service.service InvocationID)
    before_starts=$(started_count)
    start_load
    check "creates are being acknowledged" poll 30 acked_at_least 30
    local before_upgrade
    before_upgrade=$(acked)
    sdx env DEBIAN_FRONTEND=noninteractive apt-get install -y "/root/debs/phone-service_${NEW_VERSION}.deb" \
        >"$WORK/upgrade.log" 2>&1 || { stop_load; cat "$WORK/upgrade.log"; return 1; }
    check "creates are acknowledged again after the upgrade" poll 30 acked_at_least $((before_upgrade + 30))
    stop_load
    check "the load ran through the upgrade (users left over)" not acked_at_least 50000
    check "every phone acknowledged during the upgrade is in the database" all_acked_present
    check "upgraded to $NEW_VERSION" equals "$(installed phone-service)" "installed $NEW_VERSION"
    check "the service is active" active phone-service.service
    check "it is a new invocation" differs "$(prop phone-service.service InvocationID)" "$before_id"
    check "systemd started it once during the upgrade" equals "$(($(started_count) - before_starts))" 1
    check "the conffile keeps the operator's edit" sdx grep -q '^PHONE_SERVICE_DRAIN_TIMEOUT=9' /etc/default/phone-service
    check "no .dpkg-dist or .dpkg-new left" equals "$(sdx sh -c 'ls /etc/default/ | grep -c dpkg-' || true)" 0
    check "the new service runs with the edited setting" \
        sdx sh -c 'tr "\0" " " </proc/$(systemctl show -p MainPID --value phone-service.service)/cmdline | grep -q -- "--drain-timeout 9"'
    check "/healthz over HTTPS after the upgrade: 200" equals "$(https_status /healthz)" 200
    check "the phone made before the upgrade is there" grep -q '+1 2065555555' <<<"$(phones_of_alice)"
}
run_test "upgrade: apt-get install of a newer build under load keeps the phones and the conffile" test_upgrade

# A database an older phone-service wrote (main at 551ff28, schema 10; TenantStorageTests opens the
# same file), put in place as an operator restores a backup: the packaged service migrates it in
# its sandbox, says so in the journal, and serves it. Then the state of the tests before is back.
OLDER_ADMIN_KEY=psa_af4213129d8bbdf31ce532dc83e0d97c6f039256f27ddca4c68fae9ddbb53e43
test_older_database() {
    cp "$HERE/../../Tests/PhoneServiceTests/Fixtures/main-551ff28.db" "$ROOT/root/older.db"
    sdx phone-service backup --db "$DB" /root/current.db >/dev/null
    sctl stop phone-service.socket phone-service-tls.socket phone-service.service
    sdx phone-service restore --db "$DB" --force /root/older.db >/dev/null
    sctl start phone-service.socket phone-service-tls.socket
    check "/healthz over HTTPS on the older database: 200" equals "$(https_status /healthz)" 200
    check "the service logged the migration from schema 10" \
        sdx sh -c 'journalctl -q -o cat -u phone-service.service | grep -q "from-schema=10 to-schema=.* database migrated"'
    check "the older database's admin key" equals "$(sdx phone-service admin-key --db "$DB")" "$OLDER_ADMIN_KEY"
    local older_token status
    older_token=$(sdx phone-service token --db "$DB" --user admin@contoso.com --scopes UserAuthenticationMethod.Read.All)
    status=$(net curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$WORK/ca.pem" \
        -H "Authorization: Bearer $older_token" \
        "https://localhost:8443/v1.0/users/alice%40contoso.com/authentication/phoneMethods")
    check "its users' phones over HTTPS with a token the migrated schema signs: 200" equals "$status" 200
    sctl stop phone-service.socket phone-service-tls.socket phone-service.service
    sdx phone-service restore --db "$DB" --force /root/current.db >/dev/null
    sctl start phone-service.socket phone-service-tls.socket
    check "back to the tests' database: the phone is there" grep -q '+1 2065555555' <<<"$(phones_of_alice)"
    check "the state directory holds nothing of root's" \
        equals "$(sdx find /var/lib/private/phone-service -user root | wc -l)" 0
}
run_test "older database: one an earlier phone-service wrote is migrated by the packaged service" test_older_database

test_remove() {
    sdx env DEBIAN_FRONTEND=noninteractive apt-get remove -y phone-service >"$WORK/remove.log" 2>&1 ||
        { cat "$WORK/remove.log"; return 1; }
    check "the package is removed, its conffiles kept" equals "$(installed phone-service)" "config-files $NEW_VERSION"
    local unit
    for unit in phone-service.service phone-service.socket phone-service-tls.socket; do
        check "$unit is stopped" not active "$unit"
    done
    check "nothing listens on 8443" not net curl -s -o /dev/null --max-time 5 -k https://localhost:8443/healthz
    check "the binary is gone" not sdx test -e /usr/bin/phone-service
    check "the database stays" sdx test -s /var/lib/private/phone-service/phone-service.db
    check "the CA stays" sdx test -d /var/lib/private/phone-service/phone-service.db.tls
    check "/etc/default/phone-service stays" sdx test -f /etc/default/phone-service
}
run_test "remove: the service stops, the data stays" test_remove

test_reinstall() {
    sdx env DEBIAN_FRONTEND=noninteractive apt-get install -y "/root/debs/phone-service_${NEW_VERSION}.deb" \
        >"$WORK/reinstall.log" 2>&1 || { cat "$WORK/reinstall.log"; return 1; }
    check "the service is active again" active phone-service.service
    check "with the same CA" equals "$(sdx phone-service tls ca-cert --db "$DB")" "$(cat "$WORK/ca.pem")"
    check "and the same tenant: the phone is there" grep -q '+1 2065555555' <<<"$(phones_of_alice)"
    sdx env DEBIAN_FRONTEND=noninteractive apt-get remove -y phone-service >"$WORK/remove.log" 2>&1 ||
        { cat "$WORK/remove.log"; return 1; }
}
run_test "reinstall: installing again after remove finds the same tenant" test_reinstall

test_purge() {
    sdx env DEBIAN_FRONTEND=noninteractive apt-get purge -y phone-service >"$WORK/purge.log" 2>&1 ||
        { cat "$WORK/purge.log"; return 1; }
    check "the package is gone" not installed phone-service
    check "the state directory (database, CA, keys) is gone" not sdx test -e /var/lib/private/phone-service
    check "the /var/lib/phone-service link is gone" not sdx test -L /var/lib/phone-service
    check "/etc/default/phone-service is gone" not sdx test -e /etc/default/phone-service
    check "no unit is left enabled" \
        equals "$(sdx sh -c 'ls /etc/systemd/system/*/phone-service* 2>/dev/null | wc -l')" 0
}
run_test "purge: data, CA and keys removed" test_purge
