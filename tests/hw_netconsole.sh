#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netconsole on an e1kx port under load.  netpoll polls the port's NAPI
# instances with a budget of 0 whenever it cannot transmit at once (the TX
# lock is busy or the queue is full), even while NAPI is not scheduled: the
# driver must then reclaim TX only and leave interrupt state alone, or a
# queue vector stays masked and its pair goes silent.  For NC_SECS (default
# 120, E1KX_NETCONSOLE_SECS) iperf3 runs both ways (two TCP streams) while
# the guest floods the kernel log with numbered lines (through /dev/kmsg,
# about 200 a second; a sysrq task dump would print call traces, which the
# runner rightly takes for kernel reports).  Checks: netconsole binds to the port,
# both iperf3 directions move data in every one of their last seconds, the
# peer receives the numbered lines (the last one included), the port's
# counters still move afterwards, and the TX watchdog never fires.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 420
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_ev.sh
source "$(dirname "$0")/lib_ev.sh"

SCALE=${E1KX_TIMEOUT_SCALE:-1}
SECS=${E1KX_NETCONSOLE_SECS:-120}
NC_PORT=6666
modinfo netconsole >/dev/null 2>&1 ||
	ktap_skip_all "this kernel has no netconsole module"
ktap_plan 8
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
PMAC=$(peer "cat /sys/class/net/$PEER_IF/address")
nc_started=0
cleanup() {
	[ "$nc_started" = 1 ] && rmmod netconsole 2>/dev/null
	[ -n "${flood:-}" ] && kill "$flood" 2>/dev/null
	net_cleanup
}
trap cleanup EXIT
wait_ping "$P4" 30 || ktap_bail "peer not reachable"

# The peer's receiver first: every datagram, one per line, to a file
peer_bg netconsole "timeout $((SECS * SCALE + 90)) socat -u UDP-RECV:$NC_PORT,bind=$P4 OPEN:$PEER_TMP/nc.log,creat,append"
mark=$(kmsg_mark netconsole)
if modprobe netconsole "netconsole=6665@$G4/$NET_IF,$NC_PORT@$P4/$PMAC"; then
	nc_started=1
fi
sleep 1
if [ "$nc_started" = 1 ] && dmesg_since "$mark" | grep -q "netconsole: network logging started"; then
	ktap_ok "netconsole bound to $NET_IF"
else
	ktap_bail "netconsole did not start on $NET_IF: $(dmesg_since "$mark" | grep -i netconsole | tail -n2)"
fi

ev_iperf_start 5301 "$SECS"
OUT_TX=$EV_IPOUT PID_TX=$EV_IPID
ev_iperf_start 5302 "$SECS" -R
OUT_RX=$EV_IPOUT PID_RX=$EV_IPID

# The flood: numbered lines at warning level
(
	n=0
	end=$((SECONDS + SECS))
	while [ $SECONDS -lt $end ]; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			n=$((n + 1))
			echo "<4>e1kx-nc-flood $n" >/dev/kmsg
		done
		sleep 0.05
	done
	echo "<4>e1kx-nc-flood last $n" >/dev/kmsg
) &
flood=$!
EV_IPID=$PID_TX
ev_iperf_wait $((SECS + 90))
EV_IPID=$PID_RX
ev_iperf_wait $((SECS + 90))
wait "$flood"
flood=
sleep 2

EV_IPOUT=$OUT_TX
s_tx=$(ev_iperf_summary)
tx_tail=0
ev_iperf_tail_ok && tx_tail=1
EV_IPOUT=$OUT_RX
s_rx=$(ev_iperf_summary)
rx_tail=0
ev_iperf_tail_ok && rx_tail=1
echo "# guest -> peer: $s_tx"
echo "# peer -> guest: $s_rx"
# moving: data in the last seconds, at most SCALE - 1 seconds without any
moving() {
	[ "$1" = 1 ] && [[ "$2" =~ \ zero=([0-9]+)\  ]] &&
		[ "${BASH_REMATCH[1]}" -le $((SCALE - 1)) ] && [[ "$2" != *error=* ]]
}
ktap_check "guest -> peer moved data every second" moving "$tx_tail" "$s_tx"
ktap_check "peer -> guest moved data every second" moving "$rx_tail" "$s_rx"

last=$(dmesg | sed -n 's/.*e1kx-nc-flood last \([0-9]*\).*/\1/p' | tail -n1)
got=$(peer "grep -c 'e1kx-nc-flood [0-9]' $PEER_TMP/nc.log 2>/dev/null")
seen_last=$(peer "grep -c 'e1kx-nc-flood last' $PEER_TMP/nc.log 2>/dev/null")
echo "# flood lines written ${last:-?}, received by the peer ${got:-0}"
ktap_check "the peer received the flood through netconsole" \
	test "${got:-0}" -gt 0 -a "${got:-0}" -ge $((${last:-1} / 2))
ktap_check "the flood's last line reached the peer" test "${seen_last:-0}" -ge 1

# Both directions of the port still work after the flood
t0=$(if_stat "$NET_IF" tx_packets)
r0=$(if_stat "$NET_IF" rx_packets)
ktap_check "ping after the flood" ping -c 5 -i 0.2 -W 3 "$P4"
ktap_check "TX and RX counters move after the flood" \
	test "$(if_stat "$NET_IF" tx_packets)" -gt "$t0" -a "$(if_stat "$NET_IF" rx_packets)" -gt "$r0"
check_no_tx_timeout "$NET_IF"
rmmod netconsole && nc_started=0
ktap_finish
