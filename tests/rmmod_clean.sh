#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod with the link up and with it down leaves no netdev, driver dir or kernel report.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 120
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

unload_e1kx
mac=$(nic_mac 0)
ktap_plan 10

# after_rmmod STATE: nothing of the driver is left.
after_rmmod() {
	ktap_check "$1: rmmod" unload_e1kx
	if [ -z "$(nic_by_mac "$mac" || true)" ]; then
		ktap_ok "$1: no netdev left"
	else
		ktap_fail "$1: no netdev left" "$(nic_by_mac "$mac") still exists"
	fi
	if [ ! -e "/sys/bus/pci/drivers/$E1KX_DRIVER" ] &&
		[ ! -e "/sys/module/$E1KX_DRIVER" ]; then
		ktap_ok "$1: no sysfs driver dir"
	else
		ktap_fail "$1: no sysfs driver dir"
	fi
	local r
	r=$(dmesg_report)
	if [ -z "$r" ]; then
		ktap_ok "$1: no kernel report in dmesg"
	else
		ktap_fail "$1: no kernel report in dmesg" "$r"
	fi
}

load_e1kx || ktap_bail "cannot load $E1KX_DRIVER"
ifname=$(nic_if 0)
ip link set "$ifname" up
ktap_check "link up: carrier" wait_carrier "$ifname" 10
after_rmmod "link up"

load_e1kx || ktap_bail "cannot reload $E1KX_DRIVER"
ifname=$(nic_if 0)
ktap_check "link down: interface is down" test "$(cat "/sys/class/net/$ifname/operstate")" = down
after_rmmod "link down"
ktap_finish
