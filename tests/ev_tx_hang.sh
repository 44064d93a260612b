#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TX hang under traffic: while iperf3 sends guest -> peer, the debugfs knob
# fault_inject bit 2 (E1KX_FAULT_TX_STALL) stops the driver from handing
# descriptors to the device, so the TX queue stalls.  The stack's TX
# watchdog must report the queue (ndo_tx_timeout -> ethtool -S tx_timeouts),
# the driver must reset (ethtool -S resets), the reset must clear the
# injected stall (as a reset cures a hung device; left set, it would hold
# the new rings' doorbell and stall again) and traffic must resume:
# iperf3's last seconds move data again, a second iperf3 run is clean, and
# no further timeout fires (no timeout storm).
# E1KX_HANG_SECS (default 75, times E1KX_TIMEOUT_SCALE) is the length of
# the iperf3 run (4 flows):
# after a stall of ~10 s, TCP's backed-off retransmission timers may take
# tens of seconds to send again.
#
# The watchdog's report is what the test provokes: the runner's scan
# accepts it here (and only here).
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 300
# e1kx-expect: tx-timeout
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_ev.sh
source "$(dirname "$0")/lib_ev.sh"

SCALE=${E1KX_TIMEOUT_SCALE:-1}
SECS=$((${E1KX_HANG_SECS:-75} * SCALE))
DETECT=$((40 * SCALE))
STALL=4	# E1KX_FAULT_TX_STALL
ktap_plan 9
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
IF=$NET_IF
ev_fault_init
fault=$EV_FAULT
trap 'echo 0 >"$fault"; net_cleanup' EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"

# TCP small queues cap what one flow keeps in flight (~130 KB here), often
# below the BQL limit: then a stalled queue is never stopped and the
# watchdog, which looks at stopped queues only, has nothing to report.  A
# low BQL limit makes every stalled queue stop.
bql=()
for q in /sys/class/net/"$IF"/queues/tx-*/byte_queue_limits/limit_max; do
	bql+=("$q=$(cat "$q")")
	echo 30000 >"$q"
done
# shellcheck disable=SC2317 # run through ktap_check/trap
restore_bql() {
	local b
	for b in "${bql[@]}"; do echo "${b#*=}" >"${b%=*}"; done
}
trap 'echo 0 >"$fault"; restore_bql; net_cleanup' EXIT

to0=$(ev_stat tx_timeouts)
rs0=$(ev_stat resets)
ev_iperf_start 5901 "$SECS" -P 4
sleep 6
echo "$STALL" >"$fault"
t0=$SECONDS
# The watchdog fires 5 s (watchdog_timeo) after the oldest stalled packet.
while (($(ev_stat tx_timeouts) == to0)) && ((SECONDS - t0 < DETECT)); do
	sleep 0.2
done
dt=$((SECONDS - t0))
to1=$(ev_stat tx_timeouts)
if ((to1 > to0)); then
	ktap_ok "TX watchdog reported the stalled queue after ${dt}s (tx_timeouts $to0 -> $to1)"
else
	ktap_fail "TX watchdog reported the stalled queue" "tx_timeouts stayed $to0 for $DETECT s"
fi
line=$(tx_timeouts "$IF" | head -n1)
echo "# ${line:-no watchdog line in dmesg}"
ktap_check "kernel logged the watchdog timeout for $IF" test -n "$line"

for ((i = 0; i < 100; i++)); do
	(($(ev_stat resets) > rs0)) && break
	sleep 0.2
done
rs1=$(ev_stat resets)
ktap_check "driver reset the device (resets $rs0 -> $rs1)" test "$rs1" -gt "$rs0"
knob=$(cat "$fault")
ktap_check "the reset cleared the injected stall (fault_inject $knob)" \
	test "$((knob & STALL))" -eq 0
echo 0 >"$fault"
ktap_check "carrier back after the reset" wait_carrier "$IF" 15

ev_iperf_wait $((SECS + 50))
rc=$?
echo "# iperf3 across the hang (exit $rc): $(ev_iperf_summary)"
ktap_check "traffic resumed: iperf3's last 3 s moved data" ev_iperf_tail_ok
ktap_check "ping $P4 after recovery" wait_ping "$P4" 15
ktap_check "clean 10 s iperf3 run after recovery" ev_iperf_once 5902 10

to2=$(ev_stat tx_timeouts)
echo "# tx_timeouts: before $to0, at detection $to1, at end $to2; resets $rs0 -> $(ev_stat resets)"
ktap_check "no timeout storm: no further TX timeout after recovery" test "$to2" -eq "$to1"
ktap_finish
