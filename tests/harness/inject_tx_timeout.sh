#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Helper for harness_dmesg.sh (not a test on its own): passes by itself but
# writes a fake TX watchdog timeout (the form of Linux 6.1's netdev_crit
# line) to the log, which guest-runner.sh must catch.
set -euo pipefail
echo "TAP version 13"
echo "1..1"
echo "<2>e1kx 0000:01:00.0 eth9: NETDEV WATCHDOG: eth9 (e1kx): transmit queue 1 timed out (e1kx-harness-injected)" >/dev/kmsg
echo "ok 1 TX watchdog timeout injected"
