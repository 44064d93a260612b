#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package e1kx needs to build, lint and test: Debian's
# stock 6.1 kernel and its 6.12 kernel (image and matching headers: make
# KERNEL=6.12), and unpack the parts of linux-source-6.1 (checkpatch.pl,
# kselftest) and of linux-source-6.12 (its newer checkpatch.pl, ynl with the
# netlink specs for tests/nl_qstats.sh, and the drivers/net selftests with
# their Python and shell libraries for tests/up_drivers_net.sh) we use, and
# fetch Debian 13's ethtool 6.14 for those drivers/net tests.
# Idempotent: quick when everything is already present.
#
#   scripts/install-deps.sh --build-only
#
# installs only what building, installing and signing e1kx.ko needs on a
# machine that runs it: the compiler and kbuild's tools, and the headers of
# the running kernel (linux-headers-$(uname -r)).
set -euo pipefail

# make, make install, make sign
BUILD_PKGS=(build-essential bc bison flex libelf-dev libssl-dev dwarves kmod
	openssl xz-utils)

if [ "${1:-}" = --build-only ]; then
	PKGS=("${BUILD_PKGS[@]}" "linux-headers-$(uname -r)")
	missing=()
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null |
			grep -q '^ii' || missing+=("$p")
	done
	[ "${#missing[@]}" -gt 0 ] || exit 0
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	exec apt-get install -y -qq --no-install-recommends "${missing[@]}"
elif [ $# -gt 0 ]; then
	echo "usage: install-deps.sh [--build-only]" >&2
	exit 2
fi

PKGS=(
	"${BUILD_PKGS[@]}" cpio python3 sparse clang libbpf-dev libxdp-dev
	dkms dh-dkms debhelper dpkg-dev fakeroot lintian ovmf efitools mokutil
	qemu-system-x86 busybox-static
	linux-image-amd64 linux-headers-amd64 linux-source-6.1 linux-source-6.12
	ethtool iproute2 iperf3 iputils-ping tcpdump netsniff-ng socat jq xdp-tools
	procps psmisc util-linux curl libmnl0 strace
	python3-matplotlib python3-yaml
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' ||
		missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian 12's 6.12 kernel: the newest linux-image-6.12.<n>+deb12-amd64-unsigned
# the archive has, and its headers. An installed one is kept.
k612=$(ls /lib/modules | grep -E -- '^6\.12\.[0-9]+\+deb12-amd64$' |
	sort -V | tail -n1 || true)
if [ -z "$k612" ] || [ ! -e "/boot/vmlinuz-$k612" ]; then
	k612=$(apt-cache pkgnames linux-image-6.12. |
		sed -nE 's/^linux-image-(6\.12\.[0-9]+\+deb12-amd64)-unsigned$/\1/p' |
		sort -V | tail -n1)
	if [ -z "$k612" ]; then
		echo "install-deps: no linux-image-6.12.*+deb12-amd64-unsigned in the archive" >&2
		exit 1
	fi
	echo "install-deps: installing linux-image-$k612-unsigned"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"linux-image-$k612-unsigned" >/dev/null
fi

# Every Debian amd64 kernel installed (the stock 6.1, 6.12) gets its headers.
for kver in $(ls /lib/modules | grep -E -- '-amd64$' | sort -V); do
	[ -e "/boot/vmlinuz-$kver" ] || continue
	[ -d "/usr/src/linux-headers-$kver" ] && continue
	echo "install-deps: installing linux-headers-$kver"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"linux-headers-$kver" >/dev/null
done
if ! ls /boot | grep -qE -- '^vmlinuz-6\.1\.[0-9]+-[0-9]+-amd64$'; then
	echo "install-deps: no Debian 6.1 amd64 kernel image found" >&2
	exit 1
fi

# Unpack checkpatch.pl and the kselftest framework from linux-source-6.1,
# and the newer checkpatch.pl (make lint runs the newest) from 6.12.
CACHE=${E1KX_CACHE:-/var/cache/e1kx}
mkdir -p "$CACHE"
if [ ! -x "$CACHE/linux-source-6.1/scripts/checkpatch.pl" ]; then
	echo "install-deps: unpacking checkpatch.pl and kselftest from linux-source-6.1"
	tar -C "$CACHE" -xJf /usr/src/linux-source-6.1.tar.xz \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/tools/testing/selftests/kselftest \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/lib.mk \
		linux-source-6.1/tools/testing/selftests/run_kselftest.sh
fi
if [ ! -x "$CACHE/linux-source-6.12/scripts/checkpatch.pl" ]; then
	echo "install-deps: unpacking checkpatch.pl from linux-source-6.12"
	tar -C "$CACHE" -xJf /usr/src/linux-source-6.12.tar.xz \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
fi
# ynl (tools/net/ynl/cli.py, run with --no-schema: no jsonschema needed)
# and the netlink specs it reads
if [ ! -f "$CACHE/linux-source-6.12/tools/net/ynl/cli.py" ] ||
   [ ! -f "$CACHE/linux-source-6.12/Documentation/netlink/specs/netdev.yaml" ]; then
	echo "install-deps: unpacking ynl and the netlink specs from linux-source-6.12"
	tar -C "$CACHE" -xJf /usr/src/linux-source-6.12.tar.xz \
		linux-source-6.12/tools/net/ynl \
		linux-source-6.12/Documentation/netlink
fi
# Linux's driver selftests (tools/testing/selftests/drivers/net and hw/), the
# net/lib Python library they import (it finds ynl and the specs above), and
# the shell libraries of the forwarding-style hw/ tests
K612=linux-source-6.12/tools/testing/selftests
if [ ! -f "$CACHE/$K612/drivers/net/hw/pp_alloc_fail.py" ] ||
   [ ! -f "$CACHE/$K612/net/forwarding/tc_common.sh" ]; then
	echo "install-deps: unpacking the drivers/net selftests from linux-source-6.12"
	tar -C "$CACHE" -xJf /usr/src/linux-source-6.12.tar.xz \
		"$K612/drivers/net/README.rst" \
		"$K612/drivers/net/ping.py" \
		"$K612/drivers/net/stats.py" \
		"$K612/drivers/net/queues.py" \
		"$K612/drivers/net/lib" \
		"$K612/drivers/net/hw" \
		"$K612/net/lib" \
		"$K612/net/lib.sh" \
		"$K612/net/net_helper.sh" \
		"$K612/net/forwarding/lib.sh" \
		"$K612/net/forwarding/tc_common.sh" \
		"$K612/kselftest"
fi
# ethtool 6.14 from Debian 13's archive, for those tests only
# (tests/up_drivers_net.sh puts it first in their PATH): they read
# `ethtool --json` of -g, -x and -c, which Debian 12's ethtool 6.1 does not
# have. The package (it needs only libc6 and libmnl0) is checked against
# its pinned SHA256 and unpacked into $CACHE/ethtool-6.14; the system's
# ethtool stays as it is. Without the download those cases stay skipped,
# and the test says why.
ETHTOOL_DEB=ethtool_6.14.2-1_amd64.deb
ETHTOOL_SHA256=5c592ac6e65c3863c5ba9c9b8380f913a35f39803aa89ccc59c11c5c953a46ef
ETHTOOL_URL=http://deb.debian.org/debian/pool/main/e/ethtool/$ETHTOOL_DEB
ETHTOOL_DIR=$CACHE/ethtool-6.14
if [ "$(cat "$ETHTOOL_DIR/.deb" 2>/dev/null)" != "$ETHTOOL_DEB $ETHTOOL_SHA256" ]; then
	echo "install-deps: fetching $ETHTOOL_DEB from Debian's archive"
	tmp=$(mktemp -d)
	if curl -fsS --retry 2 --max-time 120 -o "$tmp/$ETHTOOL_DEB" "$ETHTOOL_URL" &&
	   echo "$ETHTOOL_SHA256  $tmp/$ETHTOOL_DEB" | sha256sum -c --quiet - &&
	   rm -rf "$ETHTOOL_DIR" &&
	   dpkg-deb -x "$tmp/$ETHTOOL_DEB" "$ETHTOOL_DIR" &&
	   "$ETHTOOL_DIR/usr/sbin/ethtool" --version >/dev/null; then
		echo "$ETHTOOL_DEB $ETHTOOL_SHA256" >"$ETHTOOL_DIR/.deb"
	else
		echo "install-deps: warning: no ethtool 6.14 ($ETHTOOL_URL):" \
			"tests/up_drivers_net.sh skips the cases that need it" >&2
		rm -rf "$ETHTOOL_DIR"
	fi
	rm -rf "$tmp"
fi
exit 0
