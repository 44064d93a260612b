#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check KERNEL=debug: the whole suite on the debug guest kernel.
#
#   scripts/debug-kernel/check.sh [check.py options, e.g. --tests a,b]
#
# 1. scripts/debug-kernel/build.sh builds (or reuses) the cached kernel.
# 2. e1kx is built against that tree from a copy of the sources in
#    build/debug/ (the stock ./e1kx.ko is left alone).
# 3. scripts/check.py boots it with E1KX_KO=build/debug/e1kx.ko, timeouts
#    x E1KX_DEBUG_TIMEOUT_SCALE (default 3), a kmemleak scan per guest, and
#    logs in build/check-debug/.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

kdir=$(scripts/debug-kernel/build.sh | tail -n1)
[ -f "$kdir/.done" ] || { echo "debug kernel build failed" >&2; exit 1; }

out=build/debug
mkdir -p "$out"
# cp -a keeps modification times: only changed files are rebuilt.
cp -a src include Kbuild Makefile "$out/"
nice -n 19 make -s -C "$out" KDIR="$kdir/src" modules

export E1KX_KO=$repo/$out/e1kx.ko
exec python3 scripts/check.py --kernel "$kdir/bzImage" --modules "$kdir/mods" \
	--timeout-scale "${E1KX_DEBUG_TIMEOUT_SCALE:-3}" --kmemleak \
	--logdir build/check-debug "$@"
