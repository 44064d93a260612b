#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress: E1KX_STRESS_SECS (default 600) of bidirectional iperf3 guest <->
# peer while, every E1KX_STRESS_STEP (default 3) seconds, a random offload is
# toggled with ethtool -K or the link is flapped (QEMU set_link off/on); the
# choices come from a fixed seed (E1KX_STRESS_SEED, default 1).  iperf3 must
# finish, afterwards (features restored) ping and TCP transfers both ways
# must work, and no TX watchdog timeout may have fired.  Kernel reports are caught by the harness's dmesg check.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 900
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

SECS=${E1KX_STRESS_SECS:-600}
STEP=${E1KX_STRESS_STEP:-3}
RANDOM=${E1KX_STRESS_SEED:-1}
N=$((4 * 1024 * 1024))
ktap_plan 7
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"

# Togglable features: ethtool -K name and ethtool -k long name.
declare -A long=([rx]=rx-checksumming [tx]=tx-checksumming [sg]=scatter-gather
	[tso]=tcp-segmentation-offload [gso]=generic-segmentation-offload
	[gro]=generic-receive-offload [rxvlan]=rx-vlan-offload
	[txvlan]=tx-vlan-offload [rxhash]=receive-hashing
	[rx-vlan-filter]=rx-vlan-filter)
declare -A orig=()
feats=()
for f in rx tx sg tso gso gro rxvlan txvlan rxhash rx-vlan-filter; do
	feature_fixed "$NET_IF" "${long[$f]}" && continue
	s=$(feature_state "$NET_IF" "${long[$f]}")
	orig[$f]=${s%% *}
	feats+=("$f")
done
restore() {
	local f
	for f in "${feats[@]}"; do ethtool -K "$NET_IF" "$f" "${orig[$f]}" >/dev/null 2>&1; done
	ctl hmp "set_link net0 on" >/dev/null
}
trap 'restore; net_cleanup' EXIT
echo "# togglable: ${feats[*]}; ${SECS}s, step ${STEP}s, seed ${E1KX_STRESS_SEED:-1}"
ktap_ok "$NET_IF up; ${#feats[@]} togglable features"

peer_bg iperf "iperf3 -s -1 -B $P4 -p 5801"
sleep 1
iperf3 -c "$P4" -p 5801 --bidir -t "$SECS" -i 30 >/tmp/dp_stress.iperf 2>&1 &
ipid=$!
sleep "$STEP"
flaps=0 toggles=0
t0=$SECONDS
while ((SECONDS - t0 < SECS - 2 * STEP)) && kill -0 $ipid 2>/dev/null; do
	if ((RANDOM % 4 == 0)) || [ ${#feats[@]} = 0 ]; then
		ctl hmp "set_link net0 off" >/dev/null
		sleep 1
		ctl hmp "set_link net0 on" >/dev/null
		flaps=$((flaps + 1))
	else
		f=${feats[RANDOM % ${#feats[@]}]}
		v=$([ $((RANDOM % 2)) = 0 ] && echo off || echo on)
		ethtool -K "$NET_IF" "$f" "$v" >/dev/null 2>&1
		toggles=$((toggles + 1))
	fi
	sleep "$STEP"
done
restore
echo "# $flaps link flaps, $toggles ethtool -K toggles"
guest_wait_pid $ipid $((STEP * 2 + 60))
wait $ipid
rc=$?
grep -E 'sender|receiver|error' /tmp/dp_stress.iperf | sed 's/^/# /'
if [ $rc = 0 ] && [ $((flaps + toggles)) -gt 0 ]; then
	ktap_ok "bidirectional iperf3 survived $flaps flaps and $toggles toggles"
else
	ktap_fail "bidirectional iperf3 survived flaps and toggles" "iperf3 exit $rc; $(tail -n1 /tmp/dp_stress.iperf)"
fi

wait_carrier "$NET_IF" 15
ktap_check "ping $P4 after stress" wait_ping "$P4" 30
ktap_check "ping $P6 after stress" wait_ping "$P6" 30
ktap_check "TCP 4 MiB guest -> peer intact after stress" xfer_to_peer "$P4" 5802 $N 120
ktap_check "TCP 4 MiB peer -> guest intact after stress" xfer_from_peer "$G4" 5803 $N 120
# A flap takes carrier away for ~1.5 s; the stack never waits 5 s for a TX
# queue with carrier on unless the driver failed to wake or complete it.
dmesg_since "$E1KX_TEST_MARK" | grep -E "$NET_IF: (link|reset|NETDEV)" | tail -n 20 | sed 's/^/# /'
check_no_tx_timeout "$NET_IF"

unload_e1kx
ktap_finish
