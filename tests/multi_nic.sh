#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Four NICs: four netdevs, all bound, all get carrier, distinct MACs as configured.
#
# e1kx-topology: nics=4 wiring=b2b append=
# e1kx-timeout: 180
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

unload_e1kx
ktap_plan $((2 + 3 * E1KX_NICS))
ktap_check "load $E1KX_DRIVER" load_e1kx

declare -A seen=()
ifs=()
for ((k = 0; k < E1KX_NICS; k++)); do
	bdf=$(nic_bdf "$k" || true)
	ifname=$(nic_if "$k" || true)
	drv=$(nic_driver "${bdf:-none}")
	if [ -n "$ifname" ] && [ "$drv" = "$E1KX_DRIVER" ]; then
		ktap_ok "nic$k ($bdf) bound to $E1KX_DRIVER as $ifname"
		ifs+=("$ifname")
	else
		ktap_fail "nic$k bound with a netdev" "bdf=${bdf:-?} driver=${drv:-none} netdev=${ifname:-none}"
		continue
	fi
	mac=$(cat "/sys/class/net/$ifname/address")
	if [ "$mac" = "$(nic_mac "$k")" ] && [ -z "${seen[$mac]:-}" ]; then
		ktap_ok "nic$k MAC $mac matches and is unique"
	else
		ktap_fail "nic$k MAC matches and is unique" "got $mac"
	fi
	seen[$mac]=1
	ip link set "$ifname" up
done

for ((k = 0; k < ${#ifs[@]}; k++)); do
	ktap_check "${ifs[$k]} carrier within 10 s" wait_carrier "${ifs[$k]}" 10
done
n=0
for i in /sys/class/net/*; do
	if [ -e "$i/device" ]; then n=$((n + 1)); fi
done
if [ "$n" -eq "$E1KX_NICS" ]; then
	ktap_ok "$E1KX_NICS PCI netdevs"
else
	ktap_fail "$E1KX_NICS PCI netdevs" "found $n"
fi

unload_e1kx
ktap_finish
