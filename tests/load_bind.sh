#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Loading the driver binds every 82574L (sysfs driver link and ethtool -i).
#
# e1kx-topology: nics=2 wiring=tap append=
# e1kx-timeout: 120
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

unload_e1kx
mapfile -t bdfs < <(e1kx_bdfs)
ktap_plan $((2 + 4 * ${#bdfs[@]}))

ktap_check "load $E1KX_DRIVER" load_e1kx
if [ "${#bdfs[@]}" -eq "$E1KX_NICS" ]; then
	ktap_ok "found $E1KX_NICS 82574L devices"
else
	ktap_fail "found $E1KX_NICS 82574L devices" "found ${#bdfs[@]}"
fi

for bdf in "${bdfs[@]}"; do
	drv=$(nic_driver "$bdf")
	if [ "$drv" = "$E1KX_DRIVER" ]; then
		ktap_ok "$bdf: sysfs driver is $E1KX_DRIVER"
	else
		ktap_fail "$bdf: sysfs driver is $E1KX_DRIVER" "driver: ${drv:-none}"
	fi
	ifname=$(ls "/sys/bus/pci/devices/$bdf/net" 2>/dev/null | head -n1 || true)
	info=$(ethtool -i "${ifname:-none}" 2>&1 || true)
	echo "$info" | sed 's/^/# /'
	if echo "$info" | grep -qx "driver: $E1KX_DRIVER"; then
		ktap_ok "$bdf: ethtool -i driver: $E1KX_DRIVER"
	else
		ktap_fail "$bdf: ethtool -i driver: $E1KX_DRIVER" "netdev '${ifname:-}'"
	fi
	if echo "$info" | grep -Eq '^firmware-version: *[^ ]+'; then
		ktap_ok "$bdf: ethtool -i firmware-version is set"
	else
		ktap_fail "$bdf: ethtool -i firmware-version is set"
	fi
	if echo "$info" | grep -qx "bus-info: $bdf"; then
		ktap_ok "$bdf: ethtool -i bus-info: $bdf"
	else
		ktap_fail "$bdf: ethtool -i bus-info: $bdf"
	fi
done

unload_e1kx
ktap_finish
