#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool -i, link settings (ethtool IF / -s / -r), msglvl, -T.
#  - -i: driver e1kx, a version, firmware-version N.N-N (NVM), bus-info =
#    the NIC's PCI address; statistics/test/eeprom/register-dump supported.
#  - link: autoneg on advertising 10/100 half/full + 1000 full at
#    1000/full; forced 100/full and 10/half are reported as such (and
#    programmed in CTRL: FRCSPD/FRCDPX, speed bits); speed 1000 autoneg off
#    is refused; autoneg comes back to 1000/full; "advertise" restricts the
#    advertised modes and an unsupported mode is refused.
#  - -r: the hardware link (STATUS.LU) drops and returns ~0.5 s later, the
#    carrier is up afterwards; -r with autoneg off is refused.
#  - msglvl reads back; -T lists software TX/RX time stamping.
# Ping after every change; refused commands change nothing.
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

ktap_plan 37
unload_e1kx
et_setup || ktap_bail "cannot set up NIC 0 / peer unreachable"
trap 'ethtool -s "$IF" autoneg on advertise 0x2f msglvl 0x37 >/dev/null 2>&1' EXIT

# --- -i ---------------------------------------------------------------------
info=$(ethtool -i "$IF")
echo "$info" | sed 's/^/#   /'
fi_() { awk -v k="$1" -F': ' '$1 == k {print $2; exit}' <<<"$info"; }
ktap_check "-i: driver e1kx" test "$(fi_ driver)" = e1kx
ktap_check "-i: version set ('$(fi_ version)')" test -n "$(fi_ version)"
ktap_check "-i: firmware-version looks like N.N-N ('$(fi_ firmware-version)')" \
	grep -Eq '^[0-9]+\.[0-9]+-[0-9]+$' <<<"$(fi_ firmware-version)"
ktap_check "-i: bus-info is NIC 0's PCI address ($(nic_bdf 0))" \
	test "$(fi_ bus-info)" = "$(nic_bdf 0)"
sup=$(fi_ supports-statistics)/$(fi_ supports-test)/$(fi_ supports-eeprom-access)/$(fi_ supports-register-dump)
ktap_check "-i: supports statistics/test/eeprom/register-dump ($sup)" test "$sup" = yes/yes/yes/yes

# --- link settings ----------------------------------------------------------
s=$(ethtool "$IF")
adv=$(awk '/Advertised link modes:/ {c = 1} /Advertised pause/ {c = 0} c' <<<"$s" | tr -s ' \t\n' ' ')
echo "# advertised: $adv"
ok=1
for m in 10baseT/Half 10baseT/Full 100baseT/Half 100baseT/Full 1000baseT/Full; do
	grep -q "$m" <<<"$adv" || ok=0
done
grep -q 1000baseT/Half <<<"$adv" && ok=0
ktap_check "autoneg: advertises 10/100 half/full and 1000 full only" test $ok = 1
ln="$(et_field ethtool "$IF" -- Auto-negotiation)/$(et_field ethtool "$IF" -- Speed)/$(et_field ethtool "$IF" -- Duplex)/$(et_field ethtool "$IF" -- 'Link detected')"
ktap_check "autoneg: on/1000Mb/s/Full/yes ($ln)" test "$ln" = "on/1000Mb/s/Full/yes"

# forced SPEED DUPLEX DUPSTR CTRL_SPEED_BITS
forced() {
	local sp=$1 dx=$2 dstr=$3 bits=$4 got ctrl
	ethtool -s "$IF" speed "$sp" duplex "$dx" autoneg off
	ktap_check "-s speed $sp duplex $dx autoneg off accepted" test $? -eq 0
	wait_carrier "$IF" 10
	sleep 1
	got="$(et_field ethtool "$IF" -- Auto-negotiation)/$(et_field ethtool "$IF" -- Speed)/$(et_field ethtool "$IF" -- Duplex)"
	ktap_check "forced: reads back off/${sp}Mb/s/$dstr ($got)" test "$got" = "off/${sp}Mb/s/$dstr"
	et_regs
	ctrl=${ET_REG[CTRL]}
	# CTRL: FD bit 0, SPEED bits 9:8, FRCSPD bit 11, FRCDPX bit 12
	printf '# CTRL=%#x\n' "$ctrl"
	ktap_check "forced $sp/$dx: CTRL FRCSPD+FRCDPX, speed bits $bits, FD=$([ "$dx" = full ] && echo 1 || echo 0)" \
		test $(((ctrl >> 11) & 3))/$(((ctrl >> 8) & 3))/$((ctrl & 1)) = "3/$bits/$([ "$dx" = full ] && echo 1 || echo 0)"
	et_check_ping "forced $sp/$dx: ping"
}
forced 100 full Full 1
forced 10 half Half 0
et_refused_same "-s speed 1000 autoneg off refused" ethtool -s "$IF" speed 1000 duplex full autoneg off
et_refused_same "-s speed 2500 duplex full autoneg off refused" ethtool -s "$IF" speed 2500 duplex full autoneg off
et_refused_same "-r with autoneg off refused" ethtool -r "$IF"

