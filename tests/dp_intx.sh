#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Legacy interrupts (pci=nomsi): the NIC's /proc/interrupts lines are IO-APIC
# (none PCI-MSI/MSI-X), their count grows with traffic, and ping plus a short
# TCP transfer each way work.
#
# e1kx-topology: nics=1 wiring=tap append=pci=nomsi
# e1kx-timeout: 300
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

ktap_plan 6
grep -qw pci=nomsi /proc/cmdline || ktap_skip_all "needs kernel argument pci=nomsi"
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
trap net_cleanup EXIT

# /proc/interrupts lines naming the NIC ("eth0", "eth0-rx-0", shared "eth0, x").
irqs() { grep -E "[[:space:],]$NET_IF(-[^ ,]*)?(,|\$)" /proc/interrupts; }
lines=$(irqs)
echo "$lines" | sed 's/^/# /'
if [ -n "$lines" ] && ! echo "$lines" | grep -qE 'PCI-MSI|MSI-X|IR-PCI' &&
	echo "$lines" | grep -q IO-APIC; then
	ktap_ok "$NET_IF interrupt is IO-APIC (INTx), no MSI/MSI-X"
else
	ktap_fail "$NET_IF interrupt is IO-APIC (INTx), no MSI/MSI-X" "${lines:-no line for $NET_IF}"
fi
count() { irqs | awk '{for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i} END {print s + 0}'; }
net_irq_traffic INTx count

unload_e1kx
ktap_finish
