#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Native XDP (ip link set ... xdpdrv): tests/xdp/xdp_verdicts.c picks the
# verdict by UDP port.  The peer's datagrams must be dropped (and counted
# in rx_queue_N_xdp_drop), sent back by XDP_TX, sent back through
# XDP_REDIRECT to the same interface (ndo_xdp_xmit, tx_queue_N_xdp_xmit),
# aborted (xdp_errors), or passed to the stack.  The program survives a
# ring resize under XDP_TX traffic, RSS steering to either queue pair,
# a change of queue count and a replacement; the MTU is capped
# while it is attached (an attach over the cap fails with a message); after
# detaching, everything reaches the stack again.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 300
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

XDP_SRC=$E1KX_TESTS_DIR/xdp/xdp_verdicts.c
XDP_OBJ=${E1KX_XDP_OBJ:-$E1KX_REPO/build/xdp/xdp_verdicts.o}
P_ABORT=5706
P_TX=5707
P_REDIRECT=5708
P_DROP=5709
P_PASS=5705

if [ ! -s "$XDP_OBJ" ]; then
	# Outside make check (which builds it): build it here if we can.
	command -v clang >/dev/null ||
		ktap_skip_all "no $XDP_OBJ and no clang to build it from $XDP_SRC"
	XDP_OBJ=$(mktemp -d)/xdp_verdicts.o
	clang -O2 -g -target bpf -I"/usr/include/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)" \
		-c "$XDP_SRC" -o "$XDP_OBJ" ||
		ktap_skip_all "cannot build $XDP_SRC (clang, libbpf-dev headers)"
fi

ktap_plan 23
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
cleanup() {
	ip link set dev "$NET_IF" xdpdrv off 2>/dev/null
	net_cleanup
}
trap cleanup EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"

# qsum DIR NAME: DIR_queue_N_NAME summed over the queues (ethtool -S).
qsum() {
	ethtool -S "$NET_IF" |
		awk -v re="^$1_queue_[0-9]+_$2:\$" '$1 ~ re {s += $2} END {print s + 0}'
}

# xdp_mode: the attach mode ip reports (1 native, 2 generic), or none.
xdp_mode() {
	ip -j link show dev "$NET_IF" | python3 -c \
		'import json,sys; x=json.load(sys.stdin)[0].get("xdp"); print(x["mode"] if x else "none")'
}

xdp_prog_id() {
	ip -j link show dev "$NET_IF" | python3 -c \
		'import json,sys; x=json.load(sys.stdin)[0].get("xdp") or {}; print(x.get("prog", {}).get("id", "none"))'
}

# bounce PORT COUNT [SIZE]: the peer sends COUNT datagrams to the guest;
# prints how many came back intact ("sent=N back=N bad=N").
bounce() {
	e1kx-ctl peer --timeout 120 -- \
		"python3 $NETTOOL udp-bounce $G4 $1 $2 --size ${3:-64} --wait 5"
}


back_of() { sed -n 's/.*back=\([0-9]*\).*/\1/p' <<<"$1"; }
bad_of() { sed -n 's/.*bad=\([0-9]*\).*/\1/p' <<<"$1"; }

# rx_settled: wait (at most 20 s) until NET_IF's rx_packets stays still for
# a second: every frame the peer sent has been taken in.
rx_settled() {
	local a b i

	b=$(if_stat "$NET_IF" rx_packets)
	for ((i = 0; i < 20; i++)); do
		sleep 1
		a=$b
		b=$(if_stat "$NET_IF" rx_packets)
		[ "$a" = "$b" ] && return 0
	done
}

# guest_count PORT COUNT: the guest counts datagrams on PORT while the peer
# sends COUNT of them; prints the count. The receiver stops at an "END"
# datagram the guest sends itself over loopback (where no XDP program runs)
# once the interface has taken in the peer's frames, so a slow guest cannot
# make it stop early (an idle timeout would count from its start, not from
# the peer's first frame). Udp NoPorts tells frames that found no socket.
guest_count() {
	local out ready pid i np0

	out=$(mktemp)
	ready=$out.ready
	python3 "$NETTOOL" udp-count "$1" --bind "$G4" --idle 120 --max-time 120 \
		--until END --ready "$ready" >"$out" 2>&1 &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		[ -e "$ready" ] && break
		sleep 0.1
	done
	[ -e "$ready" ] || echo "# port $1: receiver not ready after 60 s" >&2
	np0=$(snmp_get Udp NoPorts)
	e1kx-ctl peer --timeout 60 -- "python3 $NETTOOL udp-send $G4 $1 $2 --size 32"
	rx_settled
	python3 "$NETTOOL" udp-send "$G4" "$1" 1 --payload END
	wait "$pid"
	echo "# port $1: Udp NoPorts +$(($(snmp_get Udp NoPorts) - np0))" >&2
	head -n1 "$out"
	rm -f "$out" "$ready"
}

