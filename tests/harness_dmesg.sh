#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The dmesg check of guest-runner.sh fails a test that leaves a kernel WARNING.
#
# e1kx-topology: nics=2 wiring=tap append=
# e1kx-timeout: 120
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

runner=$E1KX_TESTS_DIR/guest-runner.sh
ktap_plan 4

set +e
out=$("$runner" harness/inject_warning.sh 2>&1)
rc=$?
set -e
echo "$out" | sed 's/^/# /'
ktap_check "runner exits 1 for a test with a WARNING" test "$rc" -eq 1
ktap_check "runner reports not ok with the kernel report" \
	grep -q '^not ok 1 harness/inject_warning.sh # kernel report in dmesg: WARNING: CPU: .* injected by inject_warning.sh' <<<"$out"

set +e
out=$("$runner" harness/clean_pass.sh 2>&1)
rc=$?
set -e
echo "$out" | sed 's/^/# /'
ktap_check "runner exits 0 for a clean test" test "$rc" -eq 0
ktap_check "runner reports ok for a clean test" \
	grep -qx 'ok 1 harness/clean_pass.sh' <<<"$out"

dmesg -C
ktap_finish
