# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
#
# Datapath helpers for the e1kx dp_*.sh kselftests (sourced after lib.sh).
#
# Setup:    net_tap_setup K        NIC K <-> host tap K; sets NET_IF PEER_IF
#                                  G4 P4 G6 P6 (guest/peer v4/v6 addresses)
#           net_b2b_setup          NICs 0/1 in guest netns dpa/dpb; sets
#                                  IFA IFB A4 B4 A6 B6; nsa/nsb CMD... run there
#           wait_carrier_ns NS IF [SECS]
# Reach:    wait_ping [ip netns exec NS] ADDR [SECS]   (ARP/ND may be slow)
#           peer_wait_ping ADDR [SECS]
# Counters: if_stat IF NAME [NS]   /sys/class/net/IF/statistics/NAME
#           peer_stat IF NAME      same, host netns
#           ethtool_stat IF NAME [NS]  value of one ethtool -S counter, or ""
#           snmp_get PROTO FIELD   /proc/net/snmp (e.g. Udp InCsumErrors)
#           feature_state IF NAME  "on", "off", "on [fixed]", ... or ""
# Host:     peer_tmp_init          PEER_TMP: a private dir on the host,
#                                  removed by net_cleanup
#           peer_bg NAME CMD...    run CMD on the host in the background,
#                                  output to $PEER_TMP/NAME
#           peer_wait_file NAME SECS  wait until the background job's output
#                                  file is non-empty; print it
# RSS:      rss_pick IF DPORT N [--toward Q]
#                                  "BASE N0 N1 Q...": client ports BASE..
#                                  for N TCP flows P4 -> G4:DPORT (iperf3
#                                  -P N --cport BASE) spread over queues 0/1
#                                  (or all toward Q), and the queue the
#                                  Toeplitz hash predicts for each
# Smoke:    net_irq_traffic KIND COUNTFN  ping v4/v6, 8 MiB TCP each way and
#                                  the interrupt count grew (5 results)
# Reports:  tx_timeouts IF          lines of TX watchdog timeouts on IF since
#                                  the test started (the runner fails a
#                                  test on them too)
# Tools:    NETTOOL (tests/tools/nettool.py, same path on guest and host)

NETTOOL="$E1KX_TESTS_DIR/tools/nettool.py"
PEER_TMP=

# net_tap_setup K: load the driver and address NIC K (wiring=tap).
net_tap_setup() {
	local k=${1:-0} h
	h=$(printf %x "$k")
	load_e1kx || return 1
	NET_IF=$(nic_if "$k") || return 1
	PEER_IF=tap$k
	G4=198.18.$k.2
	P4=198.18.$k.1
	G6=2001:db8:$h::2
	P6=2001:db8:$h::1
	ip addr flush dev "$NET_IF"
	ip link set "$NET_IF" up || return 1
	ip addr add "$G4/24" dev "$NET_IF" || return 1
	ip addr add "$G6/64" dev "$NET_IF" nodad || return 1
	wait_carrier "$NET_IF" 15
}

rss_pick() {
	"$E1KX_TESTS_DIR/tools/rss_predict.py" "$1" "$P4" "$G4" "$2" "$3" "${@:4}"
}

nsa() { ip netns exec dpa "$@"; }
nsb() { ip netns exec dpb "$@"; }

# net_b2b_setup: NIC 0 -> netns dpa (198.18.0.2, 2001:db8::2), NIC 1 ->
# netns dpb (198.18.0.3, 2001:db8::3); both on the host bridge br0.
net_b2b_setup() {
	load_e1kx || return 1
	IFA=$(nic_if 0) || return 1
	IFB=$(nic_if 1) || return 1
	A4=198.18.0.2 B4=198.18.0.3 A6=2001:db8::2 B6=2001:db8::3
	ip netns del dpa 2>/dev/null
	ip netns del dpb 2>/dev/null
	ip netns add dpa || return 1
	ip netns add dpb || return 1
	ip link set "$IFA" netns dpa || return 1
	ip link set "$IFB" netns dpb || return 1
	nsa ip link set lo up
	nsb ip link set lo up
	nsa ip link set "$IFA" up || return 1
	nsb ip link set "$IFB" up || return 1
	nsa ip addr add "$A4/24" dev "$IFA" || return 1
	nsb ip addr add "$B4/24" dev "$IFB" || return 1
	nsa ip addr add "$A6/64" dev "$IFA" nodad || return 1
	nsb ip addr add "$B6/64" dev "$IFB" nodad || return 1
	wait_carrier_ns dpa "$IFA" 15 && wait_carrier_ns dpb "$IFB" 15
}

