#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RX address filters: a joined multicast group is received by a guest socket;
# frames for an unjoined group do not reach the driver (its rx_packets does
# not grow) unless allmulticast or promisc is on; unicast frames to an unknown
# MAC (crafted on the host tap with AF_PACKET) are dropped unless promisc.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 400
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

CNT=100
NOISE=10  # background frames (ND, MLD, IGMP) tolerated in a window
ktap_plan 8
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
trap 'ip link set "$NET_IF" promisc off allmulticast off 2>/dev/null' EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"
ktap_ok "$NET_IF up, peer reachable"
pmac=$(peer "cat /sys/class/net/$PEER_IF/address")

# Joined group: all datagrams delivered to the member socket.
out=$(mktemp)
python3 "$NETTOOL" udp-count 5400 --group 239.1.1.1 --ifaddr "$G4" --idle 60 --until END --ready "$out.ready" >"$out" &
pid=$!
for ((i = 0; i < 50; i++)); do [ -e "$out.ready" ] && break; sleep 0.1; done
sleep 1
peer "python3 $NETTOOL udp-send 239.1.1.1 5400 $CNT --mcast-if $P4 --gap 0.005 &&
	python3 $NETTOOL udp-send 239.1.1.1 5400 1 --mcast-if $P4 --payload END"
guest_wait_pid $pid 70
got=$(cat "$out")
rm -f "$out" "$out.ready"
if [ "$got" = $CNT ]; then
	ktap_ok "joined group 239.1.1.1: $CNT/$CNT datagrams received"
else
	ktap_fail "joined group 239.1.1.1: $CNT datagrams received" "got ${got:-none}"
fi

# rx_delta CMD...: rx_packets of NET_IF grown while the host runs CMD.
rx_delta() {
	local r0
	r0=$(if_stat "$NET_IF" rx_packets)
	peer "$*" >/dev/null
	sleep 1
	echo $(($(if_stat "$NET_IF" rx_packets) - r0))
}

# An unjoined group whose MAC cannot hash-collide in the 4096-bit multicast
# table with any address the interface has joined (all-hosts, solicited-node,
# ...): otherwise the imperfect filter would legitimately accept it.
mapfile -t joined < <(ip maddr show dev "$NET_IF" | awk '$1 == "link" {print $2}')
mgrp=$(python3 "$NETTOOL" pick-group --x 1 01:00:5e:01:01:01 "${joined[@]}")
echo "# unjoined group: $mgrp; joined: ${joined[*]}"
mc_send="python3 $NETTOOL udp-send $mgrp 5401 $CNT --mcast-if $P4 --gap 0.002"
uc_send="python3 $NETTOOL raw-send $PEER_IF --dst-mac 52:54:00:e1:00:99 --src-mac $pmac --src-ip $P4 --dst-ip $G4 --dport 5402 --count $CNT"

d=$(rx_delta "$mc_send")
if [ "$d" -lt $NOISE ]; then
	ktap_ok "unjoined group $mgrp filtered (rx_packets +$d for $CNT frames)"
else
	ktap_fail "unjoined group $mgrp filtered" "rx_packets +$d for $CNT frames"
fi
d=$(rx_delta "$uc_send")
if [ "$d" -lt $NOISE ]; then
	ktap_ok "unicast to unknown MAC filtered (rx_packets +$d for $CNT frames)"
else
	ktap_fail "unicast to unknown MAC filtered" "rx_packets +$d for $CNT frames"
fi

ip link set "$NET_IF" allmulticast on
sleep 1
d=$(rx_delta "$mc_send")
if [ "$d" -ge $CNT ]; then
	ktap_ok "allmulticast: unjoined group received (rx_packets +$d)"
else
	ktap_fail "allmulticast: unjoined group received" "rx_packets +$d for $CNT frames"
fi
d=$(rx_delta "$uc_send")
if [ "$d" -lt $NOISE ]; then
	ktap_ok "allmulticast: unknown unicast still filtered (rx_packets +$d)"
else
	ktap_fail "allmulticast: unknown unicast still filtered" "rx_packets +$d for $CNT frames"
fi
ip link set "$NET_IF" allmulticast off

ip link set "$NET_IF" promisc on
sleep 1
d=$(rx_delta "$mc_send")
if [ "$d" -ge $CNT ]; then
	ktap_ok "promisc: unjoined group received (rx_packets +$d)"
else
	ktap_fail "promisc: unjoined group received" "rx_packets +$d for $CNT frames"
fi
d=$(rx_delta "$uc_send")
if [ "$d" -ge $CNT ]; then
	ktap_ok "promisc: unknown unicast received (rx_packets +$d)"
else
	ktap_fail "promisc: unknown unicast received" "rx_packets +$d for $CNT frames"
fi
ip link set "$NET_IF" promisc off

unload_e1kx
ktap_finish
