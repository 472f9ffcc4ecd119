#!/usr/bin/env bash
# The Debian package on a fresh Debian 12 under its own systemd: unpacks a debootstrapped bookworm
# root (tests/deb/make-root.sh, cached per machine), boots it with its own systemd as PID 1 of new
# PID, mount and network namespaces (as tests/systemd does with the host's files), and there:
# `apt-get install ./phone-service_*.deb`, HTTPS /healthz with the CA the CLI prints, the CLI
# (user add, token, check), systemd-analyze security, an upgrade to a newer build with a phone kept,
# remove (data stays) and purge (data, CA and keys gone).
#
# Usage: tests/deb/run.sh PACKAGE.deb (root). Prints PASS/FAIL per test and ends with
# "deb: N passed, M failed"; exits non-zero on any failure. Bounded by PHONE_SERVICE_DEB_TEST_TIMEOUT
# seconds (default 900).
#
# Keeping the host untouched: the root is a scratch copy under /var/tmp (removed afterwards) with
# its own /run, /tmp and /dev, /sys and /proc/sys read-only (cgroups excepted, for systemd), a
# network namespace of its own (only loopback: the package's default ports 8080 and 8443 cannot
# collide with the host's), units that would reach the host's kernel masked, and no capability to
# load modules or set the clock. The root has no network, so apt downloads the package's
# dependencies (from the archive this machine's apt uses) in a chroot before the boot; the booted
# root's apt then resolves and installs them itself.
# shellcheck disable=SC2317 # functions defined for tests are called through run_test and check
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TIME_LIMIT=${PHONE_SERVICE_DEB_TEST_TIMEOUT:-900}

