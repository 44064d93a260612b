#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Abuse: E1KX_LOAD_CYCLES (default 100) cycles of insmod / link up / rmmod
# while the host peer floods the guest the whole time (ping -f of two sizes
# to a static neighbour entry, so it keeps sending while the driver is
# gone).  Every cycle: the netdev appears bound to the driver, gets carrier
# after "up", and is gone after rmmod.  Every E1KX_LOAD_CHECK_EVERY-th
# cycle (default 10, and the last one) the flood must be arriving
# (rx_packets grows) and the guest must ping the peer.
#
# Speed: on the debug kernel every fork/exec costs ~0.3-1 s (KASAN, TCG,
# 9p root), so a cycle uses shell builtins and sysfs reads only, apart from
# insmod, ip and rmmod themselves (load_cycles.sh: ~45 s a cycle, mostly
# nic_if/nic_driver/nic_by_mac subshells and od).
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 1500
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

CYCLES=${E1KX_LOAD_CYCLES:-100}
EVERY=${E1KX_LOAD_CHECK_EVERY:-10}
G4=198.18.0.2
P4=198.18.0.1

# Sleep without an exec: read with a timeout from a pipe nobody writes.
exec {_slp}<> <(:)
nap() { read -r -t "$1" -u "$_slp" _ || true; }

# wait for a sysfs glob to (dis)appear, builtins only: wait_glob PATTERN SECS
has_glob() {
	local -a m
	m=($1)
	[ -e "${m[0]}" ]
}

carrier_of() {
	local c=
	read -r c <"/sys/class/net/$1/carrier" 2>/dev/null || true
	[ "$c" = 1 ]
}

stat_of() {
	local v=0
	read -r v <"/sys/class/net/$1/statistics/$2" 2>/dev/null || true
	echo "$v"
}

unload_e1kx
if [ "$E1KX_DRIVER" != e1kx ]; then
	ktap_skip_all "cycles insmod/rmmod of e1kx.ko (E1KX_DRIVER=$E1KX_DRIVER)"
fi
ko=$(e1kx_ko)
[ -f "$ko" ] || ktap_skip_all "$ko not built"
driver_loaded e1000e && rmmod e1000e
bdf=$(nic_bdf 0) || ktap_skip_all "no 82574L"
mac=$(nic_mac 0)
dev=/sys/bus/pci/devices/$bdf

ktap_plan $((CYCLES + 3))
peer_tmp_init || ktap_bail "no host temp dir"
# The flood: a permanent neighbour entry keeps the peer sending while the
# guest has no driver (ping -f paces itself at 100/s without replies).
peer "ip neigh replace $G4 lladdr $mac dev tap0 nud permanent" ||
	ktap_bail "cannot add the peer's neighbour entry"
stop_flood() {
	peer "kill \$(cat $PEER_TMP/pids 2>/dev/null) 2>/dev/null; ip neigh del $G4 dev tap0" >/dev/null 2>&1
	net_cleanup
}
trap stop_flood EXIT
peer "{ ping -f -q -w 100000 $G4 >$PEER_TMP/f1 2>&1 & echo \$! >>$PEER_TMP/pids;
	ping -f -q -s 1400 -w 100000 $G4 >$PEER_TMP/f2 2>&1 & echo \$! >>$PEER_TMP/pids; } </dev/null"
echo "# $CYCLES cycles, traffic check every $EVERY, peer flooding $G4 ($mac)"

t_all=$EPOCHREALTIME
checks=0
for ((i = 1; i <= CYCLES; i++)); do
	t0=$EPOCHREALTIME
	why=
	ifn=
	if ! insmod "$ko"; then
		why="insmod failed"
	else
		for ((w = 0; w < 100; w++)); do
			has_glob "$dev/net/*" && break
			nap 0.1
		done
		m=("$dev"/net/*)
		ifn=${m[0]##*/}
		if ! [ -e "${m[0]}" ]; then
			why="no netdev within 10 s of insmod"
			ifn=
		elif ! [ -e "/sys/bus/pci/drivers/e1kx/$bdf" ]; then
			why="$bdf not bound to e1kx"
		elif ! ip link set "$ifn" up; then
			why="ip link set up failed"
		else
			for ((w = 0; w < 150; w++)); do
				carrier_of "$ifn" && break
				nap 0.1
			done
			carrier_of "$ifn" || why="no carrier within 15 s"
		fi
	fi
	if [ -z "$why" ] && { ((i % EVERY == 0)) || ((i == CYCLES)); }; then
		checks=$((checks + 1))
		r0=$(stat_of "$ifn" rx_packets)
		ip addr add "$G4/24" dev "$ifn"
		# One exec: a ping a second until one is answered (60 s); under
		# the flood on a debug kernel a reply can take seconds.
		if ! ping -q -c 1 -i 1 -w 60 "$P4" >/dev/null; then
			why="no ping reply from $P4"
		else
			r1=$(stat_of "$ifn" rx_packets)
			if ((r1 - r0 < 20)); then
				why="flood not arriving: rx_packets $r0 -> $r1"
			fi
			echo "# cycle $i: rx_packets $r0 -> $r1 during the check"
		fi
	fi
	if ! rmmod e1kx; then
		why="${why:+$why; }rmmod failed"
	elif has_glob "$dev/net/*" || [ -e "$dev/driver" ]; then
		why="${why:+$why; }netdev or driver link left after rmmod"
	fi
	dt=$(((${EPOCHREALTIME/./} - ${t0/./}) / 1000))
	if [ -z "$why" ]; then
		ktap_ok "cycle $i (${dt} ms)"
	else
		ktap_fail "cycle $i (${dt} ms)" "$why"
		# A driver that failed to go away makes the rest meaningless.
		driver_loaded e1kx && ! rmmod e1kx && ktap_bail "e1kx stuck loaded"
	fi
done
total=$(((${EPOCHREALTIME/./} - ${t_all/./}) / 1000000))
echo "# $CYCLES cycles in ${total} s ($((total * 1000 / CYCLES)) ms a cycle)"

# The flood really ran the whole time (ping -f prints its totals on exit).
peer "kill -INT \$(cat $PEER_TMP/pids)" >/dev/null 2>&1
nap 1
sent=$(peer "cat $PEER_TMP/f1 $PEER_TMP/f2" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' |
	awk '{ s += $1 } END { print s + 0 }')
# Each ping -f sends at least 100 packets a second when no reply comes,
# as fast as the replies come otherwise: two of them are a flood if they
# kept up a quarter of that (50 a second) over the whole run.
echo "# peer flood: $sent packets sent in $total s"
if [ "$total" -gt 0 ] && [ "$sent" -ge $((total * 50)) ]; then
	ktap_ok "peer flooded throughout ($sent packets in $total s, >= 50/s)"
else
	ktap_fail "peer flooded throughout (>= 50 packets/s)" "$sent packets in $total s"
fi
if [ "$checks" -gt 0 ]; then
	ktap_ok "$checks traffic checks made"
else
	ktap_fail "traffic checks made" "none"
fi

# Back to normal: load once more, the link works.
if net_tap_setup 0 && wait_ping "$P4" 30; then
	ktap_ok "driver works after $CYCLES cycles"
else
	ktap_fail "driver works after $CYCLES cycles"
fi
unload_e1kx
ktap_finish
