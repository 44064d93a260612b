#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Helper for harness_dmesg.sh (not a test on its own): like
# inject_tx_timeout.sh, but its header declares the timeout, so
# guest-runner.sh must pass it.
#
# e1kx-expect: tx-timeout
set -euo pipefail
echo "TAP version 13"
echo "1..1"
echo "<2>e1kx 0000:01:00.0 eth9: NETDEV WATCHDOG: eth9 (e1kx): transmit queue 0 timed out (e1kx-harness-injected)" >/dev/kmsg
echo "ok 1 declared TX watchdog timeout injected"