# wait_carrier_ns NS IF [SECS]: wait_carrier for a netdev in netns NS.
wait_carrier_ns() {
	local i
	for ((i = 0; i < ${3:-10} * 5; i++)); do
		[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null)" = 1 ] &&
			return 0
		sleep 0.2
	done
	return 1
}

# Move the b2b ports back and drop the guest netns.
net_b2b_cleanup() {
	ip netns del dpa 2>/dev/null
	ip netns del dpb 2>/dev/null
	sleep 1
}

# wait_ping [ip netns exec NS] ADDR [SECS]: one reply within SECS (default
# 30) -- the first one may wait for ARP/ND resolution under TCG.
wait_ping() {
	local -a pre=()
	if [ "$1" = ip ]; then
		pre=("$1" "$2" "$3" "$4")
		shift 4
	fi
	local addr=$1 secs=${2:-30} t0=$SECONDS
	while ((SECONDS - t0 < secs)); do
		"${pre[@]}" ping -c 1 -W 2 "$addr" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}

peer_wait_ping() {
	e1kx-ctl peer --timeout $((${2:-30} + 10)) -- \
		"t=0; while [ \$t -lt ${2:-30} ]; do ping -c 1 -W 2 $1 >/dev/null 2>&1 && exit 0; sleep 1; t=\$((t + 2)); done; exit 1"
}

if_stat() {
	if [ -n "${3:-}" ]; then
		ip netns exec "$3" cat "/sys/class/net/$1/statistics/$2"
	else
		cat "/sys/class/net/$1/statistics/$2"
	fi
}

peer_stat() {
	peer "cat /sys/class/net/$1/statistics/$2"
}

ethtool_stat() {
	local -a pre=()
	[ -n "${3:-}" ] && pre=(ip netns exec "$3")
	"${pre[@]}" ethtool -S "$1" 2>/dev/null |
		awk -v n="$2" -F: '{gsub(/^[ \t]+/, "", $1)} $1 == n {gsub(/ /, "", $2); print $2; exit}'
}

# snmp_get PROTO FIELD: e.g. snmp_get Udp InCsumErrors.
snmp_get() {
	awk -v p="$1:" -v f="$2" '$1 == p { if (!h) { for (i = 2; i <= NF; i++) if ($i == f) c = i; h = 1 } else { print $c; exit } }' /proc/net/snmp
}

# feature_state IF NAME [NS]: state of an ethtool -k feature (long name).
feature_state() {
	local -a pre=()
	[ -n "${3:-}" ] && pre=(ip netns exec "$3")
	"${pre[@]}" ethtool -k "$1" 2>/dev/null |
		sed -n "s/^$2: //p" | head -n1
}

# feature_fixed IF NAME [NS]: true if the feature can't be toggled.
feature_fixed() {
	local s
	s=$(feature_state "$@")
	[ -z "$s" ] || [[ "$s" == *fixed* ]]
}

peer_tmp_init() {
	PEER_TMP=$(peer 'mktemp -d /tmp/e1kx-dp.XXXXXX') || return 1
	[ -n "$PEER_TMP" ]
}

# peer_bg NAME CMD: background host job, stdout+stderr to $PEER_TMP/NAME.
peer_bg() {
	local name=$1
	shift
	peer "{ ($*) >$PEER_TMP/$name.tmp 2>&1; mv $PEER_TMP/$name.tmp $PEER_TMP/$name; } </dev/null >/dev/null 2>&1 &"
}

# peer_wait_file NAME SECS: wait for a peer_bg job to finish; print output.
peer_wait_file() {
	e1kx-ctl peer --timeout $(($2 + 10)) -- \
		"t=0; while [ ! -e $PEER_TMP/$1 ] && [ \$t -lt $(($2 * 5)) ]; do sleep 0.2; t=\$((t + 1)); done; cat $PEER_TMP/$1"
}

# guest_wait_pid PID SECS: wait for a guest background job to exit.
guest_wait_pid() {
	local pid=$1 secs=$2 t0=$SECONDS
	while kill -0 "$pid" 2>/dev/null && ((SECONDS - t0 < secs)); do
		sleep 0.2
	done
	! kill -0 "$pid" 2>/dev/null
}

