#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# AF_XDP zero-copy, with the two ports back to back: tests/xsk/xsk_test.c
# (libxdp) sends IPv4/UDP frames with a known payload pattern from port A
# and receives them on port B, where it checks every byte.
#
#  - Binds refused: a socket on a queue the device does not have, a
#    zero-copy pool whose 2048-byte chunks cannot hold what the device
#    writes per buffer, a zero-copy bind at MTU 3000 (no multi-buffer);
#    the kernel log says why.
#  - Copy mode (XDP_COPY) still works both ways on the page_pool rings.
#  - Zero-copy RX on B and TX on A, on queue 0 and on queue 1 (RSS steers
#    B's flows to the queue under test), full-size frames and runts (a
#    54-byte frame leaves padded with zeros); xsk_rx/xsk_tx count them.
#  - With a socket bound on queue 1 under a flood: ethtool -L combined 1
#    and MTU 3000 are refused, ethtool -G rebuilds the rings and the
#    socket keeps receiving.
#  - On a zero-copy queue, the program's XDP_PASS (ICMP reaches the
#    stack) and XDP_TX (500 frames go back out).
#  - Queue 1 switched between zero-copy and the stack three times under a
#    flood; sockets killed under a flood five times; a socket that never
#    refills its fill ring starves only its own queue (xsk_fill_empty,
#    its frames dropped and counted), which recovers when it closes; then the stack still receives, both
#    ports answer pings, and nothing timed out.
#
# e1kx-topology: nics=2 wiring=b2b append=
# e1kx-timeout: 480
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

XSK=${E1KX_XSK_TEST:-$E1KX_REPO/build/xsk/xsk_test}
XSK_PROG=${E1KX_XSK_PROG:-$E1KX_REPO/build/xdp/xsk_redirect.o}
if [ ! -x "$XSK" ] || [ ! -s "$XSK_PROG" ]; then
	ktap_skip_all "no $XSK or $XSK_PROG (make xdp-progs builds them)"
fi
FLOOD_PORT=5801

ktap_plan 22
unload_e1kx
TMP=$(mktemp -d)
cleanup() {
	local p
	for p in $(jobs -p); do
		kill -INT "$p" 2>/dev/null
	done
	wait 2>/dev/null
	nsb ip link set dev "$IFB" xdpdrv off 2>/dev/null
	nsa ip link set dev "$IFA" xdpdrv off 2>/dev/null
	rm -rf "$TMP"
	net_b2b_cleanup
}
trap cleanup EXIT
net_b2b_setup || ktap_bail "cannot set up NICs 0/1 in netns dpa/dpb"
wait_ping ip netns exec dpa "$B4" 30 || ktap_bail "$B4 unreachable from dpa"
MACA=$(nsa cat "/sys/class/net/$IFA/address")
MACB=$(nsb cat "/sys/class/net/$IFB/address")
# The test frames need no ARP; the addresses stay resolved
nsa ip neigh replace "$B4" lladdr "$MACB" dev "$IFA" nud permanent
nsb ip neigh replace "$A4" lladdr "$MACA" dev "$IFB" nud permanent


