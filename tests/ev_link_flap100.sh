#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# E1KX_FLAPS (default 100) QEMU set_link off/on cycles while iperf3 sends
# guest -> peer: every "off" must drop the carrier and every "on" bring it
# back, the interface must count the link changes, iperf3 must still be
# moving data at the end (and a fresh run afterwards must be clean), and the
# TX watchdog must not fire (no timeout storm from a queue left stopped
# while the link was down).
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 1800
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_ev.sh
source "$(dirname "$0")/lib_ev.sh"

FLAPS=${E1KX_FLAPS:-100}
ktap_plan 8
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
IF=$NET_IF
trap 'ctl hmp "set_link net0 on" >/dev/null; net_cleanup' EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"

cc0=$(cat "/sys/class/net/$IF/carrier_changes")
to0=$(ev_stat tx_timeouts)
# Budget ~4 s per cycle under TCG; iperf3 runs past the last cycle.
ev_iperf_start 6001 $((FLAPS * 4 + 40))
sleep 3
res=$(ev_flaps "$IF" "$FLAPS")
echo "$res" | grep '^#'
res=$(echo "$res" | tail -n1)
echo "# $FLAPS flaps: $res"
lost=$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' <<<"$res")
back=$(sed -n 's/.*back=\([0-9]*\).*/\1/p' <<<"$res")
ktap_check "carrier lost on all $FLAPS set_link off ($lost)" test "$lost" -eq "$FLAPS"
ktap_check "carrier back on all $FLAPS set_link on ($back)" test "$back" -eq "$FLAPS"
cc1=$(cat "/sys/class/net/$IF/carrier_changes")
echo "# carrier_changes $cc0 -> $cc1"
ktap_check "carrier_changes grew by >= $((2 * FLAPS))" test $((cc1 - cc0)) -ge $((2 * FLAPS))

# Let iperf3 run a few seconds on a stable link, then stop it.
sleep 8
kill -INT "$EV_IPID" 2>/dev/null
ev_iperf_wait 60
echo "# iperf3 during the flaps: $(ev_iperf_summary)"
ktap_check "traffic resumed after the last flap (iperf3's last 3 s moved data)" ev_iperf_tail_ok
ktap_check "ping $P4 after the flaps" wait_ping "$P4" 15
ktap_check "clean 10 s iperf3 run after the flaps" ev_iperf_once 6002 10
to1=$(ev_stat tx_timeouts)
ktap_check "no TX timeouts counted (tx_timeouts $to0 -> $to1)" test "$to1" -eq "$to0"
check_no_tx_timeout "$IF"
ktap_finish
