#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Short frames: the guest sends a UDP datagram with a 1-byte payload (a
# 43-byte frame); tcpdump -xx on the host tap captures it.  Every byte after
# the payload (the pad up to 60 bytes, if the driver or NIC pads) must be
# zero -- no stale memory leaks onto the wire.  Also checked for ARP.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 240
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

ktap_plan 5
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
trap net_cleanup EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"
ktap_ok "$NET_IF up, peer reachable"

# capture NAME FILTER SENDCMD: start tcpdump -xx for one frame on the host,
# run SENDCMD in the guest every 0.5 s until captured; print the frame hex.
capture() {
	local name=$1 filter=$2 i
	shift 2
	peer_bg "$name" "timeout 60 tcpdump -i $PEER_IF -n -c 1 -xx '$filter'"
	sleep 1
	for ((i = 0; i < 40; i++)); do
		"$@" >/dev/null 2>&1
		peer "[ -e $PEER_TMP/$name ]" && break
		sleep 0.5
	done
	peer_wait_file "$name" 60 |
		sed -n 's/^[[:space:]]*0x[0-9a-f]*:[[:space:]]*//p' | tr -d ' \n'
}

# check DESC HEX PAYLOAD_END: bytes from PAYLOAD_END on must be zero.
check_pad() {
	local desc=$1 hex=$2 end=$3 len tail
	len=$((${#hex} / 2))
	echo "# $desc: $len-byte frame: $hex"
	if [ "$len" -lt "$end" ]; then
		ktap_fail "$desc captured" "frame of $len bytes, expected >= $end"
		ktap_fail "$desc: pad bytes are zero" "no frame captured"
		return
	fi
	ktap_ok "$desc captured ($len bytes on the wire)"
	tail=${hex:$((end * 2))}
	if [ "$len" -le "$end" ]; then
		ktap_e1kx_gap "$desc: pad bytes are zero" "frame not padded on the wire ($len bytes)"
	elif [[ "$tail" =~ ^0*$ ]]; then
		ktap_ok "$desc: $((len - end)) pad bytes after the payload are zero"
	else
		ktap_fail "$desc: pad bytes are zero" "pad: $tail"
	fi
}

send_udp() {
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.sendto(b"\xa5",(sys.argv[1],5701))' "$P4"
}
hex=$(capture udp "udp dst port 5701" send_udp)
# 14 Ethernet + 20 IPv4 + 8 UDP + 1 payload byte (0xa5 at offset 42).
[ "${hex:84:2}" = a5 ] || echo "# warning: payload byte not at offset 42"
check_pad "1-byte UDP" "$hex" 43

send_arp() {
	ip neigh flush dev "$NET_IF"
	ping -c 1 -W 1 "$P4"
}
hex=$(capture arp "arp and ether src $(cat /sys/class/net/$NET_IF/address)" send_arp)
check_pad "ARP" "$hex" 42

unload_e1kx
ktap_finish