ethtool -s "$IF" autoneg on
sleep 1
wait_carrier "$IF" 10
ln="$(et_field ethtool "$IF" -- Auto-negotiation)/$(et_field ethtool "$IF" -- Speed)/$(et_field ethtool "$IF" -- Duplex)"
ktap_check "-s autoneg on: back to on/1000Mb/s/Full ($ln)" test "$ln" = "on/1000Mb/s/Full"
et_check_ping "autoneg again: ping"

ethtool -s "$IF" advertise 0x008
sleep 1
adv=$(ethtool "$IF" | awk '/Advertised link modes:/ {c = 1} /Advertised pause/ {c = 0} c' | tr -s ' \t\n' ' ')
ktap_check "-s advertise 0x008: only 100baseT/Full advertised ($adv)" \
	test "$(grep -o '[0-9]*baseT/[A-Za-z]*' <<<"$adv" | tr '\n' ' ')" = "100baseT/Full "
wait_carrier "$IF" 10
et_check_ping "advertise 100/full: ping"
et_refused_same "-s advertise 0x1000 (10000baseT/Full) refused" ethtool -s "$IF" advertise 0x1000
ethtool -s "$IF" advertise 0x02f
sleep 1
adv=$(ethtool "$IF" | awk '/Advertised link modes:/ {c = 1} /Advertised pause/ {c = 0} c' | grep -o '[0-9]*baseT/[A-Za-z]*' | wc -l)
ktap_check "-s advertise 0x02f: 5 modes advertised again ($adv)" test "$adv" -eq 5
wait_carrier "$IF" 10

# --- -r ---------------------------------------------------------------------
lc0=$(ethtool_stat "$IF" link_changes)
mark=$(kmsg_mark "ethtool -r")
w=$(et_nway_watch 2.5)
echo "# ethtool -r (ETHTOOL_NWAY_RST) watched 2.5 s: $w"
ktap_check "-r accepted" grep -q '^rc=0 ' <<<"$w"
ktap_check "-r: hardware link (STATUS.LU) drops" grep -q 'lu_down_ms=[0-9]' <<<"$w"
ktap_check "-r: STATUS.LU returns" grep -q 'lu_up_ms=[0-9]' <<<"$w"
ktap_check "-r: carrier up" wait_carrier "$IF" 5
lc1=$(ethtool_stat "$IF" link_changes)
log=$(dmesg_since "$mark")
echo "# link_changes $lc0 -> $lc1; dmesg: $(grep -c 'link down' <<<"$log") link down, $(grep -c 'link up' <<<"$log") link up (carrier seen down: ${w#*carrier_down_ms=})"
et_check_ping "-r: ping"

# --- msglvl, -T -----------------------------------------------------------
ethtool -s "$IF" msglvl 0x1234
got=$(et_field ethtool "$IF" -- 'Current message level' | awk '{print $1}')
ktap_check "msglvl 0x1234 reads back ($got)" test "$got" = 0x00001234
ethtool -s "$IF" msglvl 0x37
got=$(et_field ethtool "$IF" -- 'Current message level' | awk '{print $1}')
ktap_check "msglvl 0x37 reads back ($got)" test "$got" = 0x00000037
ts=$(ethtool -T "$IF")
ktap_check "-T: software-transmit and software-receive" \
	sh -c "grep -q software-transmit <<'E'
$ts
E
grep -q software-receive <<'E'
$ts
E"
ktap_check "-T: no PTP hardware clock" grep -q 'PTP Hardware Clock: none' <<<"$ts"

unload_e1kx
ktap_finish
