#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool -g/-G: ring sizes 128..4096 (multiple of 8) for RX and TX read
# back, reach the hardware (RDLEN0/1 = rx*16, TDLEN0/1 = tx*16 in the raw
# register dump), apply while the interface is running (under a ping
# stream) and while it is down; traffic flows after every change.  Invalid
# sizes are refused (extack text for rx 3) and leave rings, registers and
# all other settings exactly as they were.
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

SIZES="128:4096 4096:128 1024:256"
BAD="rx:3 rx:0 rx:130 rx:4104 tx:64 tx:4097"
nsz=$(wc -w <<<"$SIZES")
nbad=$(wc -w <<<"$BAD")
ktap_plan $((4 + nsz * 3 + 4 + 1 + nbad * 3 + 2))
unload_e1kx
et_setup || ktap_bail "cannot set up NIC 0 / peer unreachable"
pingpid=
trap '[ -n "$pingpid" ] && kill $pingpid 2>/dev/null; ethtool -G "$IF" rx $rx0 tx $tx0 >/dev/null 2>&1' EXIT

rx0=$(et_ring rx) tx0=$(et_ring tx)
echo "# default rings rx=$rx0 tx=$tx0, combined $(et_combined)"
max=$(ethtool -g "$IF" | awk '/^Pre-set/ {c = 1} /^Current/ {c = 0} c && $1 == "RX:" {r = $2} c && $1 == "TX:" {t = $2} END {print r "/" t}')
if [ "$max" = 4096/4096 ]; then
	ktap_ok "pre-set maximums rx/tx 4096/4096"
else
	ktap_fail "pre-set maximums rx/tx 4096/4096" "got $max"
fi
if [ -n "$rx0" ] && [ -n "$tx0" ] && ((rx0 >= 128 && rx0 <= 4096 && rx0 % 8 == 0 &&
	tx0 >= 128 && tx0 <= 4096 && tx0 % 8 == 0)); then
	ktap_ok "default rings in range ($rx0/$tx0)"
else
	ktap_fail "default rings in range" "rx=$rx0 tx=$tx0"
fi

# ring_regs RX TX: the dump's ring lengths match (both queues if 2 in use).
ring_regs() {
	local q want_r=$(($1 * 16)) want_t=$(($2 * 16)) nq
	nq=$(et_combined)
	et_regs || return 1
	for ((q = 0; q < ${nq:-1}; q++)); do
		if [ "${ET_REG[RDLEN$q]}" -ne $want_r ] || [ "${ET_REG[TDLEN$q]}" -ne $want_t ]; then
			echo "# queue $q: RDLEN=${ET_REG[RDLEN$q]} (want $want_r) TDLEN=${ET_REG[TDLEN$q]} (want $want_t)"
			return 1
		fi
	done
}
ktap_check "registers match the default rings" ring_regs "$rx0" "$tx0"
et_check_ping "ping with the default rings"

# Change sizes while running, with a ping stream (5/s) in the background.
for s in $SIZES; do
	r=${s%:*} t=${s#*:}
	ping -i 0.2 -W 1 "$P4" >/dev/null 2>&1 &
	pingpid=$!
	ethtool -G "$IF" rx "$r" tx "$t"
	rc=$?
	sleep 0.5
	kill $pingpid 2>/dev/null
	wait $pingpid 2>/dev/null
	pingpid=
	got="$(et_ring rx)/$(et_ring tx)"
	if [ $rc -eq 0 ] && [ "$got" = "$r/$t" ]; then
		ktap_ok "-G rx $r tx $t (running) reads back"
	else
		ktap_fail "-G rx $r tx $t (running) reads back" "rc=$rc got $got"
	fi
	ktap_check "rx $r tx $t: RDLEN/TDLEN in the register dump" ring_regs "$r" "$t"
	et_check_ping "rx $r tx $t: ping after the change" 5
done

# A short TCP run with the largest rings (both directions of the ring).
iperf3 -s -D -1 -B "$G4" -p 5611 -I /tmp/et_ring.pid >/dev/null 2>&1
sleep 0.5
ethtool -G "$IF" rx 4096 tx 4096
out=$(e1kx-ctl peer --timeout 60 -- "iperf3 -c $G4 -p 5611 -t 3 -R" 2>&1)
echo "$out" | grep -E 'receiver' | sed 's/^/# /'
if grep -q receiver <<<"$out"; then
	ktap_ok "rx/tx 4096: 3 s iperf3 guest->peer completes"
else
	ktap_fail "rx/tx 4096: 3 s iperf3 guest->peer completes" "$(tail -n1 <<<"$out")"
fi

# Change while down: applies at the next up.
ip link set "$IF" down
ethtool -G "$IF" rx 256 tx 512
rc=$?
got="$(et_ring rx)/$(et_ring tx)"
ip link set "$IF" up
wait_carrier "$IF" 15
if [ $rc -eq 0 ] && [ "$got" = 256/512 ]; then
	ktap_ok "-G rx 256 tx 512 while down reads back"
else
	ktap_fail "-G rx 256 tx 512 while down reads back" "rc=$rc got $got"
fi
ktap_check "after up: RDLEN/TDLEN match 256/512" ring_regs 256 512
et_check_ping "ping after up with 256/512" 5

# Invalid sizes: refused, nothing changes (settings and ring registers).
ethtool -G "$IF" rx 1024 tx 2048
out=$(ethtool -G "$IF" rx 3 2>&1)
echo "$out" | sed 's/^/#   /'
if grep -q "ring sizes must be 128..4096 and a multiple of 8" <<<"$out"; then
	ktap_ok "-G rx 3: extack 'ring sizes must be 128..4096 and a multiple of 8'"
else
	ktap_fail "-G rx 3: extack message" "got: $out"
fi
for b in $BAD; do
	d=${b%:*} v=${b#*:}
	et_refused_same "-G $d $v refused" ethtool -G "$IF" "$d" "$v"
	ktap_check "-G $d $v: RDLEN/TDLEN still 1024/2048" ring_regs 1024 2048
done
et_check_ping "ping after the refused sizes" 5

ethtool -G "$IF" rx "$rx0" tx "$tx0"
got="$(et_ring rx)/$(et_ring tx)"
if [ "$got" = "$rx0/$tx0" ]; then
	ktap_ok "restore default rings $rx0/$tx0"
else
	ktap_fail "restore default rings" "got $got"
fi
unload_e1kx
ktap_finish
