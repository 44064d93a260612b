#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool -c/-C: rx-usecs 0..16776 read back (tx-usecs mirrors it, either
# name sets both) and reach EITR0/EITR1 (usecs * 1000 / 256).  Effect: the
# interrupt rate of the rxtx vectors during a paced 5 s peer -> guest UDP
# stream (2500 datagrams/s) with rx-usecs 1000 is at least 25% below the
# rate with 0 (QEMU's EITR timer notifies again on expiry, so up to ~2 per
# interval: <= 2200/s per vector).  adaptive-rx on reads back, makes net_dim reprogram EITR under
# load (to a value no fixed setting wrote) and gives more packets per
# interrupt under iperf3 than under ping; adaptive-rx off restores the
# fixed interval.  adaptive-tx reads back; with it on (the default) a
# TX-only pktgen flood stretches EITR0 past rx-usecs 0 (at most 1000 us)
# and gets at least twice as many frames per interrupt as with it off
# (skipped when the guest cannot send twice adaptive-tx's 1,600 frames/s
# floor); received frames (all steered to queue 0 by ethtool -X, no
# ethtool -C in between) bring EITR0 back to rx-usecs, and so does
# adaptive-tx off in the middle of a flood; switching it on again while
# idle does not reprogram the stretch measured under the flood.
# rx-usecs != tx-usecs (extack "share a vector"), 16777 and 100000
# (ERANGE) are refused and change nothing.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 300
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_et.sh
source "$(dirname "$0")/lib_et.sh"

PORT=5631
TXM_FLOOR=1600		# adaptive-tx's floor, frames/s (E1KX_TXM_MIN_FRAMES)
ktap_plan 44
unload_e1kx
et_setup || ktap_bail "cannot set up NIC 0 / peer unreachable"
peer_tmp_init || ktap_bail "no host temp dir"
u0=$(et_usecs rx) a0=$(et_adaptive_rx) t0=$(et_adaptive_tx)
trap 'et_iperf_stop $PORT; net_cleanup; ethtool -X "$IF" default >/dev/null 2>&1; ethtool -C "$IF" adaptive-rx off adaptive-tx "${t0:-on}" rx-usecs ${u0:-0} >/dev/null 2>&1' EXIT
et_iperf_server $PORT
echo "# defaults: rx-usecs $u0 tx-usecs $(et_usecs tx) adaptive-rx $a0 adaptive-tx $t0"
ktap_check "adaptive-tx is on by default" test "$t0" = on

