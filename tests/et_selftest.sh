#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool -t.  Offline: Register, NVM, Interrupt, Loopback and Link all
# pass, and the interface is exactly as before afterwards (non-default
# rings, channels, MTU, coalescing, addresses, the programmed registers)
# and passes traffic.  Online runs only the link test (no offline run is
# logged with msglvl hw).  Each part can fail:
#  - NVM: a wrong checksum word (-E offset 0x7e) fails NVM only; restoring
#    it passes again;
#  - Loopback + Link: QEMU set_link off fails both (QEMU loops frames only
#    while the link is up); set_link on passes again;
#  - Register / Interrupt: debugfs fault_inject bit0 (stuck register bit) /
#    bit1 (lost interrupts) fail the matching part; 0 passes again
#    (a failure without the fault_inject file, which e1kx always has;
#    skipped for another driver, or a kernel without debugfs).
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

MAGIC=0x10d38086
ktap_plan 30
unload_e1kx
et_setup || ktap_bail "cannot set up NIC 0 / peer unreachable"
FAULT=
trap 'ctl hmp "set_link net0 on" >/dev/null 2>&1; [ -n "$FAULT" ] && echo 0 >"$FAULT"' EXIT

# IPv6 addresses survive the down/up at the end (kernel default drops them).
sysctl -qw "net.ipv6.conf.$IF.keep_addr_on_down=1"
# A non-default configuration to be preserved.
ethtool -G "$IF" rx 512 tx 1024
ethtool -C "$IF" rx-usecs 100
ethtool -s "$IF" msglvl 0x2037          # + hw: the self-test logs its runs
ip link set "$IF" mtu 1400
ip addr add 198.18.0.77/24 dev "$IF"
wait_carrier "$IF" 10
et_ping 2

# results: "REG NVM IRQ LB LINK" from ethtool -t output
results() {
	awk '/\(o[nf]*line\)/ {printf "%s ", $NF}' <<<"$1" | sed 's/ $//'
}
# selftest MODE WANT_RC WANT_RESULTS DESC
selftest() {
	local out rc r
	out=$(ethtool -t "$IF" "$1" 2>&1)
	rc=$?
	r=$(results "$out")
	echo "# ethtool -t $1: rc=$rc $(head -n1 <<<"$out"); results: $r"
	if [ "$2" = 0 ]; then
		ktap_check "$4: rc 0, PASS, results $3" \
			test "$rc/$(grep -c 'result is PASS' <<<"$out")/$r" = "0/1/$3"
	else
		ktap_check "$4: rc != 0, FAIL, results $3" \
			test "$((rc != 0))/$(grep -c 'result is FAIL' <<<"$out")/$r" = "1/1/$3"
	fi
}
snap() {
	et_state
	ip -br addr show dev "$IF"
	ethtool -k "$IF"
	et_regs >/dev/null
	for r in CTRL CTRL_EXT RCTL TCTL TIPG RXCSUM RFCTL MRQC RDLEN0 RDLEN1 TDLEN0 TDLEN1 EITR0 EITR1 EITR2 IVAR EIAC IAM RAL0 RAH0 TXDCTL0 TXDCTL1 RXDCTL0 RXDCTL1 RDTR RADV TIDV TADV FCTTV FCRTL FCRTH; do
		printf '%s=%#x\n' $r "${ET_REG[$r]}"
	done
}
# same_as BEFORE DESC: the configuration snapshot equals BEFORE
same_as() {
	local now
	now=$(snap)
	if [ "$now" = "$1" ]; then
		ktap_ok "$2"
	else
		diff <(echo "$1") <(echo "$now") | sed 's/^/# /'
		ktap_fail "$2" "configuration changed"
	fi
}
traffic() {
	et_ping 3 && ping -c 2 -W 2 -I 198.18.0.77 "$P4" >/dev/null 2>&1
}

before=$(snap)
mark=$(kmsg_mark selftest-offline)
selftest offline 0 "0 0 0 0 0" "offline self-test"
same_as "$before" "offline: configuration identical afterwards"
ktap_check "offline: carrier back" wait_carrier "$IF" 10
ktap_check "offline: ping from both addresses" traffic
ktap_check "offline: logged (msglvl hw)" \
	grep -q 'offline self-test starting' <<<"$(dmesg_since "$mark")"

