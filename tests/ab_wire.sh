#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Abuse: bad input from the wire.  The host peer (tests/tools/wiregen.py,
# AF_PACKET on the tap, fixed seed E1KX_SEED, default 1, printed) sends
# runts, giants beyond the MTU (and beyond the 1522-byte and 16384-byte
# device limits), IPv4/IPv6 frames with bad IP/TCP/UDP checksums, bad VLAN
# tags and E1KX_WIRE_GARBAGE (default 2000) random frames, while a guest
# UDP socket listens on the port the valid-looking ones are addressed to.
# Each burst ends with one good datagram (the end marker), so the socket
# is shown to work while it received none of the bad ones.  Asserted per
# kind: nothing delivered, and the drop was counted where it happened:
#   - giants over 1522 bytes at MTU 1500 (over 16384 with LPE): the device
#     drops them, rx_oversize (ROC) counts each;
#   - giants the device passes (up to 1522 / 16384, or any with rx-all):
#     the driver drops them, rx_queue_N_length_errors counts each;
#   - bad checksums, rx-checksumming on: rx_queue_N_csum_err counts each
#     and the stack (CHECKSUM_NONE) counts them again in IpExt/Udp/Udp6/Tcp
#     InCsumErrors; rx-checksumming off: the stack counters alone;
#   - runts and garbage reach the guest (rx_total_packets) and go nowhere.
# A correctly tagged VLAN frame (VID 10, eth0.10) and a 9014-byte frame at
# MTU 9000 are delivered (positive controls).  Afterwards ping and TCP
# transfers work both ways and the TX watchdog never fired.  Kernel
# reports are caught by the harness's dmesg scan.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 1200
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

SEED=${E1KX_SEED:-1}
N=${E1KX_WIRE_COUNT:-100}
GARBAGE=${E1KX_WIRE_GARBAGE:-2000}
WIREGEN="$E1KX_TESTS_DIR/tools/wiregen.py"
PORT=7777
VID=10
TMP=$(mktemp -d /tmp/ab_wire.XXXXXX)

ktap_plan 19
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
# The garbage holds IPv4/IPv6 fragments: reassembly queues keep their RX
# pages (page_pool) until ipfrag_time expires.  Pages the stack still holds
# when the driver unbinds stay DMA-mapped until they come back (Linux 6.1's
# page_pool), which DMA-API debug reports at rmmod.  Shorter timeouts for
# this test, and the queues must be empty before the final rmmod.
frag_time4=$(sysctl -n net.ipv4.ipfrag_time)
frag_time6=$(sysctl -n net.ipv6.ip6frag_time)
sysctl -qw net.ipv4.ipfrag_time=5 net.ipv6.ip6frag_time=5
# shellcheck disable=SC2317 # run through ktap_check and trap
frag_queues_empty() {
	awk '$1 ~ /^FRAG6?:$/ && $3 != 0 { busy = 1 } END { exit busy }' \
		/proc/net/sockstat /proc/net/sockstat6
}
wait_frag_queues_empty() {
	local i
	for ((i = 0; i < $1 * 2; i++)); do
		frag_queues_empty && return 0
		sleep 0.5
	done
	grep FRAG /proc/net/sockstat /proc/net/sockstat6 | sed 's/^/# /'
	return 1
}
cleanup() {
	sysctl -qw net.ipv4.ipfrag_time="$frag_time4" \
		net.ipv6.ip6frag_time="$frag_time6"
	ip link del "$NET_IF.$VID" 2>/dev/null
	peer "ip link set $PEER_IF mtu 1500" >/dev/null 2>&1
	net_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"
mac=$(nic_mac 0)
pmac=$(peer "cat /sys/class/net/$PEER_IF/address")
modprobe 8021q 2>/dev/null
for k in all default "$NET_IF"; do
	echo 0 >"/proc/sys/net/ipv4/conf/$k/rp_filter"
done
if peer "ip link set $PEER_IF mtu 65500" &&
	ip link add link "$NET_IF" name "$NET_IF.$VID" type vlan id $VID &&
	ip link set "$NET_IF.$VID" up; then
	echo 0 >"/proc/sys/net/ipv4/conf/$NET_IF.$VID/rp_filter"
	ktap_ok "peer MTU 65500, $NET_IF.$VID up; seed $SEED (E1KX_SEED)"
else
	ktap_bail "cannot set up the peer MTU or $NET_IF.$VID"
fi

# snap FILE: "name value" of every ethtool -S counter and every
# /proc/net/{snmp,netstat} ("Proto_Field") and snmp6 counter
snap() {
	{
		ethtool -S "$NET_IF" | awk -F': *' 'NR > 1 { gsub(/^[ \t]+/, "", $1); print $1, $2 }'
		awk '{ if (!(FILENAME SUBSEP $1 in h)) { h[FILENAME SUBSEP $1] = 1; for (i = 2; i <= NF; i++) f[i] = $i }
		       else { p = $1; sub(/:$/, "", p); for (i = 2; i <= NF; i++) print p "_" f[i], $i } }' \
			/proc/net/snmp /proc/net/netstat
		cat /proc/net/snmp6
	} >"$TMP/$1"
}
# delta REGEX: change of the sum of the counters matching ^REGEX$, s0 -> s1
delta() {
	awk -v re="^($1)\$" 'FNR == NR { if ($1 ~ re) a += $2; next }
		$1 ~ re { b += $2 } END { printf "%d\n", b - a }' "$TMP/s0" "$TMP/s1"
}

