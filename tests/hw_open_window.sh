#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Frames that arrive while the interface comes up are delivered at once.
# Between enabling RX and unmasking interrupts (request_irq can sleep) the
# device writes frames into the ring, and the causes they raise are cleared
# by the unmask: unless the driver polls once after it, those frames wait
# for the next frame to arrive.  debugfs fault_inject bit 4 holds open that
# window for E1KX_FAULT_SLOW_UP_MS (5 s); the peer sends a burst of frames
# inside it and nothing after, and every frame must reach the stack
# (rx_packets) within a second of `ip link set up` returning.  The guest
# keeps quiet meanwhile (IPv6 off on the port: no DAD, MLD or router
# solicitation at link-up), since any frame it sends would complete on the
# same vector and have NAPI drain the ring anyway.  Repeated
# ROUNDS times; a round in which the burst missed the window (the host was
# too slow) is retried, and counted.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 240
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_et.sh
source "$(dirname "$0")/lib_et.sh"

ROUNDS=5
BURST=8
ktap_plan $((ROUNDS + 2))
et_setup || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
FAULT=$(et_fault_file)
[ -n "$FAULT" ] || ktap_bail "no debugfs fault_inject for $IF"
GMAC=$(cat "/sys/class/net/$IF/address")
PMAC=$(peer "cat /sys/class/net/$PEER_IF/address")
trap 'echo 0 >"$FAULT"; sysctl -qw "net.ipv6.conf.$IF.disable_ipv6=0"' EXIT
sysctl -qw "net.ipv6.conf.$IF.disable_ipv6=1" || ktap_bail "cannot turn IPv6 off on $IF"

# round N: 0 if all of the burst was delivered, 1 if not, 2 if it missed
round() {
	local r0 r1 pid sent missed=0
	ip link set "$IF" down
	r0=$(if_stat "$IF" rx_packets)
	echo 0x10 >"$FAULT"
	ip link set "$IF" up &
	pid=$!
	sleep 1
	sent=$(peer "python3 $NETTOOL raw-send $PEER_IF --dst-mac $GMAC --src-mac $PMAC --src-ip $P4 --dst-ip $G4 --dport 9 --count $BURST --gap 0.01 >/dev/null && echo sent")
	kill -0 "$pid" 2>/dev/null || missed=1
	wait "$pid"
	echo 0 >"$FAULT"
	sleep 1
	r1=$(if_stat "$IF" rx_packets)
	echo "# round $1: ${sent:-not sent}, rx_packets +$((r1 - r0))$([ "$missed" = 1 ] && echo ", open had returned already")"
	[ "$missed" = 1 ] && return 2
	[ "$sent" = sent ] && [ $((r1 - r0)) -ge "$BURST" ]
}

misses=0
for ((i = 1; i <= ROUNDS; i++)); do
	for try in 1 2 3; do
		round "$i"
		rc=$?
		[ "$rc" -ne 2 ] && break
		misses=$((misses + 1))
	done
	case $rc in
	0) ktap_ok "round $i: the $BURST frames that arrived during open were delivered" ;;
	2) ktap_fail "round $i: the $BURST frames that arrived during open were delivered" "the burst never landed inside the window (3 tries)" ;;
	*) ktap_fail "round $i: the $BURST frames that arrived during open were delivered" "rx_packets short of the burst" ;;
	esac
done
echo "# rounds retried because the burst missed the window: $misses"
wait_carrier "$IF" 15
et_check_ping "ping after the rounds"
check_no_tx_timeout "$IF"
ktap_finish
