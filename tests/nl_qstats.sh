#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netdev netlink family on e1kx (6.12): per-queue statistics (qstats)
# against the rtnl counters and against traffic, also across ethtool -L;
# queues, NAPI instances (with their IRQs) and page_pools linked to each
# other; and the standard ethtool statistics groups. Read with ynl from
# linux-source-6.12 (tests/tools/nl_netdev.py). Kernels before 6.10 have no
# qstats: the test skips there.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 300
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

NL="$E1KX_TESTS_DIR/tools/nl_netdev.py"
YNL_SRC=${E1KX_LINUX_SRC:-/var/cache/e1kx/linux-source-6.12}
export PYTHONDONTWRITEBYTECODE=1

# nl_check DESC ARGS...: one result from nl_netdev.py, its line as detail.
nl_check() {
	local desc=$1 out
	shift
	if out=$(python3 "$NL" "$NET_IF" "$@" 2>&1); then
		ktap_ok "$desc"
		echo "# $out"
	else
		ktap_fail "$desc" "$out"
	fi
}

kver=$(uname -r)
IFS=. read -r kmaj kmin _ <<<"$kver"
if [ "$kmaj" -lt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -lt 10 ]; }; then
	ktap_skip_all "kernel $kver has no netdev qstats (6.10+): run with KERNEL=6.12"
fi
if [ ! -f "$YNL_SRC/tools/net/ynl/cli.py" ]; then
	ktap_skip_all "no ynl in $YNL_SRC: run scripts/install-deps.sh"
fi

ktap_plan 16

unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
wait_ping "$P4" 30 || ktap_bail "no ping to $P4"
nq=$(ethtool -l "$NET_IF" | awk '/^Current/ {c = 1} c && /^Combined/ {print $2; exit}')
[ "$nq" = 2 ] || ktap_bail "expected 2 queue pairs (MSI-X), found '$nq'"

nl_check "queue-get/napi-get/page-pool-get: 2 pairs linked" links 2
nl_check "qstats per queue: 2 rx + 2 tx with their counters" queues 2
nl_check "qstats device totals bracket the rtnl counters" totals

# Traffic: 300 echo requests of 1000 bytes out, 300 replies in.
rx0=$(python3 "$NL" "$NET_IF" get rx-packets)
tx0=$(python3 "$NL" "$NET_IF" get tx-packets)
rb0=$(python3 "$NL" "$NET_IF" get rx-bytes)
ping -c 300 -i 0.01 -s 1000 -W 2 "$P4" >/dev/null
rx1=$(python3 "$NL" "$NET_IF" get rx-packets)
tx1=$(python3 "$NL" "$NET_IF" get tx-packets)
rb1=$(python3 "$NL" "$NET_IF" get rx-bytes)
ktap_check "qstats count 300 pings each way (rx +$((rx1 - rx0)), tx +$((tx1 - tx0)))" \
	test $((rx1 - rx0)) -ge 300 -a $((tx1 - tx0)) -ge 300
ktap_check "qstats rx-bytes grew by at least 300 x 1042 (+$((rb1 - rb0)))" \
	test $((rb1 - rb0)) -ge $((300 * 1042))
nl_check "after traffic: device totals bracket the rtnl counters" totals

# pairs N: ethtool -L combined N, then link and ping back (one result)
pairs() {
	if ethtool -L "$NET_IF" combined "$1" && wait_carrier "$NET_IF" 15 &&
	   wait_ping "$P4" 30; then
		ktap_ok "ethtool -L combined $1"
	else
		ktap_fail "ethtool -L combined $1" "no link or ping afterwards"
	fi
}

# One pair: queue 1's counts move to the base stats, totals stay whole.
pairs 1
nl_check "one pair: queues, NAPI and pools linked" links 1
nl_check "one pair: qstats for queue 0 only" queues 1
rx2=$(python3 "$NL" "$NET_IF" get rx-packets)
ktap_check "one pair: device rx-packets kept ($rx1 -> $rx2)" test "$rx2" -ge "$rx1"
nl_check "one pair: device totals (base + queue 0) bracket rtnl" totals

pairs 2
nl_check "two pairs again: linked" links 2
nl_check "two pairs again: device totals bracket rtnl" totals

# Standard statistics: the 82574's size histogram (RMON), IEEE MAC and
# MAC-control counters (ethtool -S --groups), pause frames (ethtool -I -a).
out=$(ethtool -S "$NET_IF" --groups rmon 2>&1)
big=$(awk -F': *' '/^ *rx-rmon-etherStatsPkts1024to1522Octets/ {print $2}' <<<"$out")
ktap_check "ethtool -S --groups rmon: 1024..1522 bucket has the 300 replies ($big)" \
	test "${big:-0}" -ge 300
echo "$out" | sed 's/^/# /'
out=$(ethtool -S "$NET_IF" --groups eth-mac eth-ctrl 2>&1)
fr=$(awk -F': *' '/FramesReceivedOK/ {print $2; exit}' <<<"$out")
pause=$(ethtool -I -a "$NET_IF" 2>&1)
ktap_check "groups eth-mac ($fr frames received) eth-ctrl, and pause statistics" \
	test "${fr:-0}" -ge 300 -a -n "$(grep MACControlFrames <<<"$out")" \
	-a -n "$(grep rx_pause_frames <<<"$pause")"
echo "$out" | sed 's/^/# /'
echo "$pause" | sed 's/^/# /'

unload_e1kx
ktap_finish
