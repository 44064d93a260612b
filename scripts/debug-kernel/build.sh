#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the e1kx debug guest kernel: Debian's linux-source-6.1 with
# x86_64_defconfig + scripts/debug-kernel/config.fragment (KASAN, UBSAN,
# lockdep, DMA-API debug, kmemleak, ...).
#
#   scripts/debug-kernel/build.sh [--cached]
#
# Everything lives outside the checkout, in
#   $E1KX_CACHE/debug-kernel/<key>/      (E1KX_CACHE default /var/cache/e1kx)
#     src/        the configured and built tree (KDIR for out-of-tree builds)
#     bzImage     the kernel to boot
#     mods/       INSTALL_MOD_PATH (mods/lib/modules/<version>)
#     build.log   the build output; build-time  the cold build wall time
# <key> hashes the source package version, the fragment and the compiler, so
# editing the fragment or upgrading the package builds a fresh tree; a warm
# cache returns at once.  The last line printed is the cache directory.
# --cached builds nothing: exit status 0 if the kernel is already built.
# Builds run under `nice -n 19` with -j$(nproc).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/config.fragment
tarball=/usr/src/linux-source-6.1.tar.xz
cache=${E1KX_CACHE:-/var/cache/e1kx}/debug-kernel

log() { echo "debug-kernel: $*" >&2; }

[ -f "$tarball" ] || { log "$tarball missing (apt-get install linux-source-6.1)"; exit 1; }
pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || stat -c %Y "$tarball")
key=$( { echo "$pkgver"; cat "$fragment"; gcc --version | head -n1; } |
	sha256sum | cut -c1-16)
dir=$cache/$key

if [ -f "$dir/.done" ]; then
	log "cached: $dir ($(cat "$dir/build-time" 2>/dev/null || echo ?))"
	echo "$dir"
	exit 0
fi
if [ "${1:-}" = --cached ]; then
	log "not built yet: $dir"
	exit 1
fi

mkdir -p "$cache"
# One builder at a time (make check runs may race).
exec 9>"$cache/.lock"
flock 9
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

t0=$(date +%s)
rm -rf "$dir"
mkdir -p "$dir"
log "building in $dir (log: $dir/build.log)"
{
	echo "source: linux-source-6.1 $pkgver"
	echo "fragment: $fragment"
	nice -n 19 tar -C "$dir" -xJf "$tarball"
	mv "$dir/linux-source-6.1" "$dir/src"
	cd "$dir/src"
	m() { nice -n 19 make -j"$(nproc)" "$@"; }
	m x86_64_defconfig
	scripts/kconfig/merge_config.sh -m .config "$fragment"
	m olddefconfig
	# Every fragment line must have survived olddefconfig.
	miss=0
	while read -r line; do
		case "$line" in
		CONFIG_*=*) sym=${line%%=*} ;;
		"# CONFIG_"*" is not set") sym=${line#"# "}; sym=${sym%% *}; line="# $sym is not set" ;;
		*) continue ;;
		esac
		got=$(grep -E "^$sym=|^# $sym is not set" .config || echo "# $sym is not set")
		if [ "$got" != "$line" ]; then
			echo "config: wanted '$line', got '$got'"
			miss=1
		fi
	done <"$fragment"
	[ "$miss" -eq 0 ] || echo "config: warning: fragment values changed by olddefconfig"
	m bzImage modules
	m INSTALL_MOD_PATH="$dir/mods" modules_install
	cp arch/x86/boot/bzImage "$dir/bzImage"
} >"$dir/build.log" 2>&1 || {
	log "build failed; last lines of $dir/build.log:"
	tail -n 30 "$dir/build.log" >&2
	exit 1
}
t1=$(date +%s)
# CPU time of everything this script ran (the build's own cost, whatever
# else the machine was doing): "times" prints the children's user/sys.
times >"$dir/times.tmp" # not in $(...): a subshell has no children
cpu=$(tail -n1 "$dir/times.tmp")
rm -f "$dir/times.tmp"
echo "cold build $((t1 - t0)) s wall on $(nproc) CPUs (nice 19, load $(cut -d' ' -f1-3 /proc/loadavg)), CPU user/sys $cpu" >"$dir/build-time"
grep '^config:' "$dir/build.log" >&2 || true
touch "$dir/.done"
log "$(cat "$dir/build-time")"
echo "$dir"
