#!/usr/bin/env bash
# A fresh Debian 12 root for tests/deb/run.sh, made once per machine and cached: debootstrap
# (variant minbase, plus systemd to boot it) from the Debian archive this machine's apt uses, then
# `apt-get update` inside it so that `apt install ./phone-service_*.deb` can fetch dependencies.
# Nothing of phone-service's dependencies, no Swift and no build tools are in it.
#
# Prints the path of the tarball. The cache key is a hash of everything that makes the root (suite,
# mirror, variant, package list, this recipe's revision): change any and a new root is made.
# Environment: PHONE_SERVICE_DEB_CACHE (default /var/cache/phone-service-test). Root only.
set -euo pipefail

SUITE=bookworm
VARIANT=minbase
# systemd to boot the root as tests/systemd does; nothing else beyond minbase.
INCLUDE=systemd
RECIPE=1
CACHE=${PHONE_SERVICE_DEB_CACHE:-/var/cache/phone-service-test}

# The first archive this machine's apt uses for $SUITE's main component, one-line or deb822 format.
mirror() {
    local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
    local file
    for file in "${files[@]}"; do
        [ -f "$file" ] || continue
        case "$file" in
        *.sources)
            awk -v suite="$SUITE" '
                /^[[:space:]]*$/ { if (uri != "" && has_suite && deb) { print uri; exit } uri = ""; has_suite = 0; deb = 0; next }
                /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
                /^URIs:/ { uri = $2 }
                /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) has_suite = 1 }
                END { if (uri != "" && has_suite && deb) print uri }' "$file"
            ;;
        *)
            awk -v suite="$SUITE" '$1 == "deb" { n = 2; if ($2 ~ /^\[/) { while ($n !~ /\]$/) n++; n++ }
                if ($(n + 1) == suite) { print $n; exit } }' "$file"
            ;;
        esac
    done | head -n 1
}

MIRROR=$(mirror)
[ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
ARCH=$(dpkg --print-architecture)
KEY=$(printf '%s\n' "$SUITE" "$MIRROR" "$VARIANT" "$INCLUDE" "$ARCH" "$RECIPE" | sha256sum | cut -c1-16)
TARBALL="$CACHE/debian-$SUITE-$ARCH-$KEY.tar.gz"

mkdir -p "$CACHE"
exec 8>"$CACHE/.lock"
flock -w 900 8 || { echo "make-root.sh: another run holds $CACHE/.lock" >&2; exit 1; }
if [ -s "$TARBALL" ]; then
    echo "$TARBALL"
    exit 0
fi

command -v debootstrap >/dev/null || {
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
}
BUILD=$(mktemp -d "$CACHE/.build.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
echo "make-root.sh: debootstrap $SUITE ($VARIANT, +$INCLUDE) from $MIRROR (once per machine)" >&2
debootstrap --variant="$VARIANT" --include="$INCLUDE" "$SUITE" "$BUILD/root" "$MIRROR" >"$BUILD/debootstrap.log" 2>&1 ||
    { tail -n 30 "$BUILD/debootstrap.log" >&2; exit 1; }
# The same archive for apt inside, and its package lists, so the test only downloads packages.
echo "deb $MIRROR $SUITE main" >"$BUILD/root/etc/apt/sources.list"
cp /etc/resolv.conf "$BUILD/root/etc/resolv.conf"
chroot "$BUILD/root" apt-get update -qq >&2
chroot "$BUILD/root" apt-get clean
tar -C "$BUILD/root" --numeric-owner -czf "$BUILD/root.tar.gz" .
mv "$BUILD/root.tar.gz" "$TARBALL"
echo "$TARBALL"
