#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool -l/-L, -x/-X, -n/-N rx-flow-hash.
#  - channels: max combined 2 / other 1; combined 1 puts all RX on queue 0
#    (rx_queue_1_* leave ethtool -S); combined 2 spreads 8 flows again;
#    combined 0/5, rx/tx counts and other 0 are refused, nothing changes.
#  - RSS: 40-byte key, 128-entry table; "equal 1" moves 8 flows to queue 0,
#    "weight 1 1" spreads them; a written key reads back and steers a flow
#    to the queue its Toeplitz hash predicts; hfunc xor and a
#    short key are refused; a table pointing at queue 1 is refused while
#    only one channel exists.
#  - rx-flow-hash: tcp4/tcp6 sd <-> sdfn read back and reach MRQC; with
#    tcp4 "sd" 8 flows between the same two hosts land on one queue;
#    udp4 sd accepted, udp4 sdfn refused (and logged), unchanged.
# Traffic (ping or iperf3) after every change.  The iperf3 client ports are
# chosen from the reported key and table (tools/rss_predict.py, see dp_rss.sh)
# so that "spread" outcomes do not depend on the per-boot random key.
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

PORT=5621
ktap_plan 53
unload_e1kx
et_setup || ktap_bail "cannot set up NIC 0 / peer unreachable"
trap 'et_iperf_stop $PORT' EXIT
et_iperf_server $PORT

# --- channels -------------------------------------------------------------
l=$(ethtool -l "$IF" 2>/dev/null)
echo "$l" | sed 's/^/#   /'
mx=$(awk '/^Pre-set/ {c = 1} /^Current/ {c = 0} c && $1 == "Combined:" {a = $2} c && $1 == "Other:" {b = $2} END {print a "/" b}' <<<"$l")
cur=$(awk '/^Current/ {c = 1} c && $1 == "Combined:" {a = $2} c && $1 == "Other:" {b = $2} END {print a "/" b}' <<<"$l")
if [ "$mx" = 2/1 ] && [ "$cur" = 2/1 ]; then
	ktap_ok "-l: max combined/other 2/1, current 2/1 (MSI-X)"
else
	ktap_fail "-l: max combined/other 2/1, current 2/1" "max $mx current $cur"
fi

ethtool -L "$IF" combined 1
ktap_check "-L combined 1 reads back" test "$(et_combined)" = 1
if [ -z "$(ethtool_stat "$IF" rx_queue_1_packets)" ] && [ -z "$(ethtool_stat "$IF" tx_queue_1_packets)" ]; then
	ktap_ok "combined 1: rx/tx_queue_1_* gone from ethtool -S"
else
	ktap_fail "combined 1: rx/tx_queue_1_* gone from ethtool -S" "still listed"
fi
et_iperf_rx $PORT 8 4
if [ "$IPERF_OK" = 1 ] && [ "$D0" -gt 1000 ]; then
	ktap_ok "combined 1: 8 flows received on queue 0 (+$D0)"
else
	ktap_fail "combined 1: 8 flows received on queue 0" "iperf ok=$IPERF_OK rx_queue_0 +$D0"
fi
before=$(et_state)
et_refused "combined 1: -X weight 1 1 (queue 1 absent) refused" ethtool -X "$IF" weight 1 1
ktap_check "combined 1: indirection table unchanged" test "$before" = "$(et_state)"
for bad in "combined 5" "combined 3" "combined 0" "rx 1" "tx 1" "other 0" "other 2"; do
	# shellcheck disable=SC2086
	et_refused_same "-L $bad refused (combined 1)" ethtool -L "$IF" $bad
done
et_check_ping "ping with combined 1"

ethtool -L "$IF" combined 2
ktap_check "-L combined 2 reads back" test "$(et_combined)" = 2
ktap_check "combined 2: rx_queue_1_packets back in ethtool -S" \
	test -n "$(ethtool_stat "$IF" rx_queue_1_packets)"
et_iperf_rx $PORT 8 4
ktap_check "combined 2: 8 flows spread over both queues (+$D0/+$D1)" et_spread

# --- RSS table and key ----------------------------------------------------
x=$(ethtool -x "$IF" 2>/dev/null)
nind=$(awk '/^ *[0-9]+:/ {n += NF - 1} END {print n + 0}' <<<"$x")
key=$(awk '/^RSS hash key:/ {getline; print; exit}' <<<"$x")
nkey=$(tr ':' '\n' <<<"$key" | grep -c '^[0-9a-f][0-9a-f]$')
ktap_check "-x: 128-entry indirection table (got $nind)" test "$nind" -eq 128
ktap_check "-x: 40-byte key (got $nkey)" test "$nkey" -eq 40
ktap_check "-x: hash function toeplitz on" grep -q 'toeplitz: on' <<<"$x"