itr() { echo $(($1 * 1000 / 256)); }
# eitr_is USECS: EITR of both queue vectors programmed for USECS
eitr_is() {
	et_regs || return 1
	local w
	w=$(itr "$1")
	echo "# EITR0=${ET_REG[EITR0]} EITR1=${ET_REG[EITR1]} (want $w)"
	[ "${ET_REG[EITR0]}" -eq "$w" ] && [ "${ET_REG[EITR1]}" -eq "$w" ]
}
# irq_rate: rxtx interrupts per second while the peer sends a paced UDP
# stream (20 Mbit/s of 1000-byte datagrams, 2500/s, for 5 s) to the guest:
# paced so that an unmoderated guest is not driven into NAPI polling (a
# full-speed TCP stream keeps NAPI polling and interrupts rare whatever
# the moderation).  Sets RATE, VMAX (busiest vector) and PKTS.
irq_rate() {
	local -a b a
	local p0 i out
	mapfile -t b < <(vec_counts)
	p0=$(if_stat "$IF" rx_packets)
	out=$(e1kx-ctl peer --timeout 60 -- "iperf3 -c $G4 -p $PORT -u -b 20M -l 1000 -t 5" 2>&1)
	mapfile -t a < <(vec_counts)
	IPERF_OK=0
	grep -q receiver <<<"$out" && IPERF_OK=1
	grep receiver <<<"$out" | tail -n1 | sed 's/^/# /'
	PKTS=$(($(if_stat "$IF" rx_packets) - p0))
	RATE=0 VMAX=0
	for i in "${!a[@]}"; do
		d=$(((a[i] - b[i]) / 5))
		RATE=$((RATE + d))
		[ $d -gt $VMAX ] && VMAX=$d
	done
	echo "# paced UDP: $RATE irq/s (busiest vector $VMAX/s), $PKTS rx packets"
}
# pg_start: guest pktgen on TX queue 0, 64-byte frames to a MAC nobody
# owns (the host answers nothing, so the interface receives nothing)
pg_start() {
	local pg=/proc/net/pktgen c
	echo "rem_device_all" >$pg/kpktgend_0 && echo "add_device $IF" >$pg/kpktgend_0 || return 1
	for c in "count 0" "pkt_size 60" "delay 0" "clone_skb 1000" \
		"queue_map_min 0" "queue_map_max 0" "dst $P4" "dst_mac 02:00:00:00:00:99"; do
		echo "$c" >"$pg/$IF" || return 1
	done
	echo start >$pg/pgctrl &
	PG_PID=$!
}
pg_stop() {
	echo stop >/proc/net/pktgen/pgctrl
	wait "$PG_PID"
	echo "rem_device_all" >/proc/net/pktgen/kpktgend_0
}
# tx_flood: 3 s of pg_start's flood; sets TXP (frames sent in the last
# 2 s), TXI (rxtx interrupts meanwhile), TXE (the largest of four EITR0
# reads in that window: one read could fall in a sample period that saw a
# stray received frame) and TXR (frames/s, over the window's measured
# length: a slow guest takes longer than its sleeps).
tx_flood() {
	local p0 i0 t0 k
	TXP=0 TXI=0 TXE=-1 TXR=0
	pg_start || return 1
	sleep 1
	p0=$(if_stat "$IF" tx_packets) i0=$(et_irqs) t0=$(date +%s%N)
	for k in 1 2 3 4; do
		sleep 0.5
		et_regs >/dev/null && [ "${ET_REG[EITR0]}" -gt "$TXE" ] && TXE=${ET_REG[EITR0]}
	done
	TXP=$(($(if_stat "$IF" tx_packets) - p0)) TXI=$(($(et_irqs) - i0))
	TXR=$((TXP * 1000000000 / ($(date +%s%N) - t0)))
	pg_stop
	echo "# TX-only flood: $TXP frames ($TXR/s), $TXI rxtx irqs, EITR0 mid-flood up to $TXE"
}
vec_counts() {
	awk -v p="$IF-rxtx-" 'NR == 1 {n = NF} index($NF, p) == 1 {s = 0; for (i = 2; i <= n + 1; i++) s += $i; print s}' /proc/interrupts
}

ethtool -C "$IF" adaptive-rx off rx-usecs 0
ktap_check "-C adaptive-rx off rx-usecs 0 reads back" \
	test "$(et_usecs rx)/$(et_usecs tx)/$(et_adaptive_rx)" = 0/0/off
ktap_check "rx-usecs 0: EITR0/1 = 0" eitr_is 0
irq_rate
r0=$RATE v0=$VMAX
ktap_check "rx-usecs 0: paced UDP iperf3 completed" test "$IPERF_OK" = 1

for u in 50 1000 16776 250; do
	ethtool -C "$IF" rx-usecs $u
	ktap_check "-C rx-usecs $u: rx/tx-usecs read back $u/$u" \
		test "$(et_usecs rx)/$(et_usecs tx)" = $u/$u
	ktap_check "rx-usecs $u: EITR0/1 = $(itr $u)" eitr_is $u
	et_check_ping "rx-usecs $u: ping" 2
done
ethtool -C "$IF" tx-usecs 300
ktap_check "-C tx-usecs 300 alone sets both (300/300)" \
	test "$(et_usecs rx)/$(et_usecs tx)" = 300/300

ethtool -C "$IF" rx-usecs 1000
irq_rate
r1=$RATE v1=$VMAX
ktap_check "rx-usecs 1000: paced UDP iperf3 completed" test "$IPERF_OK" = 1
if [ "$r0" -lt 1500 ]; then
	ktap_skip "rx-usecs 1000: irq rate clearly below rx-usecs 0" \
		"the guest took only $r0 irq/s unmoderated (host too loaded to compare)"
