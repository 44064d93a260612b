#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Helper for harness_dmesg.sh (not a test on its own): writes a fake kernel
# WARNING, then clears the kernel log and passes.  guest-runner.sh reads
# the log as it is written, so it must still catch the WARNING.
set -euo pipefail
echo "TAP version 13"
echo "1..1"
echo "<4>WARNING: CPU: 0 PID: $$ at e1kx/harness: injected by clear_log.sh (e1kx-harness-injected)" >/dev/kmsg
dmesg -C
echo "ok 1 warning injected, log cleared"
