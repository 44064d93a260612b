#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install every Debian package e1kx needs to build, lint and test, and unpack
# the parts of Debian's linux-source-6.1 we use (checkpatch.pl, kselftest).
# Idempotent: quick when everything is already present.
set -euo pipefail

PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves kmod cpio
	xz-utils python3 sparse clang libbpf-dev
	qemu-system-x86 busybox-static
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	ethtool iproute2 iperf3 iputils-ping tcpdump netsniff-ng socat
	procps psmisc util-linux
	python3-matplotlib
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

# The guest boots Debian's newest installed kernel; its headers must match.
kver=$(ls /lib/modules | grep -E -- '-amd64$' | sort -V | tail -n1)
if [ -z "$kver" ] || [ ! -e "/boot/vmlinuz-$kver" ]; then
	echo "install-deps: no Debian amd64 kernel image found" >&2
	exit 1
fi
if [ ! -d "/usr/src/linux-headers-$kver" ]; then
	echo "install-deps: installing linux-headers-$kver"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "linux-headers-$kver" >/dev/null
fi

# Unpack checkpatch.pl and the kselftest framework from linux-source-6.1.
SRC_CACHE=${E1KX_CACHE:-/var/cache/e1kx}/linux-source-6.1
if [ ! -x "$SRC_CACHE/scripts/checkpatch.pl" ]; then
	echo "install-deps: unpacking checkpatch.pl and kselftest from linux-source-6.1"
	mkdir -p "$(dirname "$SRC_CACHE")"
	tar -C "$(dirname "$SRC_CACHE")" -xJf /usr/src/linux-source-6.1.tar.xz \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch \
		linux-source-6.1/tools/testing/selftests/kselftest \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/lib.mk \
		linux-source-6.1/tools/testing/selftests/run_kselftest.sh
fi
exit 0
