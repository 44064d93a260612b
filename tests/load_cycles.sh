#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 20 cycles of load / link up / unload with the interface up.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 400
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

CYCLES=${CYCLES:-20}
unload_e1kx
ktap_plan "$CYCLES"
mac=$(nic_mac 0)

for ((i = 1; i <= CYCLES; i++)); do
	why=
	if ! load_e1kx; then
		why="load failed"
	else
		ifname=$(nic_if 0 || true)
		if [ -z "$ifname" ]; then
			why="no netdev after load"
		elif [ "$(nic_driver "$(nic_bdf 0)")" != "$E1KX_DRIVER" ]; then
			why="not bound to $E1KX_DRIVER"
		elif ! ip link set "$ifname" up; then
			why="ip link set up failed"
		elif ! wait_carrier "$ifname" 10; then
			why="no carrier within 10 s"
		fi
	fi
	if ! unload_e1kx; then
		why="${why:+$why; }rmmod failed"
	elif [ -n "$(nic_by_mac "$mac" || true)" ]; then
		why="${why:+$why; }netdev left after rmmod"
	fi
	if [ -z "$why" ]; then
		ktap_ok "cycle $i"
	else
		ktap_fail "cycle $i" "$why"
	fi
done

ktap_finish
