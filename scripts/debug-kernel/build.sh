#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) one of e1kx's own guest kernels, by flavour:
#   debug  Debian's linux-source-6.1 with x86_64_defconfig +
#          scripts/debug-kernel/config.fragment (KASAN, UBSAN, lockdep,
#          DMA-API debug, kmemleak, ...): make check KERNEL=debug
#   fi     Debian's linux-source-6.12 with x86_64_defconfig + the guest part
#          of config.fragment (above its "--- checkers" line) + fi.fragment
#          (function error injection, no slow checkers):
#          make check KERNEL=6.12-fi
#
#   scripts/debug-kernel/build.sh [debug|fi] [--cached]     (default debug)
#
# Everything lives outside the checkout, in
#   $E1KX_CACHE/debug-kernel/<key>/      (E1KX_CACHE default /var/cache/e1kx)
#     src/        the configured and built tree (KDIR for out-of-tree builds)
#     bzImage     the kernel to boot
#     mods/       INSTALL_MOD_PATH (mods/lib/modules/<version>)
#     build.log   the build output; build-time  the cold build wall time
# <key> hashes the source package version, the fragment and the compiler
# (and for fi the flavour name), so editing a fragment or upgrading the
# package builds a fresh tree; a warm
# cache returns at once.  The last line printed is the cache directory.
# --cached builds nothing: exit status 0 if the kernel is already built.
# Builds run under `nice -n 19` with -j$(nproc).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${E1KX_CACHE:-/var/cache/e1kx}/debug-kernel
flavour=debug
case "${1:-}" in
debug|fi) flavour=$1; shift ;;
esac

log() { echo "debug-kernel ($flavour): $*" >&2; }

# fragment_of FLAVOUR: the config lines merged onto x86_64_defconfig
fragment_of() {
	case "$1" in
	debug) cat "$here/config.fragment" ;;
	fi) sed '/^# --- checkers/,$d' "$here/config.fragment"
	    cat "$here/fi.fragment" ;;
	esac
}

case "$flavour" in
debug) series=6.1 ;;
fi) series=6.12 ;;
esac
pkg=linux-source-$series
tarball=/usr/src/$pkg.tar.xz
[ -f "$tarball" ] || { log "$tarball missing (apt-get install $pkg)"; exit 1; }
pkgver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || stat -c %Y "$tarball")
# The debug key is what it has always been (a cold debug build takes
# 20 minutes and more): the flavour name enters only the others' keys.
key=$( { [ "$flavour" = debug ] || echo "flavour $flavour"
	 echo "$pkgver"; fragment_of "$flavour"; gcc --version | head -n1; } |
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
	echo "source: $pkg $pkgver"
	echo "flavour: $flavour"
	fragment_of "$flavour" >"$dir/config.fragment"
	nice -n 19 tar -C "$dir" -xJf "$tarball"
	mv "$dir/$pkg" "$dir/src"
	cd "$dir/src"
	m() { nice -n 19 make -j"$(nproc)" "$@"; }
	m x86_64_defconfig
	scripts/kconfig/merge_config.sh -m .config "$dir/config.fragment"
	m olddefconfig
	# Every fragment line must have survived olddefconfig (the last value
	# of a symbol the fragment sets twice).
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
	done < <(tac "$dir/config.fragment" |
		awk '{ s = $0; sub(/^# /, "", s); sub(/[= ].*/, "", s) }
		     s !~ /^CONFIG_/ || !seen[s]++' | tac)
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
