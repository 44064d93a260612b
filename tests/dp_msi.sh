#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Plain MSI (one vector, no MSI-X): the datapath and the offline self-test
# on the driver's MSI fallback.
#
# Neither Linux nor QEMU 7.2's e1000e has a switch that turns off MSI-X
# alone (pci=nomsi turns off both), so the guest takes away the address
# space of the MSI-X table's BAR instead, as a machine whose firmware runs
# out of MMIO space does: pci=resource_alignment grows the 82574L's memory
# BARs to 2 MiB each, and its root port's 2 MiB window then holds BAR 0
# only.  BAR 3 (MSI-X table and PBA) is left unassigned, MSI-X cannot be
# set up, MSI (which needs no BAR) still can.
#
# Checks: the driver says it fell back to MSI; the NIC has one MSI vector
# (sysfs msi_irqs says "msi", /proc/interrupts says PCI-MSI, not MSI-X) and
# its count grows with traffic; one queue pair (ethtool -l); ping IPv4 and
# IPv6, 8 MiB TCP each way intact; ethtool -t offline passes every test
# and traffic flows after it.
#
# e1kx-topology: nics=1 wiring=tap append=pci=resource_alignment=21@pci:8086:10d3
# e1kx-timeout: 300
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

ktap_plan 10
grep -q 'pci=resource_alignment=' /proc/cmdline ||
	ktap_skip_all "needs kernel argument pci=resource_alignment=21@pci:8086:10d3"
unload_e1kx
BDF=$(nic_bdf 0) || ktap_bail "no NIC 0"
# BAR 3 is the fourth line of the resource file: "start end flags".
read -r bar3 _ < <(sed -n 4p "/sys/bus/pci/devices/$BDF/resource")
echo "# $BDF BAR 3: $(sed -n 4p "/sys/bus/pci/devices/$BDF/resource")"
[ $((bar3)) -eq 0 ] ||
	ktap_skip_all "MSI-X BAR 3 of $BDF still has an address ($bar3): this machine's root port window is larger than 2 MiB"

mark=$(kmsg_mark dp_msi)
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
trap net_cleanup EXIT

if [ "$E1KX_DRIVER" = e1kx ]; then
	ktap_check "driver logs \"MSI-X unavailable, using MSI\"" \
		grep -q "$BDF: MSI-X unavailable, using MSI\$" <(dmesg_since "$mark")
else
	ktap_skip "driver logs \"MSI-X unavailable, using MSI\"" \
		"$E1KX_DRIVER logs its fallback in its own words"
fi

# The NIC's vectors: one file per IRQ, holding "msi" or "msix".
irq=
kinds=
for f in "/sys/bus/pci/devices/$BDF/msi_irqs/"*; do
	[ -f "$f" ] || continue
	irq+="${irq:+ }${f##*/}"
	kinds+="${kinds:+ }$(cat "$f")"
done
line=
[ -n "$irq" ] && [ "${irq// /}" = "$irq" ] &&
	line=$(grep -E "^ *$irq:" /proc/interrupts)
echo "# msi_irqs: ${irq:-none} (${kinds:-none})"
echo "# ${line:-no /proc/interrupts line}"
if [ "$kinds" = msi ] && echo "$line" | grep -q 'PCI-MSI' &&
	! echo "$line" | grep -qE 'MSIX|MSI-X|IO-APIC' &&
	echo "$line" | grep -qE "[[:space:]]$NET_IF\$"; then
	ktap_ok "$NET_IF on one MSI vector (IRQ $irq, PCI-MSI, no MSI-X)"
else
	ktap_fail "$NET_IF on one MSI vector" \
		"msi_irqs: ${irq:-none} (${kinds:-none}); ${line:-no line}"
fi
# One vector, one queue pair: ethtool -l offers combined 1 and no more.
comb=$(ethtool -l "$NET_IF" 2>/dev/null | awk '/^Combined:/ {printf "%s%s", s, $2; s = " "}')
ktap_check "ethtool -l: combined max 1, current 1 (got ${comb:-nothing})" \
	test "$comb" = "1 1"
count() {
	[ -n "$line" ] || { echo 0; return; }
	grep -E "^ *$irq:" /proc/interrupts |
		awk '{for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i} END {print s + 0}'
}
net_irq_traffic MSI count

# Offline self-test: Register, NVM, Interrupt, Loopback, Link all 0.
out=$(ethtool -t "$NET_IF" offline 2>&1)
rc=$?
r=$(awk '/\(o[nf]*line\)/ {printf "%s ", $NF}' <<<"$out" | sed 's/ $//')
echo "# ethtool -t offline: rc=$rc $(head -n1 <<<"$out"); results: $r"
ktap_check "ethtool -t offline on MSI: rc 0, PASS, results 0 0 0 0 0" \
	test "$rc/$(grep -c 'result is PASS' <<<"$out")/$r" = "0/1/0 0 0 0 0"
if wait_carrier "$NET_IF" 15 && wait_ping "$P4" 30 &&
	ping -c 5 -i 0.2 -W 3 "$P4" >/dev/null; then
	ktap_ok "after the self-test: carrier, IPv4 ping (5/5)"
else
	ktap_fail "after the self-test: carrier, IPv4 ping (5/5)"
fi

unload_e1kx
ktap_finish
