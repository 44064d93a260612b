#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RSS: 8 parallel TCP flows peer -> guest spread over both RX queues (each of
# rx_queue_0_packets and rx_queue_1_packets gets >= 5% of the frames); a
# single flow lands on the queue the Toeplitz hash predicts (>= 95% there).
# XPS pairs the queues: xps_rxqs of tx-0/tx-1 read 1/2, and a single guest
# -> peer flow whose ACKs the hash puts on RX queue N sends its data on TX
# queue N (>= 90% of the TX frames), for N = 0 and 1.
# The client ports are chosen with tools/rss_predict.py from the key and
# table the driver reports (ethtool -x): with kernel-chosen ports, 8 flows
# all hash to one queue with about 7% of random keys, and the key is random
# per boot.  Skipped when the driver has no second RX queue counter (e.g.
# e1000e).
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 300
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
ktap_plan 7
if [ -z "$(ethtool_stat "$NET_IF" rx_queue_1_packets)" ]; then
	unload_e1kx
	[ "$E1KX_DRIVER" = e1kx ] && ktap_bail "no rx_queue_1_packets counter"
	ktap_skip_all "$E1KX_DRIVER has no rx_queue_1_packets counter (single RX queue)"
fi
trap '[ -s /tmp/dp_rss.pid ] && kill "$(cat /tmp/dp_rss.pid)" 2>/dev/null' EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"
ktap_ok "$NET_IF up, peer reachable"
st=$(feature_state "$NET_IF" receive-hashing)
echo "# receive-hashing: ${st:-n/a}; $(ethtool -l "$NET_IF" 2>/dev/null | tr -s ' \t\n' ' ')"
iperf3 -s -D -I /tmp/dp_rss.pid -B "$G4" -p 5501 || ktap_bail "cannot start iperf3 server"
sleep 1

q() { ethtool_stat "$NET_IF" "rx_queue_$1_packets"; }

# run FLOWS [rss_pick options]: sets D0 D1 (per-queue rx packet deltas),
# PICK ("BASE N0 N1 Q...": ports used, flows predicted per queue)
run() {
	local a0 a1 n=$1
	shift
	PICK=$(rss_pick "$NET_IF" 5501 "$n" "$@") || ktap_bail "rss_predict.py failed"
	echo "# ports from ${PICK%% *}, predicted per queue / per flow: ${PICK#* }"
	a0=$(q 0) a1=$(q 1)
	e1kx-ctl peer --timeout 120 -- \
		"iperf3 -c $G4 -p 5501 -P $n -t 8 --cport ${PICK%% *}" |
		grep -E 'SUM.*receiver|^\[ *[0-9]+\].*receiver' | tail -n1 | sed 's/^/# /'
	D0=$(($(q 0) - a0)) D1=$(($(q 1) - a1))
	echo "# $n flow(s): rx_queue_0 +$D0 rx_queue_1 +$D1"
}

run 8
tot=$((D0 + D1))
if [ $tot -gt 1000 ]; then
	ktap_ok "8 flows: $tot frames received"
else
	ktap_fail "8 flows: frames received" "only $tot"
fi
if [ $tot -gt 0 ] && [ $((D0 * 20)) -ge $tot ] && [ $((D1 * 20)) -ge $tot ]; then
	ktap_ok "8 flows spread over both RX queues (+$D0 / +$D1)"
else
	ktap_fail "8 flows spread over both RX queues" "rx_queue_0 +$D0 rx_queue_1 +$D1"
fi
run 1 --toward $((RANDOM & 1))
tot=$((D0 + D1))
want=${PICK##* }
hit=$((want == 0 ? D0 : D1))
if [ $tot -gt 1000 ] && [ $((hit * 20)) -ge $((tot * 19)) ]; then
	ktap_ok "1 flow lands on the predicted RX queue $want (+$D0 / +$D1)"
else
	ktap_fail "1 flow lands on the predicted RX queue $want" "rx_queue_0 +$D0 rx_queue_1 +$D1"
fi

tq() { ethtool_stat "$NET_IF" "tx_queue_$1_packets"; }
xps=$(cat "/sys/class/net/$NET_IF/queues/tx-0/xps_rxqs" \
	"/sys/class/net/$NET_IF/queues/tx-1/xps_rxqs" 2>/dev/null | tr '\n' /)
ktap_check "xps_rxqs of tx-0/tx-1: $xps (want 1/2/)" test "$xps" = 1/2/
# One flow guest -> peer (iperf3 -R from the peer): the ACKs carry the
# tuple rss_pick predicts for, so they arrive on RX queue $want.
for want in 0 1; do
	PICK=$(rss_pick "$NET_IF" 5501 1 --toward $want) || ktap_bail "rss_predict.py failed"
	a0=$(tq 0) a1=$(tq 1)
	e1kx-ctl peer --timeout 120 -- \
		"iperf3 -c $G4 -p 5501 -R -t 4 --cport ${PICK%% *}" |
		grep -E 'receiver' | tail -n1 | sed 's/^/# /'
	D0=$(($(tq 0) - a0)) D1=$(($(tq 1) - a1))
	tot=$((D0 + D1)) hit=$((want == 0 ? D0 : D1))
	if [ $tot -gt 1000 ] && [ $((hit * 10)) -ge $((tot * 9)) ]; then
		ktap_ok "1 flow out, ACKs on RX queue $want: data on TX queue $want (+$D0 / +$D1)"
	else
		ktap_fail "1 flow out, ACKs on RX queue $want: data on TX queue $want" \
			"tx_queue_0 +$D0 tx_queue_1 +$D1"
	fi
done

unload_e1kx
ktap_finish