if [ $# != 1 ] || [ ! -f "$1" ]; then
    echo "usage: tests/deb/run.sh PACKAGE.deb" >&2
    exit 2
fi
DEB=$(readlink -f "$1")
# shellcheck source=tests/root-and-time-limit.sh
. "$HERE/../root-and-time-limit.sh"
root_within "$TIME_LIMIT" "debootstrap, unshare, nsenter" "$0" "$@"
STARTED_AT=$(date +%s)
log() { echo "    $*"; }

missing=()
for pair in unshare:util-linux nsenter:util-linux setpriv:util-linux curl:curl dpkg-deb:dpkg; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

TARBALL=$("$HERE/make-root.sh")
WORK=$(mktemp -d /var/tmp/phone-service-deb.XXXXXX)
ROOT=$WORK/root
SD=""     # the root's systemd, as a host process id
UNSHARE=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # A load the upgrade test left running (it lives in the host's PID namespace).
    if [ -e "$WORK/load.pid" ]; then kill "$(cat "$WORK/load.pid")" 2>/dev/null || true; fi
    if [ -n "$SD" ] && kill -0 "$SD" 2>/dev/null; then kill -KILL "$SD" 2>/dev/null || true; fi
    # unshare --kill-child takes the root's systemd (and so the whole PID namespace) with it.
    if [ -n "$UNSHARE" ]; then
        kill "$UNSHARE" 2>/dev/null || true
        wait "$UNSHARE" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir "$ROOT"
tar -C "$ROOT" --numeric-owner -xzf "$TARBALL"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"

# The packages: the one under test, and a newer build of it for the upgrade (the same files with
# the version raised; the binary reports the source's version, the package its own).
VERSION=$(dpkg-deb -f "$DEB" Version)
NEW_VERSION="$VERSION+upgradetest1"
mkdir -p "$ROOT/root/debs" "$WORK/repack"
cp "$DEB" "$ROOT/root/debs/phone-service_${VERSION}.deb"
dpkg-deb -R "$DEB" "$WORK/repack"
sed -i "s/^Version: .*/Version: $NEW_VERSION/" "$WORK/repack/DEBIAN/control"
dpkg-deb -Zgzip -z1 -b "$WORK/repack" "$ROOT/root/debs/phone-service_${NEW_VERSION}.deb" >/dev/null
rm -rf "$WORK/repack"
# apt fetches what the package needs while the chroot still has the host's network.
chroot "$ROOT" apt-get install -qq --download-only -y "/root/debs/phone-service_${VERSION}.deb" >"$WORK/download.log" 2>&1 ||
    { cat "$WORK/download.log" >&2; exit 1; }

# Units that would touch the host's kernel or devices, masked in the root (most also find /sys
# or /proc/sys read-only and would skip themselves).
for unit in systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service \
    systemd-sysctl.service systemd-modules-load.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount \
    systemd-hwdb-update.service systemd-firstboot.service systemd-remount-fs.service getty.target \
    systemd-logind.service; do
    ln -sf /dev/null "$ROOT/etc/systemd/system/$unit"
done

cat >"$WORK/boot.sh" <<EOF
set -eu
mount --bind "$ROOT" "$ROOT"
mount -t proc proc "$ROOT/proc"
mount --bind /proc/sys "$ROOT/proc/sys"
mount -o remount,bind,ro "$ROOT/proc/sys"
mount --rbind /sys "$ROOT/sys"
mount -o remount,bind,ro "$ROOT/sys"
mount -t tmpfs -o mode=0755 tmpfs "$ROOT/run"
mount -t tmpfs -o mode=1777 tmpfs "$ROOT/tmp"
D="$ROOT/dev"
mount -t tmpfs -o mode=0755,nosuid tmpfs "\$D"
mknod -m 666 "\$D/null" c 1 3; mknod -m 666 "\$D/zero" c 1 5; mknod -m 666 "\$D/full" c 1 7
mknod -m 666 "\$D/random" c 1 8; mknod -m 666 "\$D/urandom" c 1 9; mknod -m 666 "\$D/tty" c 5 0
mkdir -m 0755 "\$D/pts"; mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "\$D/pts"
ln -s pts/ptmx "\$D/ptmx"
mkdir -m 1777 "\$D/shm"; mount -t tmpfs -o mode=1777 tmpfs "\$D/shm"
ln -s /proc/self/fd "\$D/fd"; ln -s /proc/self/fd/0 "\$D/stdin"
ln -s /proc/self/fd/1 "\$D/stdout"; ln -s /proc/self/fd/2 "\$D/stderr"
cd "$ROOT"
mkdir -p .host
pivot_root . .host
umount -l /.host
rmdir /.host
exec setpriv --bounding-set -sys_module,-sys_time,-sys_boot,-sys_rawio,-wake_alarm,-syslog \\
    env container=phone-service-deb-test /lib/systemd/systemd --system --unit=multi-user.target
EOF
unshare --pid --fork --kill-child --mount --net --propagation private bash "$WORK/boot.sh" \
    >"$WORK/systemd.log" 2>&1 &
UNSHARE=$!

# In the root (its files, processes and network), and in its network alone (the host's curl).
sdx() { timeout 120 nsenter -t "$SD" -p -m -n -- "$@"; }
net() { timeout 30 nsenter -t "$SD" -n -- "$@"; }
sctl() { sdx systemctl "$@"; }
prop() { sctl show -p "$2" --value "$1"; }
poll() { # SECONDS COMMAND...: until it succeeds, every 0.2 s
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}
booted() {
    [ -n "$SD" ] || SD=$(pgrep -P "$UNSHARE" | head -n 1) || return 1
    local state
    state=$(timeout 5 nsenter -t "$SD" -p -m -- systemctl is-system-running 2>/dev/null) || true
    [ "$state" = running ] || [ "$state" = degraded ]
}
if ! poll 60 booted; then
    echo "the root's systemd did not come up:" >&2
    cat "$WORK/systemd.log" >&2
    exit 1
fi
echo "debian 12 root booted: systemd pid $SD, $(sdx systemctl --version | head -n 1); package $VERSION"
if [ "$(sctl is-system-running || true)" = degraded ]; then
    log "failed units in the root (not the package's): $(sctl --failed --plain --no-legend | awk '{print $1}' | xargs)"
fi

# The tests, in order: each one starts from the state the previous one left.
PASSED=0
FAILED=0
# shellcheck source=tests/deb/tests.sh
. "$HERE/tests.sh"

echo "deb: $PASSED passed, $FAILED failed ($(($(date +%s) - STARTED_AT)) s)"
[ "$FAILED" = 0 ]