net_cleanup() {
	[ -n "$PEER_TMP" ] && peer "rm -rf $PEER_TMP" >/dev/null 2>&1
	PEER_TMP=
}

# hash_xfer_out: "BYTES SHA" from nettool output (last line matching).
xfer_result() {
	grep -E '^[0-9]+ [0-9a-f]{64}$' | tail -n1
}

# xfer_to_peer ADDR PORT NBYTES SECS [OPTION...]: guest sends NBYTES over
# TCP to the peer's ADDR (OPTIONs go to nettool.py tcp-send); true if the
# peer received exactly them (sha256 compared).
xfer_to_peer() {
	local addr=$1 port=$2 n=$3 secs=$4 s r
	shift 4
	peer_bg "rx$port" "timeout $secs python3 $NETTOOL tcp-recv $port --bind $addr --timeout $secs"
	s=$(timeout "$secs" python3 "$NETTOOL" tcp-send "$addr" "$port" "$n" --seed "$port" "$@" | xfer_result)
	r=$(peer_wait_file "rx$port" 30 | xfer_result)
	echo "# guest->peer [$addr]:$port sent: ${s:-none} recv: ${r:-none}"
	[ -n "$s" ] && [ "$s" = "$r" ] && [ "${s%% *}" = "$n" ]
}

# xfer_from_peer ADDR PORT NBYTES SECS: the peer sends NBYTES over TCP to
# the guest's ADDR; true if the guest received exactly them.
xfer_from_peer() {
	local addr=$1 port=$2 n=$3 secs=$4 s r pid out
	out=$(mktemp)
	timeout "$secs" python3 "$NETTOOL" tcp-recv "$port" --bind "$addr" --timeout "$secs" >"$out" 2>&1 &
	pid=$!
	s=$(e1kx-ctl peer --timeout "$secs" -- "python3 $NETTOOL tcp-send $addr $port $n --seed $port" | xfer_result)
	wait "$pid"
	r=$(xfer_result <"$out")
	rm -f "$out"
	echo "# peer->guest [$addr]:$port sent: ${s:-none} recv: ${r:-none}"
	[ -n "$s" ] && [ "$s" = "$r" ] && [ "${s%% *}" = "$n" ]
}

# net_irq_traffic KIND COUNTFN: five KTAP results on the NIC net_tap_setup
# brought up: IPv4 ping guest -> peer, IPv6 ping peer -> guest, 8 MiB over
# TCP each way intact, and the KIND interrupt count (printed by COUNTFN)
# grew with that traffic.
net_irq_traffic() {
	local kind=$1 countfn=$2 n=$((8 * 1024 * 1024)) c0 c1

	c0=$($countfn)
	if wait_ping "$P4" 30 && ping -c 5 -i 0.2 -W 3 "$P4" >/dev/null; then
		ktap_ok "IPv4 ping guest -> peer (5/5)"
	else
		ktap_fail "IPv4 ping guest -> peer (5/5)"
	fi
	if peer "ping -c 5 -i 0.2 -W 3 $G6" >/dev/null ||
		{ peer_wait_ping "$G6" 30 && peer "ping -c 5 -i 0.2 -W 3 $G6" >/dev/null; }; then
		ktap_ok "IPv6 ping peer -> guest (5/5)"
	else
		ktap_fail "IPv6 ping peer -> guest (5/5)"
	fi
	ktap_check "TCP 8 MiB guest -> peer intact" xfer_to_peer "$P4" 5601 $n 300
	ktap_check "TCP 8 MiB peer -> guest intact" xfer_from_peer "$G4" 5602 $n 300
	c1=$($countfn)
	if [ $((c1 - c0)) -gt 10 ]; then
		ktap_ok "$kind count grew with traffic (+$((c1 - c0)))"
	else
		ktap_fail "$kind count grew with traffic" "+$((c1 - c0))"
	fi
}

tx_timeouts() {
	dmesg_since "$E1KX_TEST_MARK" | grep -E "$1.*($E1KX_TX_TIMEOUT_RE)" || true
}

# KTAP result: the TX watchdog never fired on IF during the test
check_no_tx_timeout() {
	local to
	to=$(tx_timeouts "$1")
	if [ -z "$to" ]; then
		ktap_ok "no TX watchdog timeout on $1"
	else
		ktap_fail "no TX watchdog timeout on $1" "$(echo "$to" | head -n1)"
	fi
}
