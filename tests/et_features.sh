#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool -k/-K: every offload the driver lists (rx, tx, sg, tso,
# tx-tcp6-segmentation, rxvlan, txvlan, rx-vlan-filter, rxhash, rx-fcs,
# rx-all, loopback) is togglable, reads back both ways, and traffic (ping
# v4 + v6) works after each toggle.  Where the hardware shows it, the
# register dump follows: RXCSUM.IPOFLD/TUOFLD (rx), CTRL.VME (rxvlan),
# RCTL.VFE (rx-vlan-filter), RCTL.SECRC (rx-fcs), RCTL.SBP (rx-all),
# RCTL.LBM (loopback; pings to the peer then fail as frames loop back).
# txvlan is forced off while rxvlan is off.  TSO: guest -> peer TCP uses
# TSO contexts (tx_tso_contexts) with tso on and none with tso off.
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

# short-name long-name register-check (REG:shift:value-when-on, or -)
FEATURES="
rx rx-checksumming RXCSUM:9:1
tx tx-checksumming -
sg scatter-gather -
tso tcp-segmentation-offload -
tx-tcp6-segmentation tx-tcp6-segmentation -
rxvlan rx-vlan-offload CTRL:30:1
txvlan tx-vlan-offload -
rx-vlan-filter rx-vlan-filter RCTL:18:1
rxhash receive-hashing -
rx-fcs rx-fcs RCTL:26:0
rx-all rx-all RCTL:2:1
loopback loopback RCTL:6:1
"
nf=$(grep -c . <<<"$FEATURES")
nreg=$(grep -c ':' <<<"$FEATURES")
ktap_plan $((nf * 5 + nreg * 2 + 9))
unload_e1kx
et_setup || ktap_bail "cannot set up NIC 0 / peer unreachable"
trap 'ethtool -K "$IF" rx on tx on sg on tso on tx-tcp6-segmentation on rxvlan on txvlan on rx-vlan-filter on rxhash on rx-fcs off rx-all off loopback off >/dev/null 2>&1' EXIT
wait_ping "$P6" 15 >/dev/null

ping46() {
	et_ping 2 && ping -6 -c 2 -i 0.2 -W 2 "$P6" >/dev/null 2>&1
}
regbit() { # REG SHIFT
	et_regs >/dev/null
	echo $(((ET_REG[$1] >> $2) & 1))
}
# fstate NAME: "on", "off", "on [fixed]"... (top-level or indented feature)
fstate() { ethtool -k "$IF" 2>/dev/null | sed -n "s/^[[:space:]]*$1: //p" | head -n1; }
state() { local s; s=$(fstate "$1"); echo "${s%% *}"; }

while read -r short long reg; do
	[ -n "$short" ] || continue
	init=$(state "$long")
	echo "# $long: $(fstate "$long")"
	if [ -z "$init" ] || [[ "$(fstate "$long")" == *fixed* ]]; then
		for i in 1 2 3 4 5; do ktap_fail "$long togglable" "state '$(fstate "$long")'"; done
		[ "$reg" = - ] || { ktap_fail "$long register"; ktap_fail "$long register"; }
		continue
	fi
	for want in $([ "$init" = on ] && echo "off on" || echo "on off"); do
		ethtool -K "$IF" "$short" "$want"
		ktap_check "-K $short $want: $long reads back $want" test "$(state "$long")" = "$want"
		if [ "$reg" != - ]; then
			IFS=: read -r r sh von <<<"$reg"
			w=$([ "$want" = on ] && echo "$von" || echo $((1 - von)))
			ktap_check "$short $want: $r bit $sh = $w" test "$(regbit "$r" "$sh")" = "$w"
		fi
		if [ "$short" = loopback ] && [ "$want" = on ]; then
			if ping -c 2 -i 0.3 -W 1 "$P4" >/dev/null 2>&1; then
				ktap_fail "loopback on: ping to the peer fails (frames loop back)" "ping answered"
			else
				ktap_ok "loopback on: ping to the peer fails (frames loop back)"
			fi
		else
			ktap_check "$short $want: ping v4+v6" ping46
		fi
		if [ "$short" = rxvlan ] && [ "$want" = off ]; then
			ktap_check "rxvlan off: txvlan forced off" test "$(state tx-vlan-offload)" = off
			ethtool -K "$IF" txvlan on >/dev/null 2>&1
			ktap_check "rxvlan off: -K txvlan on stays off" test "$(state tx-vlan-offload)" = off
		fi
	done
	ktap_check "$long back to $init" test "$(state "$long")" = "$init"
done <<<"$FEATURES"
ethtool -K "$IF" txvlan on
ktap_check "rxvlan on: txvlan can be on again" test "$(state tx-vlan-offload)" = on

# TSO in use or not: guest -> peer TCP, count TSO contexts.
peer "iperf3 -s -D -B $P4 -p 5641 -I /tmp/et_features_iperf.pid" >/dev/null 2>&1
sleep 1
for t in on off; do
	ethtool -K "$IF" tso "$t"
	c0=$(ethtool_stat "$IF" tx_tso_contexts)
	out=$(timeout 30 iperf3 -c "$P4" -p 5641 -t 2 2>&1)
	c1=$(ethtool_stat "$IF" tx_tso_contexts)
	grep sender <<<"$out" | tail -n1 | sed 's/^/# /'
	ktap_check "tso $t: guest -> peer iperf3 completes" grep -q sender <<<"$out"
	if [ "$t" = on ]; then
		ktap_check "tso on: tx_tso_contexts grew ($c0 -> $c1)" test "$((c1 - c0))" -gt 10
	else
		ktap_check "tso off: tx_tso_contexts unchanged ($c0 -> $c1)" test "$c1" -eq "$c0"
	fi
done
peer 'kill $(cat /tmp/et_features_iperf.pid) 2>/dev/null; rm -f /tmp/et_features_iperf.pid' >/dev/null 2>&1
ethtool -K "$IF" tso on
ktap_check "tso on again" test "$(state tcp-segmentation-offload)" = on
ktap_check "final ping v4+v6" ping46

unload_e1kx
ktap_finish
