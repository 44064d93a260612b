#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Abuse: E1KX_CHAOS_SECS (default 600) of concurrent chaos.  Bidirectional
# iperf3 runs (restarted whenever a run ends) and a reader polls
# /sys statistics and ethtool -S, while a loop applies random settings
# every E1KX_CHAOS_STEP (default 1) seconds: ethtool -G (128..4096, multiple
# of 8), -L combined 1..max, -K of every feature that is not fixed (but
# loopback), -C rx-usecs / adaptive-rx / adaptive-tx, MTU 68..9212, ip
# link down/up and promisc on/off.  The choices come from a fixed seed,
# E1KX_SEED (default 1), printed so that a failure can be replayed.  The
# host tap runs at MTU 9216 throughout, so every guest MTU fits the peer.
#
# Afterwards (every setting restored): the interface is up with carrier,
# ping and a short iperf3 work both ways, the interface counters never went
# backwards during the chaos, no ethtool -S counter is absurd (>= 2^48:
# a wrapped or negative value), rx/tx packets grew, and the TX watchdog
# never fired.  During the chaos at least one iperf3 run a minute started
# and at least half of them completed with data both ways; the only
# settings refused were ethtool -K ... on (a feature that depends on one
# that is off: ethtool reports those as failures), each of which then
# succeeds together with the features it can depend on; turning a
# feature off, and every other change, always succeeds.  Kernel reports
# are caught by the harness's dmesg scan.  The test ends only the
# processes it started, by PID (the host's iperf3 servers too).
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 1500
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

SECS=${E1KX_CHAOS_SECS:-600}
STEP=${E1KX_CHAOS_STEP:-1}
SEED=${E1KX_SEED:-1}
RANDOM=$SEED
TMP=$(mktemp -d /tmp/ab_chaos.XXXXXX)

ktap_plan 12
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
peer "ip link set $PEER_IF mtu 9216" || ktap_bail "cannot set the peer MTU"
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"