# burst KIND COUNT SEED [wiregen args]: send with the socket listening;
# sets SENT, GOT (datagrams the socket received) and ENDOK (marker seen)
burst() {
	local kind=$1 n=$2 seed=$3 pid i
	shift 3
	rm -f "$TMP/ready"
	python3 "$NETTOOL" udp-count $PORT --bind :: --idle 600 --max-time 900 --until END \
		--ready "$TMP/ready" >"$TMP/cnt" 2>&1 &
	pid=$!
	# python3 can take many seconds to start on a busy debug guest
	for ((i = 0; i < 600; i++)); do
		[ -e "$TMP/ready" ] && break
		sleep 0.2
	done
	snap s0
	SENT=$(peer "python3 $WIREGEN $PEER_IF $kind --dst-mac $mac --src-mac $pmac \
		--dst-ip $G4 --src-ip $P4 --dst-ip6 $G6 --src-ip6 $P6 --port $PORT \
		--count $n --seed $seed --end END $*" 2>&1 | sed -n 's/^sent //p')
	wait "$pid"
	snap s1
	GOT=$(grep -m1 -E '^[0-9]+$' "$TMP/cnt")
	ENDOK=1
	grep -q 'not received' "$TMP/cnt" && ENDOK=0
	echo "# $kind x$n (seed $seed $*): sent ${SENT:-?}, delivered ${GOT:-?}, end marker $ENDOK;" \
		"arrived $(delta rx_total_packets) oversize $(delta rx_oversize) undersize $(delta rx_undersize)" \
		"length_errors $(delta 'rx_queue_[0-9]+_length_errors') csum_err $(delta 'rx_queue_[0-9]+_csum_err')" \
		"errors $(delta 'rx_queue_[0-9]+_errors')"
}
# nothing_delivered DESC N: the last burst sent N frames, none delivered
nothing_delivered() {
	[ "${SENT:-0}" = "$2" ] && [ "$GOT" = 0 ] && [ "$ENDOK" = 1 ]
}
verdict() { # DESC CONDITION-RESULT(0/1) REASON
	if [ "$2" = 0 ]; then ktap_ok "$1"; else ktap_fail "$1" "$3"; fi
}

# --- runts ---------------------------------------------------------------
burst runt "$N" $((SEED + 1))
arr=$(delta rx_total_packets)
nothing_delivered x "$N" && ((arr >= N))
verdict "$N runts (14..59 bytes) arrive and are not delivered" $? \
	"sent $SENT delivered $GOT end $ENDOK arrived $arr"

# --- giants --------------------------------------------------------------
# giants MTU DESC "SIZE,..." EXPECT_OVERSIZE EXPECT_LENGTH_ERRORS: 5 of each
giants() {
	local mtu=$1 desc=$2 sizes=$3 eo=$4 el=$5 n oversize lenerr
	n=$((5 * $(tr , ' ' <<<"$sizes" | wc -w)))
	ip link set "$NET_IF" mtu "$mtu"
	wait_carrier "$NET_IF" 15
	burst giant $n $((SEED + mtu)) --size "$sizes"
	oversize=$(delta rx_oversize)
	lenerr=$(delta 'rx_queue_[0-9]+_length_errors')
	nothing_delivered x $n && [ "$oversize" = "$eo" ] && [ "$lenerr" = "$el" ]
	verdict "MTU $mtu: $n giants $desc not delivered; rx_oversize +$eo, length_errors +$el" $? \
		"sent $SENT delivered $GOT end $ENDOK oversize +$oversize length_errors +$lenerr"
}
giants 1500 "(1519..65000 bytes)" 1519,1522,1523,1600,4000,9018,16384,16385,30000,65000 40 10
giants 9000 "(9019..30000 bytes)" 9019,9022,12000,16384,16385,30000 10 20
burst giant 5 $((SEED + 9014)) --size 9014
verdict "MTU 9000: 9014-byte frames delivered (control)" \
	$([ "$SENT" = 5 ] && [ "$GOT" = 5 ]; echo $?) "sent $SENT delivered $GOT"