# fld NAME: the number after NAME= on stdin
fld() { sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p" | head -n1; }

# bst/ast NAME: one ethtool -S counter of B / A
bst() { ethtool_stat "$IFB" "$1" dpb; }
ast() { ethtool_stat "$IFA" "$1" dpa; }

# steer Q: B's RSS sends every IPv4 flow to queue Q
steer() {
	if [ "$1" = 0 ]; then
		nsb ethtool -X "$IFB" weight 1 0
	else
		nsb ethtool -X "$IFB" weight 0 1
	fi
}

# rx_bg NAME Q COUNT [ARGS...]: xsk_test rx on B's queue Q in the
# background; returns once the socket is bound (1 if it never was).
# ip netns exec execs the program: $! is xsk_test itself.
rx_bg() {
	local name=$1 q=$2 n=$3 i
	shift 3
	rm -f "$TMP/$name.ready"
	ip netns exec dpb "$XSK" rx "$IFB" "$q" "$n" --prog "$XSK_PROG" \
		--ready "$TMP/$name.ready" "$@" >"$TMP/$name.out" 2>&1 &
	echo $! >"$TMP/$name.pid"
	for ((i = 0; i < 200; i++)); do
		[ -e "$TMP/$name.ready" ] && return 0
		kill -0 "$(cat "$TMP/$name.pid")" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/# rx: /' "$TMP/$name.out"
	return 1
}

# bg_end NAME SECS [SIG]: wait up to SECS for the job, then send SIG
# (default INT: it prints its result and unbinds); print its output
bg_end() {
	local pid i
	pid=$(cat "$TMP/$1.pid")
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -"${3:-INT}" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	cat "$TMP/$1.out"
}

# tx Q COUNT [ARGS...]: xsk_test tx from A's queue Q to B
tx() {
	local q=$1 n=$2
	shift 2
	ip netns exec dpa "$XSK" tx "$IFA" "$q" "$n" --src-mac "$MACA" \
		--dst-mac "$MACB" --src-ip "$A4" --dst-ip "$B4" "$@" 2>&1
}

# flood_start: A floods B (port FLOOD_PORT) from its queue 0, zero-copy
flood_start() {
	ip netns exec dpa "$XSK" tx "$IFA" 0 100000000 --src-mac "$MACA" \
		--dst-mac "$MACB" --src-ip "$A4" --dst-ip "$B4" \
		--port $FLOOD_PORT --size 64 --gap-us 2000 --time 300 \
		>"$TMP/flood.out" 2>&1 &
	echo $! >"$TMP/flood.pid"
	sleep 1
}

flood_stop() { bg_end flood 0 | sed 's/^/# flood: /'; }

# Binds that must fail
out=$(nsb "$XSK" rx "$IFB" 2 1 --prog "$XSK_PROG" --time 2 2>&1)
rc=$?
echo "# queue 2: rc $rc: $out"
[ "$rc" = 2 ] && grep -q "Invalid argument" <<<"$out"
ktap_status "a socket on queue 2 (the device has 0 and 1) is refused: rc $rc"

mark=$(kmsg_mark chunk)
out=$(nsb "$XSK" rx "$IFB" 0 1 --chunk 2048 --prog "$XSK_PROG" --time 2 2>&1)
rc=$?
msg=$(dmesg_since "$mark" | grep -m1 "zero-copy on queue 0 refused")
echo "# chunk 2048: rc $rc: $out; log: $msg"
[ "$rc" = 2 ] && grep -q "1792-byte frames" <<<"$msg"
ktap_status "zero-copy with 2048-byte chunks refused, the log says why (rc $rc)"

nsb ip link set dev "$IFB" mtu 3000
mark=$(kmsg_mark mtu)
out=$(nsb "$XSK" rx "$IFB" 0 1 --prog "$XSK_PROG" --time 2 2>&1)
rc=$?
msg=$(dmesg_since "$mark" | grep -m1 "zero-copy on queue 0 refused")
echo "# MTU 3000: rc $rc: $out; log: $msg"
nsb ip link set dev "$IFB" mtu 1500
[ "$rc" = 2 ] && grep -q "MTU 3000" <<<"$msg"
ktap_status "zero-copy at MTU 3000 (frames over one buffer) refused, the log says why (rc $rc)"

# Copy mode: the page_pool rings, as without zero-copy
steer 0
if rx_bg copy 0 500 --copy --time 60; then
	tout=$(tx 0 500 --copy --size 300 --gap-us 2000)
	rout=$(bg_end copy 15)
else
	tout="not run" rout="not bound"
fi
echo "# copy mode: A: $tout; B: $rout"
[ "$(fld rx <<<"$rout")" = 500 ] && [ "$(fld bad <<<"$rout")" = 0 ] &&
	[ "$(fld zc <<<"$rout")" = 0 ] && [ "$(fld completed <<<"$tout")" = 500 ] &&
	[ "$(fld zc <<<"$tout")" = 0 ]
ktap_status "copy mode (XDP_COPY), queue 0: 500/500 frames intact ($tout; $rout)"

# Zero-copy on each queue: full-size frames on 0, shorter ones on 1
for q in 0 1; do
	n=2000
	if [ "$q" = 0 ]; then size=1472; else size=300; fi
	steer "$q"
	x0=$(bst "rx_queue_${q}_xsk_rx") t0=$(ast "tx_queue_${q}_xsk_tx")
	cc0=$(nsb cat "/sys/class/net/$IFB/carrier_changes")
	if rx_bg zc$q "$q" $n --time 90; then
		echo "# bound: carrier_changes $cc0 -> $(nsb cat "/sys/class/net/$IFB/carrier_changes")"
		tout=$(tx "$q" $n --size $size --gap-us 2000)
		rout=$(bg_end zc$q 15)
	else
		tout="not run" rout="not bound"
	fi
	x1=$(bst "rx_queue_${q}_xsk_rx") t1=$(ast "tx_queue_${q}_xsk_tx")
	echo "# queue $q, $size-byte payloads: A: $tout (xsk_tx +$((t1 - t0))); B: $rout (xsk_rx +$((x1 - x0)))"
	r=$(fld rx <<<"$rout")
	[ "${r:-0}" -ge $((n * 98 / 100)) ] && [ "$(fld bad <<<"$rout")" = 0 ] &&
		[ "$(fld dup <<<"$rout")" = 0 ] && [ "$(fld zc <<<"$rout")" = 1 ] &&
		[ $((x1 - x0)) -ge "$r" ]
	ktap_status "zero-copy RX on queue $q: ${r:-0}/$n frames of $((size + 42)) bytes intact, xsk_rx +$((x1 - x0))"
	[ "$(fld completed <<<"$tout")" = $n ] && [ "$(fld zc <<<"$tout")" = 1 ] &&
		[ $((t1 - t0)) = $n ]
	ktap_status "zero-copy TX on queue $q: $n frames sent and completed, xsk_tx +$((t1 - t0))"
done

# Runts: 54-byte frames leave padded to 60 (from the ring's zeros)
if rx_bg runt 1 300 --time 60; then
	tout=$(tx 1 300 --size 12 --gap-us 2000)
	rout=$(bg_end runt 15)
else
	tout="not run" rout="not bound"
fi
echo "# runts: A: $tout; B: $rout"
r=$(fld rx <<<"$rout")
[ "${r:-0}" -ge 294 ] && [ "$(fld bad <<<"$rout")" = 0 ] &&
	[ "$(fld completed <<<"$tout")" = 300 ]
ktap_status "zero-copy TX of 54-byte frames on queue 1: ${r:-0}/300 intact"

# With a zero-copy socket on queue 0, the program's other verdicts: what
# it passes (ICMP) reaches the stack as a copy, what it returns with
# XDP_TX (UDP to 5810) leaves B again, its Ethernet addresses swapped.
steer 0
if rx_bg verdicts 0 0 --time 90; then
	nsa ping -c 5 -i 0.2 -W 3 -q "$B4" >/dev/null
	prc=$?
	t0=$(bst rx_queue_0_xdp_tx)
	a0=$(nsa cat "/sys/class/net/$IFA/statistics/rx_packets")
	tout=$(tx 0 500 --port 5810 --gap-us 2000)
	sleep 1
	t1=$(bst rx_queue_0_xdp_tx)
	a1=$(nsa cat "/sys/class/net/$IFA/statistics/rx_packets")
	rout=$(bg_end verdicts 0)
else
	prc=1 t0=0 t1=0 a0=0 a1=0 tout="not run" rout="not bound"
fi
echo "# queue 0 zero-copy: ping rc $prc; XDP_TX: A: $tout, xdp_tx +$((t1 - t0)), A rx_packets +$((a1 - a0)); socket: $rout"
[ "$prc" = 0 ] && [ "$(fld zc <<<"$rout")" = 1 ]
ktap_status "zero-copy queue 0: frames the program passes reach the stack (ping rc $prc)"
[ "$(fld completed <<<"$tout")" = 500 ] && [ $((t1 - t0)) = 500 ] &&
	[ $((a1 - a0)) -ge 500 ]
ktap_status "zero-copy queue 0: XDP_TX sends 500 frames back (xdp_tx +$((t1 - t0)), A received +$((a1 - a0)))"

# A socket on queue 1 under a flood: ring and channel changes
steer 1
flood_start
if rx_bg bound 1 0 --port $FLOOD_PORT --time 200; then
	nsb ethtool -L "$IFB" combined 1 2>"$TMP/l.err"
	rc=$?
	ch=$(nsb ethtool -l "$IFB" | awk '/^Current/ {c = 1} c && /^Combined:/ {print $2}')
	echo "# ethtool -L combined 1: rc $rc ($(cat "$TMP/l.err")), combined now $ch"
	[ "$rc" != 0 ] && [ "$ch" = 2 ]
	ktap_status "ethtool -L combined 1 refused while a socket is bound to queue 1 (combined $ch)"

	mark=$(kmsg_mark bound-mtu)
	nsb ip link set dev "$IFB" mtu 3000 2>/dev/null
	rc=$?
	mtu=$(nsb cat "/sys/class/net/$IFB/mtu")
	msg=$(dmesg_since "$mark" | grep -m1 "too large")
	echo "# MTU 3000: rc $rc, MTU $mtu; log: $msg"
	# The socket's check, not the XDP program's, refuses it
	[ "$rc" != 0 ] && [ "$mtu" = 1500 ] && [[ "$msg" == *"AF_XDP zero-copy"* ]]
	ktap_status "MTU 3000 refused because a zero-copy socket is bound (MTU $mtu)"

	nsb ethtool -G "$IFB" rx 512 tx 512
	rc=$?
	wait_carrier_ns dpb "$IFB" 15
	sleep 1
	x0=$(bst rx_queue_1_xsk_rx)
	sleep 3
	x1=$(bst rx_queue_1_xsk_rx)
	rx=$(nsb ethtool -g "$IFB" | awk '/^Current/ {c = 1} c && /^RX:/ {print $2}')
	rout=$(bg_end bound 0)
	echo "# ethtool -G rx 512 tx 512: rc $rc, RX ring $rx; xsk_rx $x0 -> $x1; socket: $rout"
	[ "$rc" = 0 ] && [ "$rx" = 512 ] && [ $((x1 - x0)) -gt 0 ] &&
		[ "$(fld bad <<<"$rout")" = 0 ] && [ "$(fld zc <<<"$rout")" = 1 ]
	ktap_status "ethtool -G under a flood with a socket bound: rings rebuilt, the socket keeps receiving (xsk_rx +$((x1 - x0)) in 3 s)"
	nsb ethtool -G "$IFB" rx 1024 tx 1024
	wait_carrier_ns dpb "$IFB" 15
else
	ktap_fail "ethtool -L combined 1 refused while a socket is bound" "socket not bound"
	ktap_fail "MTU 3000 refused while a zero-copy socket is bound" "socket not bound"
	ktap_fail "ethtool -G with a socket bound" "socket not bound"
fi

# Queue 1 between zero-copy and the stack, under the flood
xs="" ss="" ok=0
for i in 1 2 3; do
	out=$(nsb "$XSK" rx "$IFB" 1 0 --port $FLOOD_PORT --prog "$XSK_PROG" --time 3 2>&1)
	r=$(fld rx <<<"$out")
	[ "$(fld zc <<<"$out")" = 1 ] && [ "$(fld bad <<<"$out")" = 0 ] &&
		[ "${r:-0}" -gt 0 ] || ok=1
	n=$(nsb python3 "$NETTOOL" udp-count $FLOOD_PORT --bind "$B4" --idle 3 --max-time 3)
	[ "${n:-0}" -gt 0 ] || ok=1
	xs+="${r:-0} " ss+="${n:-0} "
	echo "# round $i: socket: $out; stack: $n datagrams"
done
ktap_check "queue 1 switched zero-copy <-> stack 3 times under a flood: socket got $xs, stack got $ss" \
	[ $ok = 0 ]

# Sockets killed under the flood
ok=0
for i in 1 2 3 4 5; do
	if rx_bg kill$i 1 0 --port $FLOOD_PORT --time 60; then
		sleep 0.$((RANDOM % 9 + 1))
		bg_end kill$i 0 KILL >/dev/null
	else
		ok=1
	fi
done
n=$(nsb python3 "$NETTOOL" udp-count $FLOOD_PORT --bind "$B4" --idle 3 --max-time 3)
echo "# after 5 sockets killed under the flood: stack got $n datagrams in 3 s"
[ $ok = 0 ] && [ "${n:-0}" -gt 0 ]
ktap_status "5 sockets killed under a flood, then the stack receives ($n datagrams in 3 s)"

# A consumer that stalls: queue 1's socket gets 64 buffers, never more.
# Its queue runs dry, counts it and drops what arrives; queue 0 keeps
# working meanwhile (a queue without descriptors would hold up the
# device's receive FIFO for both), and queue 1 carries traffic again once
# the socket is gone.
e0=$(bst rx_queue_1_xsk_fill_empty) d0=$(bst rx_queue_1_drops)
if rx_bg stall 1 0 --port $FLOOD_PORT --fill 64 --time 90; then
	sleep 3
	e1=$(bst rx_queue_1_xsk_fill_empty) d1=$(bst rx_queue_1_drops)
	steer 0
	nsa ping -c 5 -i 0.2 -W 3 -q "$B4" >/dev/null
	p0=$?
	rout=$(bg_end stall 0)
	steer 1
	sleep 1
	nsa ping -c 5 -i 0.2 -W 3 -q "$B4" >/dev/null
	p1=$?
else
	e1=$e0 d1=$d0 p0=1 p1=1 rout="not bound"
fi
echo "# stalled socket: $rout; xsk_fill_empty $e0 -> $e1, drops $d0 -> $d1; ping via queue 0 rc $p0, via queue 1 after rc $p1"
[ "$(fld rx <<<"$rout")" = 64 ] && [ "$(fld zc <<<"$rout")" = 1 ] &&
	[ "$e1" -gt "$e0" ] && [ "$d1" -gt "$d0" ]
ktap_status "a stalled socket on queue 1: 64 frames, then its queue counts the empty fill ring (+$((e1 - e0))) and drops (+$((d1 - d0)))"
[ "$p0" = 0 ] && [ "$p1" = 0 ]
ktap_status "queue 0 answers pings while queue 1 is starved, queue 1 once the socket is gone (rc $p0, $p1)"
flood_stop
nsb ip link set dev "$IFB" xdpdrv off
nsb ethtool -X "$IFB" default

# Both ports still work in both directions
if nsa ping -c 5 -i 0.2 -W 3 -q "$B4" >/dev/null &&
	nsb ping -c 5 -i 0.2 -W 3 -q "$A4" >/dev/null; then
	ktap_ok "A <-> B pings answered after the AF_XDP tests"
else
	ktap_fail "A <-> B pings answered after the AF_XDP tests"
fi

names=$(nsb ethtool -S "$IFB" | awk -F: '{gsub(/^[ \t]+/, "", $1); print $1}')
miss=
for q in 0 1; do
	for s in rx_queue_${q}_xsk_rx rx_queue_${q}_xsk_fill_empty \
		tx_queue_${q}_xsk_tx rx_queue_${q}_xdp_drop \
		rx_queue_${q}_xdp_tx rx_queue_${q}_xdp_redirect; do
		grep -qx "$s" <<<"$names" || miss+="$s "
	done
done
ktap_check "ethtool -S has the XDP and AF_XDP counters of both queues ${miss:+(missing: $miss)}" \
	[ -z "$miss" ]

check_no_tx_timeout "$IFA"
check_no_tx_timeout "$IFB"
unload_e1kx
ktap_finish
