#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool -a/-A (pause), -s wol, -p (identify).
#  - pause: autoneg off rx/tx off|on read back and program CTRL.RFCE/TFCE
#    directly; autoneg on rx on tx on reads back, negotiates rx/tx on
#    against QEMU's symmetric-pause partner (ethtool -a "negotiated") and
#    enables RFCE/TFCE; -A autoneg on while the link is forced is refused
#    and changes nothing.  Ping after each change.
#  - WoL: umbg supported; g, umbg, d read back; s (SecureOn) refused.
#  - identify: -p IF 2 returns 0, drives LEDCTL LED0 on/off meanwhile and
#    restores LEDCTL afterwards.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 180
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_et.sh
source "$(dirname "$0")/lib_et.sh"

ktap_plan 31
unload_e1kx
et_setup || ktap_bail "cannot set up NIC 0 / peer unreachable"
trap 'ethtool -s "$IF" autoneg on wol d >/dev/null 2>&1' EXIT

pa() { ethtool -a "$IF" 2>/dev/null | awk -F: -v k="$1" '$1 == k {gsub(/[ \t]/, "", $2); print $2; exit}'; }
pause_rb() { echo "$(pa Autonegotiate)/$(pa RX)/$(pa TX)"; }
fce() { et_regs >/dev/null; echo $(((ET_REG[CTRL] >> 27) & 1))/$(((ET_REG[CTRL] >> 28) & 1)); }

# negotiated: "RX/TX" negotiated as ethtool -a reports it (on|off)
negotiated() {
	ethtool -a "$IF" 2>/dev/null | awk -F: '/RX negotiated/ {gsub(/[ \t]/, "", $2); r = $2} /TX negotiated/ {gsub(/[ \t]/, "", $2); t = $2} END {print r "/" t}'
}
onoff() { sed 's/on/1/g; s/off/0/g'; }
echo "# default pause: $(pause_rb), negotiated $(negotiated), CTRL.RFCE/TFCE $(fce)"
advp() { et_field ethtool "$IF" -- 'Advertised pause frame use'; }
# want_adv RX TX: the advertisement 802.3 Annex 28B asks for
want_adv() {
	case $1/$2 in
	on/on) echo Symmetric ;; on/off) echo "Symmetric Receive-only" ;;
	off/on) echo Transmit-only ;; *) echo No ;;
	esac
}
d=$(pause_rb)
IFS=/ read -r _ drx dtx <<<"$d"
ktap_check "default: advertised pause '$(advp)' matches requested rx $drx tx $dtx ('$(want_adv "$drx" "$dtx")')" \
	test "$(advp)" = "$(want_adv "$drx" "$dtx")"
ktap_check "default: MAC flow control (CTRL.RFCE/TFCE $(fce)) matches ethtool -a ($(pause_rb), negotiated $(negotiated))" \
	test "$(fce)" = "$(negotiated | onoff)"
ethtool -A "$IF" autoneg off rx off tx off
ktap_check "-A autoneg off rx off tx off reads back ($(pause_rb))" test "$(pause_rb)" = off/off/off
ktap_check "pause off: CTRL.RFCE/TFCE = 0/0 ($(fce))" test "$(fce)" = 0/0
et_check_ping "pause off: ping"
ethtool -A "$IF" rx on tx on
ktap_check "-A rx on tx on (forced) reads back ($(pause_rb))" test "$(pause_rb)" = off/on/on
ktap_check "forced pause: CTRL.RFCE/TFCE = 1/1 ($(fce))" test "$(fce)" = 1/1
ethtool -A "$IF" rx on tx off
ktap_check "-A rx on tx off reads back ($(pause_rb))" test "$(pause_rb)" = off/on/off
ktap_check "rx-only pause: CTRL.RFCE/TFCE = 1/0 ($(fce))" test "$(fce)" = 1/0
et_check_ping "forced pause: ping"

ethtool -A "$IF" autoneg on rx on tx on
sleep 1
wait_carrier "$IF" 10
sleep 0.5
a=$(ethtool -a "$IF" 2>&1)
echo "$a" | sed 's/^/#   /'
ktap_check "-A autoneg on rx on tx on reads back ($(pause_rb))" test "$(pause_rb)" = on/on/on
ktap_check "autoneg rx on tx on: advertised pause Symmetric ($(advp))" test "$(advp)" = Symmetric
ktap_check "negotiated: RX and TX on" test "$(negotiated)" = on/on
ktap_check "negotiated pause: CTRL.RFCE/TFCE = 1/1 ($(fce))" test "$(fce)" = 1/1
et_check_ping "autoneg pause: ping"

# Pause autoneg needs link autoneg.
ethtool -A "$IF" autoneg off rx off tx off
ethtool -s "$IF" speed 100 duplex full autoneg off
wait_carrier "$IF" 10
# the reported speed follows the link with a delay: let it settle first
for i in $(seq 1 20); do
	[ "$(et_field ethtool "$IF" -- Speed)" = 100Mb/s ] && break
	sleep 0.5
done
et_refused_same "link forced: -A autoneg on refused" ethtool -A "$IF" autoneg on
ktap_check "link forced: pause still off/off/off ($(pause_rb))" test "$(pause_rb)" = off/off/off
et_check_ping "link forced: ping"
ethtool -s "$IF" autoneg on
wait_carrier "$IF" 10
ethtool -A "$IF" autoneg on rx on tx on
wait_carrier "$IF" 10
# Information only: what pause reports once the link is forced while pause
# autoneg is on (the default).
ethtool -s "$IF" speed 100 duplex full autoneg off
echo "# pause autoneg on, then link forced: pause reads $(pause_rb), CTRL.RFCE/TFCE $(fce)"
ethtool -s "$IF" autoneg on
wait_carrier "$IF" 10

# --- WoL ------------------------------------------------------------------
ktap_check "Supports Wake-on: umbg" test "$(et_field ethtool "$IF" -- 'Supports Wake-on')" = umbg
for w in g umbg d; do
	ethtool -s "$IF" wol $w
	ktap_check "-s wol $w reads back ($(et_field ethtool "$IF" -- Wake-on))" \
		test "$(et_field ethtool "$IF" -- Wake-on)" = $w
done
ethtool -s "$IF" wol g
et_refused_same "-s wol s refused" ethtool -s "$IF" wol s
ktap_check "wol s: Wake-on still g" test "$(et_field ethtool "$IF" -- Wake-on)" = g
ethtool -s "$IF" wol d
et_check_ping "WoL changes: ping"

# --- identify -------------------------------------------------------------
w=$(et_identify_watch 2)
echo "# ethtool -p $IF 2 watched: $w"
ktap_check "-p $IF 2 returns 0" grep -q '^rc=0 ' <<<"$w"
ktap_check "identify: LED0 forced on (0xe) and off (0xf) meanwhile" \
	sh -c "echo '$w' | grep -q 'led0_modes=.*0xe' && echo '$w' | grep -q 'led0_modes=.*0xf'"
b=${w#*before=} a=${w#*after=}
ktap_check "identify: LEDCTL restored (${b%% *} -> ${a%% *})" test "${b%% *}" = "${a%% *}"
et_check_ping "identify: ping"

unload_e1kx
ktap_finish