if ethtool -K "$NET_IF" rx-all on 2>/dev/null &&
	[[ "$(feature_state "$NET_IF" rx-all)" == on* ]]; then
	giants 1500 "with rx-all (1519..65000 bytes)" 1519,1523,4000,16385,30000,65000 0 30
	ethtool -K "$NET_IF" rx-all off
else
	ktap_e1kx_gap "giants with rx-all" "rx-all cannot be turned on"
fi
ip link set "$NET_IF" mtu 1500
wait_carrier "$NET_IF" 15

# --- bad checksums -------------------------------------------------------
# N frames of each of 5 kinds: IPv4 header, UDP, TCP, UDPv6, TCPv6
for rxc in on off; do
	ethtool -K "$NET_IF" rx "$rxc" >/dev/null 2>&1
	burst csum $((5 * N)) $((SEED + 6))
	ip=$(delta IpExt_InCsumErrors) udp=$(delta Udp_InCsumErrors)
	udp6=$(delta Udp6InCsumErrors) tcp=$(delta Tcp_InCsumErrors)
	dc=$(delta 'rx_queue_[0-9]+_csum_err')
	want=$N
	[ $rxc = on ] && want=$((5 * N)) || want=0
	nothing_delivered x $((5 * N)) && ((ip == N && udp == N && udp6 == N &&
		tcp == 2 * N && dc == want))
	verdict "rx-checksumming $rxc: 5x$N bad IPv4/TCP/UDP/IPv6 checksums not delivered, counted" $? \
		"delivered $GOT end $ENDOK; InCsumErrors Ip +$ip Udp +$udp Udp6 +$udp6 Tcp +$tcp; csum_err +$dc (want $want)"
done
ethtool -K "$NET_IF" rx on >/dev/null 2>&1

# --- VLAN tags -----------------------------------------------------------
burst vlan-good "$N" $((SEED + 2)) --vid $VID
verdict "VID $VID frames delivered through $NET_IF.$VID (control)" \
	$([ "$SENT" = "$N" ] && [ "$GOT" = "$N" ]; echo $?) "sent $SENT delivered $GOT"
for mode in "rx-vlan-filter on" "rx-vlan-filter off" "rxvlan off"; do
	ethtool -K "$NET_IF" $mode >/dev/null 2>&1
	burst vlan-bad "$N" $((SEED + 3)) --vid $VID
	nothing_delivered x "$N"
	verdict "$mode: $N frames with unknown VIDs, 802.1ad, double or cut tags not delivered" $? \
		"sent $SENT delivered $GOT end $ENDOK"
	ethtool -K "$NET_IF" rx-vlan-filter on rxvlan on >/dev/null 2>&1
done
burst prio "$N" $((SEED + 4))
echo "# priority-tagged (VID 0) frames: $GOT of $SENT delivered (either is correct)"

# --- garbage -------------------------------------------------------------
burst garbage "$GARBAGE" $((SEED + 5)) --gap 0.001
arr=$(delta rx_total_packets)
nothing_delivered x "$GARBAGE" && ((arr >= GARBAGE * 7 / 10))
verdict "$GARBAGE random frames arrive and are not delivered" $? \
	"sent $SENT delivered $GOT end $ENDOK arrived $arr"

# --- still working -------------------------------------------------------
ip link del "$NET_IF.$VID" 2>/dev/null
if wait_ping "$P4" 30 && wait_ping "$P6" 30 &&
	peer "ping -c 3 -i 0.3 -W 3 $G4" >/dev/null; then
	ktap_ok "ping both ways after the bad input"
else
	ktap_fail "ping both ways after the bad input"
fi
ktap_check "TCP 1 MiB guest -> peer intact" xfer_to_peer "$P4" 7801 $((1 << 20)) 120
ktap_check "TCP 1 MiB peer -> guest intact" xfer_from_peer "$G4" 7802 $((1 << 20)) 120
absurd=$(ethtool -S "$NET_IF" | awk -F': *' 'NR > 1 && ($2 + 0 >= 2^48 || $2 ~ /^-/) { print $1 "=" $2 }' | head -n 3)
verdict "ethtool -S counters sane (none negative or >= 2^48)" \
	$([ -z "$absurd" ]; echo $?) "$absurd"
check_no_tx_timeout "$NET_IF"

ktap_check "fragment reassembly queues empty before rmmod" \
	wait_frag_queues_empty 30
unload_e1kx
ktap_finish