mark=$(kmsg_mark selftest-online)
selftest online 0 "0 0 0 0 0" "online self-test"
ktap_check "online: no offline run logged" \
	test -z "$(dmesg_since "$mark" | grep 'offline self-test')"
ktap_check "online: ping" traffic

# --- NVM ------------------------------------------------------------------
ck=$(ethtool -e "$IF" offset 0x7e length 1 raw on | od -An -tu1 | tr -d ' ')
bad=$(((ck + 1) & 0xff))
ethtool -E "$IF" magic $MAGIC offset 0x7e value $bad
prev=$(snap)
selftest offline 1 "0 1 0 0 0" "bad NVM checksum: NVM fails"
ktap_check "bad NVM checksum: ping afterwards" traffic
ethtool -E "$IF" magic $MAGIC offset 0x7e value "$ck"
selftest offline 0 "0 0 0 0 0" "NVM checksum restored: passes"
same_as "$prev" "NVM case: configuration identical afterwards"

# --- Loopback + Link ------------------------------------------------------
prev=$(snap)
ctl hmp "set_link net0 off" >/dev/null
wait_no_carrier "$IF" 5
selftest offline 1 "0 0 0 1 1" "set_link off: Loopback and Link fail"
selftest online 1 "0 0 0 0 1" "set_link off: online Link fails"
ctl hmp "set_link net0 on" >/dev/null
ktap_check "set_link on: carrier back" wait_carrier "$IF" 10
selftest offline 0 "0 0 0 0 0" "set_link on: passes again"
ktap_check "set_link on: ping" traffic
same_as "$prev" "link case: configuration identical afterwards"

# --- Register / Interrupt (debugfs fault injection) -----------------------
FAULT=$(et_fault_file)
if [ -z "$FAULT" ]; then
	if debugfs_ready; then
		why="no /sys/kernel/debug/e1kx/<bdf>/fault_inject"
		gap=ktap_e1kx_gap
	else
		why="kernel without debugfs"
		gap=ktap_skip
	fi
	for d in "fault bit0: Register fails" "fault 0: passes" "fault bit0: ping" \
		"fault bit1: Interrupt fails" "fault 0: passes" "fault bit1: ping" \
		"fault cases: configuration identical"; do
		$gap "$d" "$why"
	done
else
	echo "# fault_inject: $FAULT ($(cat "$FAULT"))"
	prev=$(snap)
	echo 1 >"$FAULT"
	selftest offline 1 "1 0 0 0 0" "fault bit0 (stuck register bit): Register fails"
	echo 0 >"$FAULT"
	selftest offline 0 "0 0 0 0 0" "fault 0: passes again"
	ktap_check "fault bit0: ping" traffic
	echo 2 >"$FAULT"
	selftest offline 1 "0 0 1 0 0" "fault bit1 (lost interrupts): Interrupt fails"
	echo 0 >"$FAULT"
	selftest offline 0 "0 0 0 0 0" "fault 0: passes again"
	ktap_check "fault bit1: ping" traffic
	same_as "$prev" "fault cases: configuration identical afterwards"
	FAULT=
fi

# Offline test of a down interface: it stays down, comes up as before.
ip link set "$IF" down
out=$(ethtool -t "$IF" offline 2>&1)
r=$(results "$out")
echo "# down: ethtool -t offline: $(head -n1 <<<"$out"); results: $r"
ktap_check "down: Register, NVM, Interrupt pass (${r% * *})" test "${r% * *}" = "0 0 0"
ktap_check "down: interface stays down" \
	sh -c "! ip link show dev $IF | grep -q '[<,]UP[,>]'"
ip link set "$IF" up
ktap_check "down: up again with carrier" wait_carrier "$IF" 15
same_as "$before" "after everything: configuration identical to the start"
ktap_check "final ping" traffic

ip addr del 198.18.0.77/24 dev "$IF"
unload_e1kx
ktap_finish
