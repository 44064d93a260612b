#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Helper for harness_dmesg.sh (not a test on its own): passes by itself but
# writes a fake kernel WARNING to the log, which guest-runner.sh must catch.
set -euo pipefail
echo "TAP version 13"
echo "1..1"
echo "<4>WARNING: CPU: 0 PID: $$ at e1kx/harness: injected by inject_warning.sh (e1kx-harness-injected)" >/dev/kmsg
echo "ok 1 warning injected"
