#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Back to back: NIC 0 (guest netns dpa) and NIC 1 (netns dpb) share a host
# bridge.  They ping each other over IPv4 and IPv6 both ways, and counters
# balance: after a burst of 2000 UDP datagrams A -> B, A's tx_packets delta
# equals B's rx_packets delta (and the bytes likewise) within a small
# tolerance for background ARP/ND frames.
#
# e1kx-topology: nics=2 wiring=b2b append=
# e1kx-timeout: 300
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

CNT=2000
TOL=10
ktap_plan 7
unload_e1kx
trap net_b2b_cleanup EXIT
net_b2b_setup || ktap_bail "cannot set up NICs 0/1 in netns dpa/dpb"
ktap_ok "$IFA in dpa ($A4), $IFB in dpb ($B4), carrier on both"

for p in "dpa $B4" "dpa $B6" "dpb $A4" "dpb $A6"; do
	set -- $p
	if wait_ping ip netns exec "$1" "$2" 30 &&
		ip netns exec "$1" ping -c 5 -i 0.2 -W 3 "$2" >/dev/null; then
		ktap_ok "$1 -> $2 ping (5/5)"
	else
		ktap_fail "$1 -> $2 ping (5/5)"
	fi
done

# Counters balance.  dpb answers each datagram with an ICMP port
# unreachable (rate limited), which travels B -> A and is not counted here.
sleep 1
at=$(if_stat "$IFA" tx_packets dpa) ab=$(if_stat "$IFA" tx_bytes dpa)
br=$(if_stat "$IFB" rx_packets dpb) bb=$(if_stat "$IFB" rx_bytes dpb)
nsa python3 "$NETTOOL" udp-send "$B4" 5901 $CNT --size 200 --gap 0
sleep 2
at=$(($(if_stat "$IFA" tx_packets dpa) - at)) ab=$(($(if_stat "$IFA" tx_bytes dpa) - ab))
br=$(($(if_stat "$IFB" rx_packets dpb) - br)) bb=$(($(if_stat "$IFB" rx_bytes dpb) - bb))
echo "# A tx +$at pkts +$ab bytes; B rx +$br pkts +$bb bytes"
d=$((at - br)); d=${d#-}
if [ $at -ge $CNT ] && [ $br -ge $CNT ] && [ $d -le $TOL ]; then
	ktap_ok "counters balance: A tx +$at, B rx +$br packets (burst $CNT)"
else
	ktap_fail "counters balance" "A tx +$at, B rx +$br packets (burst $CNT, tolerance $TOL)"
fi
# Bytes: the frame without CRC is 242 bytes per datagram (200+8+20+14); a
# driver may or may not count the 4-byte FCS on one side, so allow that.
db=$((ab - bb)); db=${db#-}
if [ $ab -ge $((CNT * 242)) ] && [ $db -le $((TOL * 1500 + 4 * (at > br ? at : br))) ]; then
	ktap_ok "byte counters balance: A tx +$ab, B rx +$bb"
else
	ktap_fail "byte counters balance" "A tx +$ab, B rx +$bb"
fi

unload_e1kx
ktap_finish
