#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The 82574 errata and init values, and what each must leave in the device
# (Documentation/silicon.md lists every quirk and the check here):
# - ASPM L0s/L1 off on the NIC's link once e1kx probes (PCIe LnkCtl; on a
#   link that never enables ASPM, a kprobe shows the request to the core);
# - the raw register dump (ethtool -d): CTRL_EXT bit 22 set and 23 clear,
#   CTRL bit 29 clear, GCR bit 22 and GCR2 bit 0 set, both TXDCTL equal
#   (also with one queue pair), RSRPD 0, RFCTL.ACK_DIS, and under MSI-X
#   every "other" cause in IMS;
# - a forced 100/full link survives a MAC reset (ethtool -L, offline
#   self-test): CTRL keeps FRCSPD/FRCDPX/SPEED/FD and the link runs at 100;
# - the PHY lock-up check: saturated PHY error counts (fault_inject bit 5)
#   reset the device within a few watchdog passes, and the reset clears it;
# - Wake-on-LAN keeps the PHY powered across ip link set down (BMCR.PDOWN
#   clear, read through debugfs phy_regs); without WoL a down powers it off;
# - NVM writes (ethtool -E) keep the checksum (words 0-0x3f sum to 0xBABA),
#   a flash-backed NVM (fault_inject bit 6) asks for the commit with
#   EECD.FLUPD and reports an update that never completes (the model
#   never completes one), and writes past the end are refused;
# - the largest MTU is 9212: a 9234-byte frame with VLAN tag and FCS.
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

ktap_plan 23
et_setup || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
[ "$E1KX_DRIVER" = e1kx ] || ktap_bail "e1kx-specific checks (driver $E1KX_DRIVER)"
FAULT=$(et_fault_file)
[ -n "$FAULT" ] || ktap_bail "no debugfs fault_inject for $IF"
DBG=$(dirname "$FAULT")
BDF=$(ethtool -i "$IF" | sed -n 's/^bus-info: //p')
trap 'echo 0 >"$FAULT"; ethtool -s "$IF" autoneg on wol d 2>/dev/null; ethtool -L "$IF" combined 2 2>/dev/null' EXIT

bit() { echo $((($1 >> $2) & 1)); }

# LnkCtl of PCI function $1 (PCI Express capability + 0x10), decimal
lnkctl() {
	local -a b
	local p
	mapfile -t b < <(od -An -v -tu1 -w1 -N256 "/sys/bus/pci/devices/$1/config")
	p=${b[0x34]}
	while [ "$p" -ne 0 ] && [ "$p" -lt 252 ]; do
		if [ "${b[p]}" -eq 16 ]; then
			echo $((b[p + 0x10] | b[p + 0x11] << 8))
			return 0
		fi
		p=${b[p + 1]}
	done
	return 1
}

# --- ASPM -------------------------------------------------------------------
# The kernel enables ASPM only where both ends and the platform allow it;
# ask for L0s through sysfs while no driver holds the NIC, then probe.
# Where the link never turns ASPM on (QEMU's LnkCtl ASPM field is read-only
# zero), a kprobe on pci_disable_link_state() shows the probe asking the
# PCI core for it instead: state (second argument) L0s | L1.
trace=/sys/kernel/tracing
[ -e $trace/kprobe_events ] || mount -t tracefs nodev $trace 2>/dev/null
# PCIE_LINK_STATE_L0S | PCIE_LINK_STATE_L1: 1 | 2 before 6.5, which
# split L0s by direction (3) and moved L1 to 4
IFS=. read -r kmaj kmin _ <<<"$(uname -r)"
want_state=3
[ "$kmaj" -gt 6 ] || { [ "$kmaj" -eq 6 ] && [ "${kmin%%[!0-9]*}" -ge 5 ]; } && want_state=7
kp=
if echo 'p:e1kx_test/aspm pci_disable_link_state state=%si:u32' \
	>>$trace/kprobe_events 2>/dev/null; then
	kp=$trace/events/e1kx_test/aspm
	echo >$trace/trace
	echo 1 >$kp/enable
fi
unload_e1kx
echo 1 >"/sys/bus/pci/devices/$BDF/link/l0s_aspm" 2>/dev/null
before=$(lnkctl "$BDF")
load_e1kx || ktap_bail "cannot reload e1kx"
et_setup || ktap_bail "cannot set up NIC 0 again"
after=$(lnkctl "$BDF")
calls=
if [ -n "$kp" ]; then
	echo 0 >$kp/enable
	calls=$(grep -c "aspm:.* state=$want_state\$" $trace/trace)
	echo "# kprobe: $(grep aspm $trace/kprobe_profile 2>/dev/null | tr -s ' ') (name, hits, misses); first event: $(grep -m1 'aspm:' $trace/trace)"
	echo >$trace/trace
	echo '-:e1kx_test/aspm' >>$trace/kprobe_events
