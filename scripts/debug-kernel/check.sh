#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check KERNEL=debug (flavour debug, the default) or KERNEL=6.12-fi
# (flavour fi): the suite on one of e1kx's own guest kernels
# (scripts/debug-kernel/build.sh).
#
#   scripts/debug-kernel/check.sh [debug|fi] [check.py options, e.g. --tests a,b]
#
# 1. scripts/debug-kernel/build.sh builds (or reuses) the cached kernel.
# 2. e1kx is built against that tree from a copy of the sources in
#    build/FLAVOUR/ (the stock ./e1kx.ko is left alone).
# 3. scripts/check.py boots it with E1KX_KO=build/FLAVOUR/e1kx.ko and logs
#    in build/check-debug/ (build/check-6.12-fi/).  The guests boot with a
#    16 MiB kernel log, room for the longest fault-injection sweep's
#    notices between two reads of the runner (tests/guest-runner.sh reads
#    the log as it is written and fails a test whose records were lost).
#    debug: timeouts x E1KX_DEBUG_TIMEOUT_SCALE (default 3), a kmemleak
#    scan per guest, and kasan_multi_shot (KASAN reports every bad access,
#    not only the first of the boot).  fi: stock speed, stock timeouts.
#    debug guests also boot with no5lvl: 6.1 runs identify_boot_cpu() with
#    interrupts on, and while it refills the boot CPU's feature words LA57
#    reads clear, so KASAN takes the 5-level direct map (-cpu max offers
#    LA57) for wild addresses and reports every interrupt in that window.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
flavour=debug
case "${1:-}" in
debug|fi) flavour=$1; shift ;;
esac

kdir=$(scripts/debug-kernel/build.sh "$flavour" | tail -n1)
[ -f "$kdir/.done" ] || { echo "$flavour kernel build failed" >&2; exit 1; }

out=build/$flavour
mkdir -p "$out"
# cp -a keeps modification times: only changed files are rebuilt.
cp -a src include Kbuild Makefile "$out/"
# The copy has no git history: give it the checkout's version
mkdir -p "$out/scripts"
cp -a scripts/e1kx-version "$out/scripts/"
v=$(scripts/e1kx-version)
[ "$(cat "$out/VERSION" 2>/dev/null)" = "$v" ] || echo "$v" >"$out/VERSION"
nice -n 19 make -s -C "$out" KDIR="$kdir/src" modules

export E1KX_KO=$repo/$out/e1kx.ko
if [ "$flavour" = "fi" ]; then
	exec python3 scripts/check.py --kernel "$kdir/bzImage" \
		--modules "$kdir/mods" --append "log_buf_len=16M" \
		--logdir build/check-6.12-fi "$@"
fi
exec python3 scripts/check.py --kernel "$kdir/bzImage" --modules "$kdir/mods" \
	--append "kasan_multi_shot log_buf_len=16M no5lvl" \
	--timeout-scale "${E1KX_DEBUG_TIMEOUT_SCALE:-3}" --kmemleak \
	--logdir build/check-debug "$@"
