#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Helper for harness_dmesg.sh (not a test on its own): plans results, reports
# none and exits 0; guest-runner.sh must fail it.
echo "TAP version 13"
echo "1..2"
exit 0