fi
echo "# LnkCtl before probe 0x$(printf %x "${before:-0}"), after 0x$(printf %x "${after:-0}"); pci_disable_link_state(L0s|L1) calls: ${calls:-not traced}"
if [ -z "$after" ]; then
	ktap_fail "ASPM L0s/L1 disabled by probe" "no PCI Express capability found"
elif [ $((before & 3)) -ne 0 ]; then
	ktap_check "ASPM L0s/L1 disabled by probe" test $((after & 3)) -eq 0
elif [ -n "$kp" ]; then
	ktap_check "ASPM L0s/L1 disabled by probe: the PCI core was asked ($calls calls; this link never enables ASPM)" \
		test "$calls" -ge 1
else
	ktap_skip "ASPM L0s/L1 disabled by probe" "this link never enables ASPM (LnkCtl 0x$(printf %x "$before")) and this kernel has no kprobe events"
fi
if dmesg | grep -q "$BDF.*unexpected PHY id"; then
	ktap_fail "the PHY reports Marvell's OUI, as the 82574's does" "$(dmesg | grep "$BDF.*unexpected PHY id" | tail -n1)"
else
	ktap_ok "the PHY reports Marvell's OUI, as the 82574's does"
fi

# --- init values in the register dump -----------------------------------------
et_regs || ktap_bail "no raw register dump"
printf '# CTRL 0x%x CTRL_EXT 0x%x GCR 0x%x GCR2 0x%x TXDCTL 0x%x/0x%x IMS 0x%x RFCTL 0x%x\n' \
	"${ET_REG[CTRL]}" "${ET_REG[CTRL_EXT]}" "${ET_REG[GCR]}" "${ET_REG[GCR2]}" \
	"${ET_REG[TXDCTL0]}" "${ET_REG[TXDCTL1]}" "${ET_REG[IMS]}" "${ET_REG[RFCTL]}"
ktap_check "CTRL_EXT bit 22 set, bit 23 clear" \
	test "$(bit "${ET_REG[CTRL_EXT]}" 22)$(bit "${ET_REG[CTRL_EXT]}" 23)" = 10
ktap_check "CTRL bit 29 clear" test "$(bit "${ET_REG[CTRL]}" 29)" = 0
ktap_check "GCR bit 22 set" test "$(bit "${ET_REG[GCR]}" 22)" = 1
ktap_check "GCR2 bit 0 set" test "$(bit "${ET_REG[GCR2]}" 0)" = 1
ktap_check "TXDCTL0 == TXDCTL1" test "${ET_REG[TXDCTL0]}" -eq "${ET_REG[TXDCTL1]}"
ktap_check "RSRPD 0 and RFCTL.ACK_DIS set (SRPD/ACK causes silent)" \
	test "${ET_REG[RSRPD]}$(bit "${ET_REG[RFCTL]}" 12)" = 01
# LSC RXO MDAC SRPD ACK MNG OTHER
other=$(((1 << 2) | (1 << 6) | (1 << 9) | (1 << 16) | (1 << 17) | (1 << 18) | (1 << 24)))
if grep -q "$IF-other" /proc/interrupts; then
	ktap_check "MSI-X: every other cause enabled in IMS" \
		test $((ET_REG[IMS] & other)) -eq "$other"
else
	ktap_fail "MSI-X: every other cause enabled in IMS" "no $IF-other vector"
fi
ethtool -L "$IF" combined 1 || ktap_bail "ethtool -L combined 1 failed"
et_regs >/dev/null
ktap_check "one queue pair: TXDCTL0 == TXDCTL1" test "${ET_REG[TXDCTL0]}" -eq "${ET_REG[TXDCTL1]}"
ethtool -L "$IF" combined 2

