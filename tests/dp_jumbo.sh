#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Jumbo frames: MTU 9000 on the guest NIC and the host tap; unfragmentable
# 9000-byte pings (-M do -s 8972, and the IPv6 equivalent) work both ways.
# Then the MTU is switched 1500 <-> 9000 repeatedly while an iperf3 stream
# runs; afterwards the link works at both MTUs (kernel reports are caught by
# the harness's dmesg check).
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 400
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

CYCLES=${E1KX_JUMBO_CYCLES:-6}
ktap_plan 10
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
trap net_cleanup EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"

if ip link set "$NET_IF" mtu 9000 && peer "ip link set $PEER_IF mtu 9000" &&
	[ "$(cat /sys/class/net/$NET_IF/mtu)" = 9000 ]; then
	ktap_ok "MTU 9000 on $NET_IF and $PEER_IF"
else
	ktap_bail "cannot set MTU 9000"
fi
wait_carrier "$NET_IF" 15

big_pings() { # DESC-suffix: 4 checks
	if wait_ping "$P4" 30 && ping -Mdo -s 8972 -c 3 -i 0.3 -W 3 "$P4" >/dev/null; then
		ktap_ok "guest -> peer ping -M do -s 8972$1"
	else
		ktap_fail "guest -> peer ping -M do -s 8972$1"
	fi
	if peer "ping -M do -s 8972 -c 3 -i 0.3 -W 3 $G4" >/dev/null; then
		ktap_ok "peer -> guest ping -M do -s 8972$1"
	else
		ktap_fail "peer -> guest ping -M do -s 8972$1"
	fi
	if wait_ping "$P6" 30 && ping -Mdo -s 8952 -c 3 -i 0.3 -W 3 "$P6" >/dev/null &&
		peer "ping -Mdo -s 8952 -c 3 -i 0.3 -W 3 $G6" >/dev/null; then
		ktap_ok "IPv6 ping -s 8952 (9000-byte packets) both ways$1"
	else
		ktap_fail "IPv6 ping -s 8952 (9000-byte packets) both ways$1"
	fi
}
big_pings ""

# MTU flips under load.
peer_bg iperf "iperf3 -s -1 -B $P4 -p 5301"
sleep 1
iperf3 -c "$P4" -p 5301 -t $((CYCLES * 4 + 5)) >/tmp/dp_jumbo.iperf 2>&1 &
ipid=$!
sleep 2
ok=1
for ((i = 0; i < CYCLES; i++)); do
	ip link set "$NET_IF" mtu 1500 || ok=0
	sleep 2
	ip link set "$NET_IF" mtu 9000 || ok=0
	sleep 2
done
wait $ipid
echo "# iperf3 during MTU flips (exit $?): $(grep -E 'sender|receiver|error' /tmp/dp_jumbo.iperf | tr -s ' ' | tr '\n' ';')"
if [ $ok = 1 ]; then
	ktap_ok "$CYCLES MTU 1500 <-> 9000 cycles under iperf3 load"
else
	ktap_fail "$CYCLES MTU 1500 <-> 9000 cycles under iperf3 load" "ip link set mtu failed"
fi
wait_carrier "$NET_IF" 15
big_pings " after MTU cycling"

ip link set "$NET_IF" mtu 1500
peer "ip link set $PEER_IF mtu 1500"
wait_carrier "$NET_IF" 15
if wait_ping "$P4" 30 && ping -c 3 -s 1472 -Mdo -i 0.3 -W 3 "$P4" >/dev/null &&
	! ping -c 1 -s 1473 -Mdo -W 2 "$P4" >/dev/null 2>&1; then
	ktap_ok "back at MTU 1500: 1500-byte pings work, 1501 refused locally"
else
	ktap_fail "back at MTU 1500: 1500-byte pings work"
fi

check_no_tx_timeout "$NET_IF"

unload_e1kx
ktap_finish