if ! err=$(ip link set dev "$NET_IF" xdpdrv obj "$XDP_OBJ" sec xdp 2>&1); then
	[ "$E1KX_DRIVER" = e1kx ] || ktap_skip_all "$E1KX_DRIVER has no native XDP: $err"
	ktap_bail "cannot attach $XDP_OBJ natively: $err"
fi
mode=$(xdp_mode)
ktap_check "program attached in native (driver) mode (ip reports mode $mode)" \
	[ "$mode" = 1 ]

if ping -c 20 -i 0.05 -W 2 -q "$P4" >/dev/null; then
	ktap_ok "XDP_PASS: 20 pings to the peer answered"
else
	ktap_fail "XDP_PASS: 20 pings to the peer answered" "replies lost"
fi

n=$(guest_count $P_PASS 200)
ktap_check "XDP_PASS: $n/200 datagrams to port $P_PASS reached the socket" \
	[ "${n:-0}" -ge 195 ]

d0=$(qsum rx xdp_drop)
n=$(guest_count $P_DROP 300)
d1=$(qsum rx xdp_drop)
echo "# xdp_drop $d0 -> $d1, socket got ${n:-?}"
[ "${n:-1}" -eq 0 ] && [ $((d1 - d0)) -ge 295 ]
ktap_status "XDP_DROP: none of 300 datagrams reached the socket, xdp_drop +$((d1 - d0))"

check_bounce() {
	local what=$1 port=$2 count=$3 size=$4 counter=$5 c0 c1 out b
	c0=$(qsum "${counter%%:*}" "${counter#*:}")
	out=$(bounce "$port" "$count" "$size")
	c1=$(qsum "${counter%%:*}" "${counter#*:}")
	b=$(back_of "$out")
	echo "# $what, $size-byte payloads: $out; ${counter#*:} $c0 -> $c1"
	if [ "${b:-0}" -ge $((count * 97 / 100)) ] && [ "$(bad_of "$out")" = 0 ] &&
		[ $((c1 - c0)) -ge "${b:-0}" ]; then
		ktap_ok "$what: ${b}/$count $size-byte datagrams came back intact, ${counter#*:} +$((c1 - c0))"
	else
		ktap_fail "$what: $count $size-byte datagrams came back intact" "$out, ${counter#*:} +$((c1 - c0))"
	fi
}

check_bounce "XDP_TX" $P_TX 300 64 rx:xdp_tx
# A 4-byte payload makes a 46-byte frame: padded to 60 before it goes out
check_bounce "XDP_TX, runts" $P_TX 100 4 rx:xdp_tx
check_bounce "XDP_REDIRECT to itself" $P_REDIRECT 300 1000 rx:xdp_redirect
x0=$(qsum tx xdp_xmit)
check_bounce "XDP_REDIRECT, runts" $P_REDIRECT 100 4 tx:xdp_xmit
x1=$(qsum tx xdp_xmit)
ktap_check "redirected frames go out through ndo_xdp_xmit (tx xdp_xmit +$((x1 - x0)))" \
	[ $((x1 - x0)) -ge 97 ]

e0=$(qsum rx xdp_errors)
e1kx-ctl peer --timeout 60 -- "python3 $NETTOOL udp-send $G4 $P_ABORT 100 --size 32"
sleep 1
e1=$(qsum rx xdp_errors)
ktap_check "XDP_ABORTED: xdp_errors counts the aborted frames ($e0 -> $e1)" \
	[ $((e1 - e0)) -ge 97 ]

# The MTU cap itself is allowed: the largest frames still pass the program
ip link set dev "$NET_IF" mtu 2026 && peer "ip link set $PEER_IF mtu 3000"
if [ "$(cat "/sys/class/net/$NET_IF/mtu")" = 2026 ] &&
	peer "ping -M do -s 1998 -c 3 -i 0.3 -W 3 $G4" >/dev/null; then
	ktap_ok "MTU 2026 with a program: peer -> guest ping -s 1998 (2040-byte frames) answered"
else
	ktap_fail "MTU 2026 with a program: peer -> guest ping -s 1998 answered" \
		"MTU $(cat "/sys/class/net/$NET_IF/mtu")"
fi
# A frame longer than one buffer cannot be shown to the program: dropped
l0=$(qsum rx length_errors)
c0=$(qsum rx xdp_drop)+$(qsum rx xdp_tx)+$(qsum rx xdp_errors)
peer "ping -M do -s 2972 -c 3 -i 0.3 -W 1 $G4" >/dev/null
l1=$(qsum rx length_errors)
c1=$(qsum rx xdp_drop)+$(qsum rx xdp_tx)+$(qsum rx xdp_errors)
[ $((l1 - l0)) -ge 3 ] && [ "$c1" = "$c0" ]
ktap_status "3014-byte frames (more than one buffer) counted in length_errors ($l0 -> $l1), never run (xdp drop+tx+errors $c0 -> $c1)"
ip link set dev "$NET_IF" mtu 1500
peer "ip link set $PEER_IF mtu 1500"