# --- a forced link mode survives MAC resets -------------------------------------
forced_ok() { # CTRL: FRCSPD, FRCDPX, SPEED=100 (01), FD; ethtool: 100Mb/s
	local sp
	et_regs >/dev/null || return 1
	sp=$(ethtool "$IF" | sed -n 's/^[[:space:]]*Speed: //p')
	printf '# CTRL 0x%x, speed %s\n' "${ET_REG[CTRL]}" "$sp"
	[ $((ET_REG[CTRL] & 0x1b01)) -eq $((0x1901)) ] && [ "$sp" = 100Mb/s ]
}
ethtool -s "$IF" speed 100 duplex full autoneg off || ktap_bail "cannot force 100/full"
wait_carrier "$IF" 15
sleep 1
ethtool -L "$IF" combined 1 && wait_carrier "$IF" 15 && sleep 1
ktap_check "forced 100/full kept across a queue change (MAC reset)" forced_ok
ethtool -t "$IF" offline >/dev/null
wait_carrier "$IF" 15
sleep 1
ktap_check "forced 100/full kept across the offline self-test" forced_ok
ethtool -L "$IF" combined 2
ethtool -s "$IF" autoneg on
wait_carrier "$IF" 15
et_check_ping "ping after going back to autonegotiation"

# --- PHY lock-up ----------------------------------------------------------------
r0=$(ethtool_stat "$IF" resets)
echo 0x20 >"$FAULT"
t0=$SECONDS
while [ "$(ethtool_stat "$IF" resets)" = "$r0" ] && ((SECONDS - t0 < 20)); do
	sleep 0.5
done
r1=$(ethtool_stat "$IF" resets)
echo "# resets $r0 -> $r1 after $((SECONDS - t0)) s, fault_inject now $(cat "$FAULT")"
ktap_check "saturated PHY error counts reset the device" test "$r1" -gt "$r0"
ktap_check "the reset clears the PHY lock-up" test $(($(cat "$FAULT") & 0x20)) -eq 0
wait_carrier "$IF" 15
et_check_ping "ping after the PHY reset"

# --- Wake-on-LAN keeps the PHY powered ---------------------------------------------
bmcr() {
	local reg val
	while read -r reg val; do
		[ "$reg" = 0 ] && [ "${val:0:2}" = 0x ] && echo $((val))
	done <"$DBG/phy_regs"
}
ethtool -s "$IF" wol g
ip link set "$IF" down
b=$(bmcr)
echo "# wol g, down: BMCR 0x$(printf %x "${b:-0}")"
ktap_check "WoL armed: down leaves the PHY powered (BMCR.PDOWN clear)" \
	test -n "$b" -a $((${b:-0} & 0x800)) -eq 0
ethtool -s "$IF" wol d
ip link set "$IF" up
wait_carrier "$IF" 15
ip link set "$IF" down
b=$(bmcr)
echo "# wol d, down: BMCR 0x$(printf %x "${b:-0}")"
ktap_check "no WoL: down powers the PHY off (BMCR.PDOWN set)" \
	test -n "$b" -a $((${b:-0} & 0x800)) -ne 0
ip link set "$IF" up
wait_carrier "$IF" 15

# --- NVM writes -----------------------------------------------------------------
nvm_sum() {
	ethtool -e "$IF" raw on length 128 | od -An -v -tu2 -w2 |
		awk '{s += $1} END {printf "%d\n", s % 65536}'
}
magic=0x10d38086
b40=$(ethtool -e "$IF" raw on offset 0x40 length 1 | od -An -tu1 | tr -d ' ')
ethtool -E "$IF" magic "$magic" offset 0x40 length 1 value 0x5a
ktap_check "NVM write keeps the checksum (sum 0xBABA)" test "$(nvm_sum)" -eq $((0xBABA))
echo 0x40 >"$FAULT"
ethtool -E "$IF" magic "$magic" offset 0x40 length 1 value 0x11
rc=$?
et_regs >/dev/null
echo "# flash-backed write: rc $rc, EECD 0x$(printf %x "${ET_REG[EECD]}")"
# The model stores FLUPD and never completes the update: the write must
# have asked for the commit and then report that it did not complete.
ktap_check "flash-backed NVM: commit asked by EECD.FLUPD, its timeout reported" \
	test "$(bit "${ET_REG[EECD]}" 19)" = 1 -a "$rc" -ne 0
echo 0 >"$FAULT"
ethtool -E "$IF" magic "$magic" offset 0x40 length 1 value "${b40:-0}"
nvm_past_end() {
	head -c 4 /dev/zero | ethtool -E "$IF" magic "$magic" offset 127 length 4
}
et_refused "NVM write past the end refused" nvm_past_end

# --- the largest frame ------------------------------------------------------------
ktap_check "MTU 9212 accepted" ip link set "$IF" mtu 9212
et_refused "MTU 9213 refused" ip link set "$IF" mtu 9213
ip link set "$IF" mtu 1500
ktap_finish
