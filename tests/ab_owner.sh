#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Abuse: everything that resets or reprograms the MAC and the PHY, at the
# same time, for E1KX_OWNER_SECS (default 90) under traffic:
#   - offline self-tests (ethtool -t: MAC reset, register/NVM/interrupt/
#     loopback tests, MAC reset again), back to back;
#   - link flaps from the host (QEMU set_link off/on);
#   - PHY reprogramming: forced 100/full (BMCR soft reset), autoneg on
#     again, ethtool -r;
#   - the PHY lock-up check: fault_inject bit 5 makes the watchdog read
#     saturated PHY error counts, so the reset task resets MAC and PHY;
#   - statistics readers (ip -s link, ethtool -S) throughout;
# while iperf3 sends guest -> peer and the peer pings the guest.
# The driver gives the MAC/PHY control registers one owner at a time; the
# debug kernel's lockdep and KASAN watch the overlap (the runner fails the
# test on any kernel report, a TX watchdog timeout included).
#
# Checked: every self-test returned a verdict (no error, no hang), every
# PHY command succeeded, every flap's carrier went and came back, every
# armed PHY lock-up was cured by a reset, the interface counters never went
# backwards; afterwards autoneg 1000/full is back, ping, a clean iperf3 run
# and a passing self-test.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 600
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_ev.sh
source "$(dirname "$0")/lib_ev.sh"

SECS=${E1KX_OWNER_SECS:-90}
PHY_HANG=32	# E1KX_FAULT_PHY_HANG
TMP=$(mktemp -d /tmp/ab_owner.XXXXXX)
PIDS=()

ktap_plan 11
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
IF=$NET_IF
ev_fault_init
FAULT=$EV_FAULT
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	echo 0 >"$FAULT"
	ctl hmp "set_link net0 on" >/dev/null 2>&1
	ethtool -s "$IF" autoneg on >/dev/null 2>&1
	rm -rf "$TMP"
	net_cleanup
}
trap cleanup EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"
ktap_ok "$IF up, peer reachable"

end=$((SECONDS + SECS))

# Offline self-tests: each prints "rc verdict" (verdict PASS or FAIL: a
# test may fail while the host holds the link down; an error or a hang may
# not).
selftests() {
	local out rc
	while ((SECONDS < end)); do
		out=$(timeout 60 ethtool -t "$IF" offline 2>&1)
		rc=$?
		if grep -q 'result is PASS' <<<"$out"; then
			echo "$rc PASS"
		elif grep -q 'result is FAIL' <<<"$out"; then
			echo "$rc FAIL"
		else
			echo "$rc ERROR $(head -n1 <<<"$out")"
		fi
		sleep 1
	done >"$TMP/selftest"
}

# PHY reprogramming: forced 100/full, autoneg on, restart autoneg
phy_churn() {
	local i=0 rc
	while ((SECONDS < end)); do
		case $((i % 3)) in
		0) ethtool -s "$IF" speed 100 duplex full autoneg off ;;
		1) ethtool -s "$IF" autoneg on ;;
		2) ethtool -r "$IF" ;;
		esac >/dev/null 2>&1
		rc=$?
		echo "$((i % 3)) $rc"
		i=$((i + 1))
		sleep 2
	done >"$TMP/phy"
}

# The PHY lock-up check: arm, wait for the reset to clear it (20 s at most)
phy_hangs() {
	local t
	while ((SECONDS < end - 20)); do
		echo $PHY_HANG >"$FAULT"
		t=$SECONDS
		while (($(cat "$FAULT") & PHY_HANG)) && ((SECONDS - t < 20)); do
			sleep 0.5
		done
		if (($(cat "$FAULT") & PHY_HANG)); then
			echo "stuck"
		else
			echo "cured $((SECONDS - t))"
		fi
		sleep 5
	done >"$TMP/hang"
}

# Counters never go backwards: rx/tx packets from ip -s, ethtool -S read too
stats_reader() {
	local rx tx lrx=0 ltx=0 back=0 n=0
	while ((SECONDS < end)); do
		rx=$(if_stat "$IF" rx_packets)
		tx=$(if_stat "$IF" tx_packets)
		ethtool -S "$IF" >/dev/null 2>&1
		ip -s -s link show "$IF" >/dev/null 2>&1
		if ((rx < lrx || tx < ltx)); then
			back=$((back + 1))
			echo "# counters went back: rx $lrx -> $rx, tx $ltx -> $tx"
		fi
		lrx=$rx ltx=$tx n=$((n + 1))
		sleep 0.3
	done >"$TMP/stats.log"
	echo "$n $back" >"$TMP/stats"
}

# shellcheck disable=SC2317 # run through ktap_check
link_ok() {
	local s
	wait_carrier "$IF" 15 || return 1
	s=$(ethtool "$IF" 2>/dev/null)
	echo "# $(grep -E 'Speed|Duplex|Auto-negotiation' <<<"$s" | tr -d '\t' | tr '\n' ' ')"
	grep -q 'Speed: 1000Mb/s' <<<"$s" && grep -q 'Duplex: Full' <<<"$s" &&
		grep -q 'Auto-negotiation: on' <<<"$s"
}

