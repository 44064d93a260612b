#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod with the link up and with it down (after up, then down: the
# interface loses its UP flag and e1kx stops its receiver and transmitter)
# leaves no netdev, driver dir or kernel report.
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

# link_stopped IF: IF is administratively down, and (e1kx) the driver
# stopped the MAC: receiver and transmitter enables (RCTL.EN, TCTL.EN, bit
# 1 of the 18th and 19th words of e1kx's raw register dump) are clear.
link_stopped() {
	local -a w
	if ip -o link show dev "$1" | grep -q '[<,]UP[,>]'; then
		echo "# $1 still has the UP flag"
		return 1
	fi
	[ "$E1KX_DRIVER" = e1kx ] || return 0
	mapfile -t w < <(ethtool -d "$1" raw on | od -An -v -tu4 -w4)
	if [ "${#w[@]}" -lt 19 ]; then
		echo "# ethtool -d $1 raw on: ${#w[@]} words"
		return 1
	fi
	echo "# RCTL $(printf %#x "${w[17]}") TCTL $(printf %#x "${w[18]}")"
	((!(w[17] & 2) && !(w[18] & 2)))
}

load_e1kx || ktap_bail "cannot reload $E1KX_DRIVER"
ifname=$(nic_if 0)
ip link set "$ifname" up
wait_carrier "$ifname" 10
ip link set "$ifname" down
ktap_check "link down: interface down after up/down, MAC stopped" link_stopped "$ifname"
after_rmmod "link down"
ktap_finish
