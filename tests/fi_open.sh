#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Open, ring resize, channel change and MTU change under allocation
# failures: for each operation, the N-th kernel allocation of the calling
# task fails (fail-nth, failslab + fail_page_alloc) for N = 1, 2, ... until
# the operation succeeds without the fault firing (at most E1KX_FI_MAX),
# through tests/tools/fi_nth.py (one ioctl per attempt):
#
#   up        ip link set up (from down), rings at 128 so that the sweep
#             gets through the RX buffer allocations to the IRQ requests
#   rings     ethtool -G rx 128 tx 128 -> rx 256 tx 512, running
#   channels  ethtool -L combined 2 -> 1, then 1 -> 2, running
#   mtu       1500 -> 9000, running
#
# Every failed attempt must leave the old setting with the interface up and
# answering pings, or the interface cleanly down and able to come up again
# (then answering pings); every successful one the new setting.  Then
# traffic flows and rmmod is clean.  The harness fails the test on any
# kernel report, the debug run's kmemleak scan on any leaked e1kx object.
# Skips on kernels without fault injection (Debian's stock kernel).
# The fi_* tests share a guest of their own (see tests/lib_fi.sh).
#
# e1kx-topology: nics=1 wiring=tap append=e1kx.isolate=fi acpi=noirq
# e1kx-timeout: 900
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_et.sh
source "$(dirname "$0")/lib_et.sh"
# shellcheck source=lib_fi.sh
source "$(dirname "$0")/lib_fi.sh"

why=$(fi_available) || ktap_skip_all "$why"
ktap_plan 9
trap fi_restore EXIT
unload_e1kx
et_setup || ktap_bail "cannot set up NIC 0 / peer unreachable"

ethtool -G "$IF" rx 128 tx 128 || ktap_bail "cannot set rings 128/128"
fi_enable
fi_sweep "ip link set up: fail-nth sweep" up "$IF"
fi_restore
ip link set "$IF" up
wait_carrier "$IF" 15
et_check_ping "after the open sweep: ping" 5

fi_enable
fi_sweep "ethtool -G rx 256 tx 512: fail-nth sweep" rings "$IF" 256 512 --ping "$P4"
fi_sweep "ethtool -L combined 1: fail-nth sweep" channels "$IF" 1 --ping "$P4"
fi_restore
ethtool -L "$IF" combined 1
fi_enable
fi_sweep "ethtool -L combined 2 (from 1): fail-nth sweep" channels "$IF" 2 --ping "$P4"
fi_restore
ethtool -L "$IF" combined 2
fi_enable
fi_sweep "mtu 9000: fail-nth sweep" mtu "$IF" 9000 --ping "$P4"
fi_restore
fi_dma_debug_note

got="$(et_ring rx)/$(et_ring tx) $(et_combined) $(cat "/sys/class/net/$IF/mtu")"
if [ "$got" = "128/128 2 1500" ]; then
	ktap_ok "settings back at rx 128 tx 128, combined 2, mtu 1500"
else
	ktap_fail "settings back at rx 128 tx 128, combined 2, mtu 1500" "got $got"
fi
et_check_ping "after the sweeps: ping" 5
if rmmod e1kx && ! driver_loaded e1kx; then
	ktap_ok "rmmod e1kx is clean"
else
	ktap_fail "rmmod e1kx is clean" "module still loaded"
fi
ktap_finish