# shellcheck disable=SC2317 # run through ktap_check
selftest_pass() {
	local out
	out=$(ethtool -t "$IF" offline 2>&1)
	if ! grep -q 'result is PASS' <<<"$out"; then
		printf '# %s\n' "${out//$'\n'/$'\n'# }"
		return 1
	fi
	wait_carrier "$IF" 15
}

rs0=$(ev_stat resets)
ev_iperf_start 5951 "$SECS" -P 2
peer_bg ping "timeout $((SECS + 10)) ping -q -i 0.05 -w $((SECS + 5)) $G4"
selftests &
PIDS+=($!)
phy_churn &
PIDS+=($!)
phy_hangs &
PIDS+=($!)
stats_reader &
PIDS+=($!)
flaps=$(ev_flaps "$IF" $((SECS / 2)))
for p in "${PIDS[@]}"; do
	guest_wait_pid "$p" $((end - SECONDS + 90)) || kill "$p" 2>/dev/null
	wait "$p" 2>/dev/null
done
PIDS=()
ev_iperf_wait 120
echo "# iperf3 during the churn: $(ev_iperf_summary)"
echo "# peer ping of the guest: $(peer_wait_file ping 30 | grep -E 'transmitted|rtt')"
echo 0 >"$FAULT"
ctl hmp "set_link net0 on" >/dev/null

st=$(cat "$TMP/selftest" 2>/dev/null)
n=$(grep -c . <<<"$st")
npass=$(grep -c ' PASS$' <<<"$st")
nerr=$(grep -vcE '^[0-9]+ (PASS|FAIL)$' <<<"$st")
echo "# self-tests: $n run, $npass passed, $((n - npass - nerr)) failed, $nerr errors"
grep -vE '^[0-9]+ (PASS|FAIL)$' <<<"$st" | head -n3 | sed 's/^/# /'
if ((n >= 3 && nerr == 0)); then
	ktap_ok "$n offline self-tests under the churn each returned a verdict"
else
	ktap_fail "offline self-tests under the churn each returned a verdict" "$n run, $nerr errors"
fi

phy=$(cat "$TMP/phy" 2>/dev/null)
np=$(grep -c . <<<"$phy")
pbad=$(awk '$2 != 0' <<<"$phy" | grep -c .)
if ((np >= 6 && pbad == 0)); then
	ktap_ok "$np PHY commands (forced 100/full, autoneg on, ethtool -r) succeeded"
else
	ktap_fail "PHY commands succeeded" "$np run, $pbad failed: $(awk '$2 != 0' <<<"$phy" | head -n3 | tr '\n' ' ')"
fi

echo "# link flaps: $flaps"
lost=$(sed -nE 's/.*lost=([0-9]+).*/\1/p' <<<"$flaps")
back=$(sed -nE 's/.*back=([0-9]+).*/\1/p' <<<"$flaps")
if [ -n "$lost" ] && ((lost == SECS / 2 && back == SECS / 2)); then
	ktap_ok "$lost link flaps: carrier went and came back every time"
else
	ktap_fail "link flaps: carrier went and came back every time" "${flaps:-no result}"
fi

hang=$(cat "$TMP/hang" 2>/dev/null)
nh=$(grep -c . <<<"$hang")
ncured=$(grep -c '^cured' <<<"$hang")
rs1=$(ev_stat resets)
echo "# PHY lock-ups armed $nh, cured $ncured; resets $rs0 -> $rs1"
if ((nh >= 2 && ncured == nh && rs1 - rs0 >= nh)); then
	ktap_ok "$nh injected PHY lock-ups each cured by a reset"
else
	ktap_fail "injected PHY lock-ups each cured by a reset" "armed $nh, cured $ncured, resets +$((rs1 - rs0))"
fi

read -r ns nback <"$TMP/stats" 2>/dev/null
head -n3 "$TMP/stats.log" 2>/dev/null
if [ -n "${ns:-}" ] && ((ns >= 20 && nback == 0)); then
	ktap_ok "$ns statistics reads, no counter went backwards"
else
	ktap_fail "statistics reads, no counter went backwards" "reads ${ns:-0}, backwards ${nback:-?}"
fi

ktap_check "iperf3 moved data during the churn" \
	test "$(ev_iperf_summary | sed -nE 's/^bytes=([0-9]+).*/\1/p')" -gt 0

ethtool -s "$IF" autoneg on >/dev/null 2>&1
ktap_check "afterwards: carrier, autoneg on, 1000/full" link_ok
ktap_check "afterwards: ping $P4" wait_ping "$P4" 30
ktap_check "afterwards: clean 10 s iperf3 run" ev_iperf_once 5952 10
ktap_check "afterwards: offline self-test passes" selftest_pass
ktap_finish