elif [ "$r1" -gt 0 ] && [ $((r1 * 4)) -le $((r0 * 3)) ]; then
	ktap_ok "rx-usecs 1000: $r1 irq/s at least 25% below rx-usecs 0 ($r0 irq/s)"
else
	ktap_fail "rx-usecs 1000: irq rate clearly below rx-usecs 0" "$r1 vs $r0 irq/s"
fi
# QEMU's EITR timer also notifies when it expires, so a vector may see up
# to ~2 interrupts per interval: bound 2 * 1000/s + 10%.
ktap_check "rx-usecs 1000: busiest vector $v1/s <= 2200/s (unmoderated: $v0/s)" test "$v1" -le 2200

# --- invalid values ---------------------------------------------------------
out=$(ethtool -C "$IF" rx-usecs 100 tx-usecs 200 2>&1)
echo "$out" | sed 's/^/#   /'
ktap_check "rx-usecs 100 tx-usecs 200: extack 'share a vector'" \
	grep -q "share a vector" <<<"$out"
et_refused_same "-C rx-usecs 100 tx-usecs 200 refused" ethtool -C "$IF" rx-usecs 100 tx-usecs 200
et_refused_same "-C rx-usecs 100000 refused" ethtool -C "$IF" rx-usecs 100000
ktap_check "rx-usecs 100000: ERANGE" grep -q "out of range" <<<"$ET_OUT"
et_refused_same "-C rx-usecs 16777 refused" ethtool -C "$IF" rx-usecs 16777
ktap_check "after the refusals: EITR0/1 still for 1000 us" eitr_is 1000

# --- adaptive -------------------------------------------------------------
ethtool -C "$IF" adaptive-rx on
ktap_check "-C adaptive-rx on reads back" test "$(et_adaptive_rx)" = on
# light load: 20 pings
i0=$(et_irqs) p0=$(if_stat "$IF" rx_packets)
ping -c 20 -i 0.2 -W 1 "$P4" >/dev/null 2>&1
il=$(($(et_irqs) - i0)) pl=$(($(if_stat "$IF" rx_packets) - p0))
# heavy load, EITR sampled meanwhile
peer_bg ip "iperf3 -c $G4 -p $PORT -P 4 -t 6"
i0=$(et_irqs) p0=$(if_stat "$IF" rx_packets)
seen=
for s in 1 2 3 4 5; do
	sleep 1
	et_regs >/dev/null && seen+="${ET_REG[EITR0]}/${ET_REG[EITR1]} "
done
peer_wait_file ip 30 | grep receiver | tail -n1 | sed 's/^/# /'
ih=$(($(et_irqs) - i0)) ph=$(($(if_stat "$IF" rx_packets) - p0))
echo "# adaptive: ping $pl pkts / $il irqs; iperf3 $ph pkts / $ih irqs; EITR0/1 under load: $seen"
fixed=$(itr 1000)
dimset=0
for v in $seen; do
	[ "${v%/*}" -ne "$fixed" ] || [ "${v#*/}" -ne "$fixed" ] && dimset=1
done
ktap_check "adaptive: net_dim reprogrammed EITR under load (not $fixed)" test $dimset = 1
if [ "$il" -gt 0 ] && [ "$ih" -gt 0 ] && [ "$ph" -gt 1000 ] &&
	[ $((ph * il)) -ge $((4 * pl * ih)) ]; then
	ktap_ok "adaptive: packets per interrupt under iperf3 >= 4x ping's"
else
	ktap_fail "adaptive: packets per interrupt under iperf3 >= 4x ping's" \
		"ping $pl/$il iperf3 $ph/$ih"
fi
et_check_ping "adaptive: ping"
ethtool -C "$IF" adaptive-rx off
ktap_check "-C adaptive-rx off reads back, rx-usecs still 1000" \
	test "$(et_adaptive_rx)/$(et_usecs rx)" = off/1000
ktap_check "adaptive off: EITR0/1 back to 1000 us" eitr_is 1000
et_check_ping "adaptive off: ping"