# Settings to restore at the end
read -r ring_rx ring_tx < <(ethtool -g "$NET_IF" | awk '/^Current/ { c = 1 }
	c && /^RX:/ { r = $2 } c && /^TX:/ { t = $2 } END { print r, t }')
max_comb=$(ethtool -l "$NET_IF" | awk '/^Pre-set/ { p = 1 } p && /^Combined:/ { print $2; exit }')
comb=$(ethtool -l "$NET_IF" | awk '/^Current/ { c = 1 } c && /^Combined:/ { print $2; exit }')
usecs=$(ethtool -c "$NET_IF" | awk '/^rx-usecs:/ { print $2 }')
adaptive=$(ethtool -c "$NET_IF" | awk '/^Adaptive RX:/ { print $3 }')
adaptive_tx=$(ethtool -c "$NET_IF" | awk '/^Adaptive RX:/ { print $5 }')
declare -A orig=()
feats=()
while read -r f s; do
	[ "$f" = loopback ] && continue
	orig[$f]=$s
	feats+=("$f")
done < <(ethtool -k "$NET_IF" | awk -F': ' '/^[ \t]*[a-z0-9-]+: (on|off)$/ { gsub(/^[ \t]+/, "", $1); print $1, $2 }')

restore() {
	local f
	ip link set "$NET_IF" promisc off mtu 1500 up
	for f in "${feats[@]}"; do ethtool -K "$NET_IF" "$f" "${orig[$f]}" 2>/dev/null; done
	ethtool -G "$NET_IF" rx "$ring_rx" tx "$ring_tx" 2>/dev/null
	ethtool -L "$NET_IF" combined "$comb" 2>/dev/null
	ethtool -C "$NET_IF" adaptive-rx "${adaptive:-off}" adaptive-tx "${adaptive_tx:-on}" \
		rx-usecs "$usecs" 2>/dev/null
}
cleanup() {
	touch "$TMP/stop"
	restore >/dev/null 2>&1
	peer "ip link set $PEER_IF mtu 1500" >/dev/null 2>&1
	peer_kill_servers
	net_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT
echo "# seed $SEED (E1KX_SEED), ${SECS}s, step ${STEP}s; rings $ring_rx/$ring_tx, combined $comb/$max_comb, rx-usecs $usecs adaptive $adaptive"
echo "# togglable features: ${feats[*]}"
ktap_ok "$NET_IF up; ${#feats[@]} togglable features, max combined ${max_comb:-?}"

rx0=$(if_stat "$NET_IF" rx_packets)
tx0=$(if_stat "$NET_IF" tx_packets)

# peer_server PORT: a one-shot iperf3 server on the host (at most 70 s);
# its PID goes to $PEER_TMP/pids.
peer_server() {
	peer "timeout 70 iperf3 -s -1 -B $P4 -p $1 </dev/null >/dev/null 2>&1 & echo \$! >>$PEER_TMP/pids" >/dev/null
}

# End the host's iperf3 servers this test started that still run (by PID;
# a PID whose command line is no longer ours is left alone).
peer_kill_servers() {
	[ -n "$PEER_TMP" ] || return 0
	peer "for p in \$(cat $PEER_TMP/pids 2>/dev/null); do
		tr '\\0' ' ' </proc/\$p/cmdline 2>/dev/null | grep -q '^timeout 70 iperf3 -s -1 -B $P4 ' &&
			kill \$p
	done; true" >/dev/null 2>&1
}

# iperf_ok FILE: an iperf3 --bidir run that moved data both ways.
iperf_ok() {
	[ "$(grep -cE '\[(TX|RX)-[CS]\] .* [1-9][0-9.]* [KMG]?Bytes .*(sender|receiver)' "$1")" -ge 4 ]
}

# iperf3 --bidir, restarted until told to stop; one fresh server per run.
iperf_loop() {
	local n=0 ok=0 port
	while [ ! -e "$TMP/stop" ]; do
		port=$((5900 + n % 50))
		peer_server "$port"
		sleep 1
		if timeout 60 iperf3 -c "$P4" -p "$port" --bidir -t 20 \
			--connect-timeout 5000 >"$TMP/iperf.$((n % 2))" 2>&1 &&
			iperf_ok "$TMP/iperf.$((n % 2))"; then
			ok=$((ok + 1))
		fi
		n=$((n + 1))
		echo "$n $ok" >"$TMP/iperf.count"
	done
}

# Counters never go backwards (a reconfiguration must not lose them).
stats_loop() {
	local -A last=()
	local c v
	while [ ! -e "$TMP/stop" ]; do
		for c in rx_packets tx_packets rx_bytes tx_bytes; do
			v=$(if_stat "$NET_IF" "$c" 2>/dev/null) || continue
			if [ -n "${last[$c]:-}" ] && [ "$v" -lt "${last[$c]}" ]; then
				echo "$c went back: ${last[$c]} -> $v" >>"$TMP/backwards"
			fi
			last[$c]=$v
		done
		ethtool -S "$NET_IF" >/dev/null 2>&1
		sleep 0.5
	done
}

iperf_loop &
ipid=$!
stats_loop &
spid=$!

rand_ring() {
	local -a sizes=(128 256 512 1024 2048 4096)
	if ((RANDOM % 3 == 0)); then
		echo $(((RANDOM % 496 + 16) * 8))
	else
		echo "${sizes[RANDOM % ${#sizes[@]}]}"
	fi
}
rand_mtu() {
	local -a mtus=(68 576 1280 1500 1500 1500 4000 9000 9212)
	if ((RANDOM % 3 == 0)); then
		echo $((68 + (RANDOM * 32768 + RANDOM) % (9212 - 68 + 1)))
	else
		echo "${mtus[RANDOM % ${#mtus[@]}]}"
	fi
}

# on_with_parents F: turn F on together with every feature another one
# can depend on (SG, TX checksums, TSO, RX VLAN stripping, GRO: the
# kernel drops TSO without SG or TX checksums, e1kx drops TX VLAN
# insertion without RX stripping): a refusal that was only a dependency
# must then succeed.
on_with_parents() {
	local -a args=()
	local p
	for p in scatter-gather tx-checksumming tcp-segmentation-offload \
		rx-vlan-offload generic-receive-offload; do
		[ "$p" = "$1" ] || args+=("$p" on)
	done
	ethtool -K "$NET_IF" "${args[@]}" "$1" on >/dev/null 2>&1
}

declare -A ops=()
t0=$SECONDS
while ((SECONDS - t0 < SECS)); do
	case $((RANDOM % 9)) in
	0)	op="ethtool -G $NET_IF rx $(rand_ring) tx $(rand_ring)" ;;
	1)	op="ethtool -L $NET_IF combined $((RANDOM % ${max_comb:-1} + 1))" ;;
	2 | 3)	f=${feats[RANDOM % ${#feats[@]}]}
		op="ethtool -K $NET_IF $f $([ $((RANDOM % 2)) = 0 ] && echo off || echo on)" ;;
	4)	if ((RANDOM % 3 == 0)); then
			op="ethtool -C $NET_IF adaptive-$([ $((RANDOM % 2)) = 0 ] && echo rx || echo tx)"
			op+=" $([ $((RANDOM % 2)) = 0 ] && echo off || echo on)"
		else
			op="ethtool -C $NET_IF adaptive-rx off rx-usecs $((RANDOM % 1000))"
		fi ;;
	5 | 6)	op="ip link set $NET_IF mtu $(rand_mtu)" ;;
	7)	op="ip link set $NET_IF down"
		$op
		ops[down]=$((${ops[down]:-0} + 1))
		sleep "0.$((RANDOM % 10))"
		op="ip link set $NET_IF up" ;;
	8)	op="ip link set $NET_IF promisc $([ $((RANDOM % 2)) = 0 ] && echo off || echo on)" ;;
	esac
	k=${op%% "$NET_IF"*}
	k=${k#ip link set}
	ops[${k:-ip}]=$((${ops[${k:-ip}]:-0} + 1))
	# ethtool -K reports a feature it could not turn on because of another
	# one as a failure; nothing else may be refused.
	if ! $op >/dev/null 2>&1; then
		ops[refused]=$((${ops[refused]:-0} + 1))
		echo "$op" >>"$TMP/refused"
		if [[ "$op" == "ethtool -K $NET_IF "*" on" ]]; then
			f=${op#"ethtool -K $NET_IF "}
			on_with_parents "${f% on}" || echo "${f% on}" >>"$TMP/undue"
		fi
	fi
	sleep "$STEP"
done
touch "$TMP/stop"
summary=
for k in "${!ops[@]}"; do summary+="$k=${ops[$k]} "; done
echo "# chaos ops: $summary"
restore >/dev/null 2>&1
read -r now_rx now_tx < <(ethtool -g "$NET_IF" | awk '/^Current/ { c = 1 }
	c && /^RX:/ { r = $2 } c && /^TX:/ { t = $2 } END { print r, t }')
now_comb=$(ethtool -l "$NET_IF" | awk '/^Current/ { c = 1 } c && /^Combined:/ { print $2; exit }')
now_mtu=$(cat "/sys/class/net/$NET_IF/mtu")
if [ "$now_rx/$now_tx/$now_comb/$now_mtu" = "$ring_rx/$ring_tx/$comb/1500" ]; then
	ktap_ok "settings restored (rings $now_rx/$now_tx, combined $now_comb, MTU 1500)"
else
	ktap_fail "settings restored" "rings $now_rx/$now_tx combined $now_comb MTU $now_mtu"
fi
guest_wait_pid $ipid 90 || kill $ipid 2>/dev/null
guest_wait_pid $spid 10 || kill $spid 2>/dev/null
peer_kill_servers
read -r runs okruns <"$TMP/iperf.count" 2>/dev/null || runs=0 okruns=0
echo "# iperf3 --bidir runs during the chaos: $runs, $okruns completed with data both ways"
tail -n 4 "$TMP/iperf.0" 2>/dev/null | sed 's/^/# /'
if ((runs >= SECS / 60 && runs > 0 && okruns * 2 >= runs)); then
	ktap_ok "iperf3 during the chaos: $okruns of $runs runs completed"
else
	ktap_fail "iperf3 during the chaos: at least $((SECS / 60)) runs, half of them completed" \
		"$okruns of $runs runs completed"
fi
nref=0
[ -s "$TMP/refused" ] && nref=$(wc -l <"$TMP/refused")
sed 's/^/# refused: /' "$TMP/refused" 2>/dev/null | sort | uniq -c | head -n 20
other=$(grep -v "^ethtool -K .* on$" "$TMP/refused" 2>/dev/null | head -n1)
undue=$(sort -u "$TMP/undue" 2>/dev/null | tr '\n' ' ')
if [ -n "$other" ]; then
	ktap_fail "only ethtool -K ... on refused ($nref)" "refused: $other"
elif [ -n "$undue" ]; then
	ktap_fail "each refused ethtool -K ... on granted with its parents on" \
		"still refused: $undue"
else
	ktap_ok "only ethtool -K ... on refused, each granted with its parents on ($nref of ${ops[ethtool -K]:-0} -K changes)"
fi

# Addresses: MTU < 1280 removed the IPv6 address, down/up keeps IPv4.
ip addr flush dev "$NET_IF"
ip addr add "$G4/24" dev "$NET_IF"
ip addr add "$G6/64" dev "$NET_IF" nodad
if wait_carrier "$NET_IF" 15 && [ "$(cat "/sys/class/net/$NET_IF/operstate")" = up ]; then
	ktap_ok "$NET_IF up with carrier after the chaos"
else
	ktap_fail "$NET_IF up with carrier after the chaos"
fi
if wait_ping "$P4" 30 && wait_ping "$P6" 30 &&
	peer "ping -c 3 -i 0.3 -W 3 $G4" >/dev/null; then
	ktap_ok "ping both ways (IPv4 and IPv6) after the chaos"
else
	ktap_fail "ping both ways (IPv4 and IPv6) after the chaos"
fi

iperf_once() { # extra iperf3 args
	local port=$((5960 + RANDOM % 30))
	peer "timeout 60 iperf3 -s -1 -B $P4 -p $port </dev/null >/dev/null 2>&1 &" >/dev/null
	sleep 1
	timeout 50 iperf3 -c "$P4" -p "$port" -t 5 --connect-timeout 5000 "$@" >"$TMP/final" 2>&1
	local rc=$?
	grep -E 'receiver' "$TMP/final" | sed 's/^/# /'
	[ $rc = 0 ] && grep -q receiver "$TMP/final"
}
ktap_check "iperf3 guest -> peer after the chaos" iperf_once
ktap_check "iperf3 peer -> guest after the chaos" iperf_once -R

if [ -s "$TMP/backwards" ]; then
	ktap_fail "interface counters never went backwards" "$(head -n1 "$TMP/backwards")"
else
	ktap_ok "interface counters never went backwards"
fi
rx1=$(if_stat "$NET_IF" rx_packets)
tx1=$(if_stat "$NET_IF" tx_packets)
absurd=$(ethtool -S "$NET_IF" | awk -F': *' 'NR > 1 && ($2 + 0 >= 2^48 || $2 ~ /^-/) { print $1 "=" $2 }' | head -n 3)
echo "# rx_packets $rx0 -> $rx1, tx_packets $tx0 -> $tx1"
ethtool -S "$NET_IF" | grep -E 'queue_._(packets|drops|errors|length_errors|csum_err|alloc_fail)|tx_timeouts|resets|rx_oversize|rx_undersize' | sed 's/^/# /'
if [ -n "$absurd" ]; then
	ktap_fail "ethtool -S counters sane" "$absurd"
elif ((rx1 - rx0 < 1000 || tx1 - tx0 < 1000)); then
	ktap_fail "ethtool -S counters sane" "rx/tx packets barely grew"
else
	ktap_ok "ethtool -S counters sane, rx +$((rx1 - rx0)) tx +$((tx1 - tx0)) packets"
fi
check_no_tx_timeout "$NET_IF"
to=$(ethtool_stat "$NET_IF" tx_timeouts)
if [ "${to:-0}" = 0 ]; then
	ktap_ok "driver tx_timeouts counter is 0"
else
	ktap_fail "driver tx_timeouts counter is 0" "tx_timeouts=$to"
fi

unload_e1kx
ktap_finish
