#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# QEMU set_link off/on is seen as carrier loss/return (3 times).
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 180
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

unload_e1kx
ktap_plan $((3 + 2 * 3))
ktap_check "load $E1KX_DRIVER" load_e1kx
ifname=$(nic_if 0 || true)
[ -n "$ifname" ] || ktap_bail "no netdev for nic0"
ktap_check "ip link set $ifname up" ip link set "$ifname" up
ktap_check "$ifname initial carrier" wait_carrier "$ifname" 10

for i in 1 2 3; do
	ctl hmp "set_link net0 off" >/dev/null
	ktap_check "flap $i: carrier lost within 5 s of set_link off" \
		wait_no_carrier "$ifname" 5
	ctl hmp "set_link net0 on" >/dev/null
	ktap_check "flap $i: carrier back within 10 s of set_link on" \
		wait_carrier "$ifname" 10
done

ctl hmp "set_link net0 on" >/dev/null
unload_e1kx
ktap_finish