# Ring resize while the peer floods XDP_TX: new rings, same program
id0=$(xdp_prog_id)
peer_bg flood "python3 $NETTOOL udp-bounce $G4 $P_TX 4000 --size 64 --gap 0.0005 --wait 2"
sleep 1
ethtool -G "$NET_IF" rx 512 tx 512
rc=$?
peer_wait_file flood 90 | sed 's/^/# flood during ethtool -G: /'
wait_carrier "$NET_IF" 15
[ "$rc" = 0 ] && [ "$(xdp_prog_id)" = "$id0" ]
ktap_status "ethtool -G under XDP_TX traffic: rc $rc, program $(xdp_prog_id) still attached (was $id0)"
check_bounce "XDP_TX after the ring resize" $P_TX 200 64 rx:xdp_tx
ethtool -G "$NET_IF" rx 1024 tx 1024

# qval DIR Q NAME: one queue's counter
qval() {
	ethtool -S "$NET_IF" | awk -v k="$1_queue_$2_$3:" '$1 == k {print $2; f = 1} END {if (!f) print 0}'
}

# XDP_TX from each queue pair: the RSS table steers the peer to one queue,
# whose TX ring must send the frames back
for q in 0 1; do
	if [ "$q" = 0 ]; then w="1 0"; else w="0 1"; fi
	# shellcheck disable=SC2086
	ethtool -X "$NET_IF" weight $w
	c0=$(qval rx "$q" xdp_tx)
	t0=$(qval tx "$q" packets)
	out=$(bounce $P_TX 100 64)
	c1=$(qval rx "$q" xdp_tx)
	t1=$(qval tx "$q" packets)
	b=$(back_of "$out")
	echo "# queue $q: $out; rx_queue_${q}_xdp_tx $c0 -> $c1, tx_queue_${q}_packets $t0 -> $t1"
	[ "${b:-0}" -ge 97 ] && [ $((c1 - c0)) -ge "$b" ] && [ $((t1 - t0)) -ge "$b" ]
	ktap_status "XDP_TX on queue pair $q (RSS weight $w): $b/100 back, counted on rx and tx queue $q"
done
ethtool -X "$NET_IF" default

# One queue pair and back: the program follows the rings
ethtool -L "$NET_IF" combined 1
rc=$?
wait_carrier "$NET_IF" 15
out=$(bounce $P_TX 100 64)
[ "$rc" = 0 ] && [ "$(xdp_prog_id)" = "$id0" ] && [ "$(back_of "$out")" -ge 97 ]
ktap_status "ethtool -L combined 1 with a program: rc $rc, program $(xdp_prog_id) (was $id0), XDP_TX: $out"
ethtool -L "$NET_IF" combined 2
rc=$?
wait_carrier "$NET_IF" 15
out=$(bounce $P_TX 100 64)
[ "$rc" = 0 ] && [ "$(xdp_prog_id)" = "$id0" ] && [ "$(back_of "$out")" -ge 97 ]
ktap_status "ethtool -L combined 2 with a program: rc $rc, program $(xdp_prog_id) (was $id0), XDP_TX: $out"

if ip link set dev "$NET_IF" mtu 3000 2>/dev/null; then
	ktap_fail "MTU 3000 refused while a program is attached" "accepted"
	ip link set dev "$NET_IF" mtu 1500
else
	ktap_check "MTU 3000 refused while a program is attached (MTU stays $(cat "/sys/class/net/$NET_IF/mtu"))" \
		[ "$(cat "/sys/class/net/$NET_IF/mtu")" = 1500 ]
fi

ip -force link set dev "$NET_IF" xdpdrv obj "$XDP_OBJ" sec xdp
id1=$(xdp_prog_id)
out=$(bounce $P_TX 50 64)
[ "$id1" != "$id0" ] && [ "$id1" != none ] && [ "$(back_of "$out")" -ge 48 ]
ktap_status "program replaced in place (id $id0 -> $id1), XDP_TX works: $out"

ip link set dev "$NET_IF" xdpdrv off
d0=$(qsum rx xdp_drop)
n=$(guest_count $P_DROP 100)
d1=$(qsum rx xdp_drop)
[ "$(xdp_mode)" = none ] && [ "${n:-0}" -ge 97 ] && [ "$d1" = "$d0" ]
ktap_status "detached ($(xdp_mode)): $n/100 datagrams to port $P_DROP reach the socket, xdp_drop $d0 -> $d1"

ip link set dev "$NET_IF" mtu 3000
err=$(ip link set dev "$NET_IF" xdpdrv obj "$XDP_OBJ" sec xdp 2>&1)
rc=$?
echo "# attach at MTU 3000: rc $rc: $err"
[ "$rc" != 0 ] && [ "$(xdp_mode)" = none ] && grep -qi mtu <<<"$err"
ktap_status "attach at MTU 3000 refused with a message naming the MTU"
ip link set dev "$NET_IF" mtu 1500

check_no_tx_timeout "$NET_IF"
unload_e1kx
ktap_finish