# --- adaptive-tx ----------------------------------------------------------
ethtool -C "$IF" rx-usecs 0 adaptive-tx off
ktap_check "-C adaptive-tx off reads back" test "$(et_adaptive_tx)" = off
if ! modprobe pktgen 2>/dev/null; then
	for d in "adaptive-tx off: EITR0 stays 0 in a TX-only flood" \
		"-C adaptive-tx on reads back" \
		"adaptive-tx on: EITR0 stretched in a TX-only flood" \
		"adaptive-tx on: frames per interrupt >= 2x adaptive-tx off's" \
		"adaptive-tx on: received frames bring EITR0 back to 0" \
		"adaptive-tx off mid-flood: EITR0 back to 0" \
		"adaptive-tx on again while idle: EITR0 at rx-usecs 0"; do
		ktap_skip "$d" "this kernel has no pktgen module"
	done
else
	tx_flood
	p_off=$TXP i_off=$TXI r_off=$TXR
	ktap_check "adaptive-tx off: EITR0 stays 0 in a TX-only flood" test "$TXE" = 0
	ethtool -C "$IF" adaptive-tx on
	ktap_check "-C adaptive-tx on reads back" test "$(et_adaptive_tx)" = on
	tx_flood
	# adaptive-tx moderates from 64 frames per 40 ms sample (1,600/s) on;
	# a guest that cannot send twice that (a host too loaded to run it:
	# the debug kernel alone sends ~30,000/s here) has no flood to moderate.
	if [ "$r_off" -lt $((2 * TXM_FLOOR)) ] || [ "$TXR" -lt $((2 * TXM_FLOOR)) ]; then
		for d in "adaptive-tx on: EITR0 stretched in a TX-only flood" \
			"adaptive-tx on: frames per interrupt >= 2x adaptive-tx off's"; do
			ktap_skip "$d" "the guest sent only $r_off/s (off) and $TXR/s (on), below 2x adaptive-tx's $TXM_FLOOR/s floor"
		done
	else
		ktap_check "adaptive-tx on: EITR0 stretched in a TX-only flood (1..$(itr 1000))" \
			test "$TXE" -ge 1 -a "$TXE" -le "$(itr 1000)"
		ktap_check "adaptive-tx on: frames per interrupt >= 2x adaptive-tx off's ($TXP/$TXI vs $p_off/$i_off)" \
			test "$p_off" -gt 1000 -a "$TXP" -gt 1000 -a $((TXP * i_off)) -ge $((2 * p_off * TXI))
	fi
	# No ethtool -C between the flood and the received frames: the
	# vector itself must drop its stretch. All RX on queue 0 (vector 0's).
	et_regs >/dev/null && echo "# after the flood: EITR0=${ET_REG[EITR0]}"
	if ethtool -X "$IF" equal 1; then
		peer_bg iptx "iperf3 -c $G4 -p $PORT -P 4 -t 2"
		peer_wait_file iptx 30 | grep receiver | tail -n1 | sed "s/^/# /"
		ktap_check "adaptive-tx on: received frames bring EITR0 back to 0" eitr_is 0
	else
		ktap_fail "adaptive-tx on: received frames bring EITR0 back to 0" \
			"ethtool -X equal 1 (RX on queue 0 only) failed"
	fi
	ethtool -X "$IF" default
	# adaptive-tx off while a flood runs (and keeps sampling)
	if pg_start; then
		sleep 1
		ethtool -C "$IF" adaptive-tx off
		sleep 0.5
		ktap_check "adaptive-tx off mid-flood: EITR0 back to 0" eitr_is 0
		pg_stop
	else
		ktap_fail "adaptive-tx off mid-flood: EITR0 back to 0" "pktgen did not start"
	fi
	# the vectors kept measuring that flood; switching back on while idle
	# must not program the stretch it measured
	ethtool -C "$IF" adaptive-tx on
	ktap_check "adaptive-tx on again while idle: EITR0 at rx-usecs 0" eitr_is 0
fi

ethtool -C "$IF" rx-usecs "${u0:-0}" adaptive-rx "${a0:-off}" adaptive-tx "${t0:-on}"
unload_e1kx
ktap_finish
