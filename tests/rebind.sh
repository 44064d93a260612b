#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# e1kx-bind moves NIC1 to e1000e and back while NIC0 stays on e1kx
# (--to e1000e BDF, then BDF alone: e1kx is the default target), then
# every 82574L to e1000e (--to e1000e) and back to e1kx (no argument).
#
# e1kx-topology: nics=2 wiring=tap append=
# e1kx-timeout: 180
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

unload_e1kx
modprobe -r e1000e 2>/dev/null || true
ktap_plan 17
ktap_check "load $E1KX_DRIVER" load_e1kx
bdf0=$(nic_bdf 0)
bdf1=$(nic_bdf 1)

# check_state STEP DRV0 DRV1: drivers per device; NIC1's netdev links.
check_state() {
	local step=$1 d0 d1 ifname
	d0=$(nic_driver "$bdf0")
	d1=$(nic_driver "$bdf1")
	if [ "$d0" = "$2" ] && [ "$d1" = "$3" ]; then
		ktap_ok "$step: $bdf0 on $2, $bdf1 on $3"
	else
		ktap_fail "$step: $bdf0 on $2, $bdf1 on $3" "got ${d0:-none}, ${d1:-none}"
	fi
	ifname=$(nic_if 1 || true)
	if [ -n "$ifname" ] &&
		[ "$(cat "/sys/class/net/$ifname/address")" = "$(nic_mac 1)" ]; then
		ktap_ok "$step: nic1 netdev $ifname exists"
	else
		ktap_fail "$step: nic1 netdev exists"
	fi
	ip link set "${ifname:-none}" up 2>/dev/null || true
	ktap_check "$step: nic1 carrier" wait_carrier "${ifname:-none}" 10
}

ktap_check "e1kx-bind --to e1000e $bdf1" e1kx-bind --to e1000e "$bdf1"
check_state "moved" "$E1KX_DRIVER" e1000e
# e1kx-bind's default target is e1kx (another driver under test: --to it)
to=()
[ "$E1KX_DRIVER" = e1kx ] || to=(--to "$E1KX_DRIVER")
ktap_check "e1kx-bind${to[*]:+ ${to[*]}} $bdf1" e1kx-bind "${to[@]}" "$bdf1"
check_state "back" "$E1KX_DRIVER" "$E1KX_DRIVER"
ktap_check "e1kx-bind --to e1000e (every 82574L)" e1kx-bind --to e1000e
check_state "all moved" e1000e e1000e
ktap_check "e1kx-bind${to[*]:+ ${to[*]}} (every 82574L)" e1kx-bind "${to[@]}"
check_state "all back" "$E1KX_DRIVER" "$E1KX_DRIVER"

unload_e1kx
modprobe -r e1000e 2>/dev/null || true
ktap_finish