ethtool -X "$IF" equal 1
q1=$(ethtool -x "$IF" | awk '/^ *[0-9]+:/ {for (i = 2; i <= NF; i++) if ($i != 0) n++} END {print n + 0}')
ktap_check "-X equal 1: every entry is 0 ($q1 non-zero)" test "$q1" -eq 0
et_iperf_rx $PORT 8 4
ktap_check "equal 1: 8 flows all on queue 0 (+$D0/+$D1)" et_only_q0

ethtool -X "$IF" weight 1 1
t=$(ethtool -x "$IF" | awk '/^ *[0-9]+:/ {for (i = 2; i <= NF; i++) c[$i]++} END {print c[0] + 0 "/" c[1] + 0}')
ktap_check "-X weight 1 1: 64 entries per queue (got $t)" test "$t" = 64/64
et_iperf_rx $PORT 8 4
ktap_check "weight 1 1: 8 flows spread again (+$D0/+$D1)" et_spread

newkey=$(for i in $(seq 0 39); do printf '%02x' $(((i * 37 + 11) & 255)); done | sed 's/../&:/g; s/:$//')
ethtool -X "$IF" hkey "$newkey"
got=$(ethtool -x "$IF" | awk '/^RSS hash key:/ {getline; print; exit}')
ktap_check "-X hkey: key reads back" test "$got" = "$newkey"
et_check_ping "ping with the new key"
et_iperf_rx $PORT 1 3 --toward $((RANDOM & 1))
ktap_check "new key: 1 flow on the queue its hash predicts (+$D0/+$D1)" et_as_predicted
et_refused_same "-X hfunc xor refused" ethtool -X "$IF" hfunc xor
et_refused_same "-X hkey of 39 bytes refused" ethtool -X "$IF" hkey "${newkey%:*}"
ktap_check "-X hfunc toeplitz accepted" ethtool -X "$IF" hfunc toeplitz
ethtool -X "$IF" default
et_check_ping "ping with the default table"

# --- rx-flow-hash ---------------------------------------------------------
# fh FLOW: "sd" or "sdfn" as read back by ethtool -n
fh() {
	local o
	o=$(ethtool -n "$IF" rx-flow-hash "$1" 2>/dev/null)
	if grep -q 'L4 bytes 0 & 1' <<<"$o" && grep -q 'L4 bytes 2 & 3' <<<"$o"; then
		echo sdfn
	elif grep -q 'IP SA' <<<"$o" && grep -q 'IP DA' <<<"$o"; then
		echo sd
	else
		echo "?"
	fi
}
mrqc_bit() {
	et_regs >/dev/null
	echo $(((${ET_REG[MRQC]:-0} >> $1) & 1))
}
echo "# defaults: tcp4 $(fh tcp4) tcp6 $(fh tcp6) udp4 $(fh udp4)"
for flow in tcp4:16 tcp6:18; do
	f=${flow%:*} bit=${flow#*:}
	ethtool -N "$IF" rx-flow-hash "$f" sd
	ktap_check "-N $f sd reads back, MRQC bit $bit clear" \
		test "$(fh "$f")/$(mrqc_bit "$bit")" = sd/0
	ethtool -N "$IF" rx-flow-hash "$f" sdfn
	ktap_check "-N $f sdfn reads back, MRQC bit $bit set" \
		test "$(fh "$f")/$(mrqc_bit "$bit")" = sdfn/1
done

ethtool -N "$IF" rx-flow-hash tcp4 sd
et_iperf_rx $PORT 8 4
ktap_check "tcp4 sd: 8 flows between two hosts on one queue (+$D0/+$D1)" et_one_queue
ethtool -N "$IF" rx-flow-hash tcp4 sdfn
et_iperf_rx $PORT 8 4
ktap_check "tcp4 sdfn: 8 flows spread (+$D0/+$D1)" et_spread

ktap_check "-N udp4 sd accepted" ethtool -N "$IF" rx-flow-hash udp4 sd
ktap_check "udp4 reads back sd" test "$(fh udp4)" = sd
mark=$(kmsg_mark "udp4 sdfn")
before=$(et_state)
m0=$(mrqc_bit 0)
out=$(ethtool -N "$IF" rx-flow-hash udp4 sdfn 2>&1)
rc=$?
echo "$out (rc=$rc)" | sed 's/^/#   /'
# ethtool 6.1 prints the error but exits 0 for -N rx-flow-hash: accept
# either a non-zero status or the "Cannot change" message.
if [ $rc -ne 0 ] || grep -q 'Cannot change' <<<"$out"; then
	ktap_ok "-N udp4 sdfn refused"
else
	ktap_fail "-N udp4 sdfn refused" "accepted: $out"
fi
ktap_check "udp4 sdfn: kernel log explains the refusal" \
	grep -q 'hashes IP addresses, plus ports for TCP only' <<<"$(dmesg_since "$mark")"
ktap_check "udp4 sdfn: udp4 still sd, other settings unchanged" \
	test "$(fh udp4) $before" = "sd $(et_state)"
ktap_check "udp4 sdfn: MRQC still enabled" test "$(mrqc_bit 0)" = "$m0"
et_check_ping "ping after the rx-flow-hash changes"

unload_e1kx
ktap_finish
