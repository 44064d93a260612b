#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Each netdev's MAC address is the one QEMU was given (mac= property).
#
# e1kx-topology: nics=2 wiring=tap append=
# e1kx-timeout: 120
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

unload_e1kx
ktap_plan $((1 + 2 * E1KX_NICS))
ktap_check "load $E1KX_DRIVER" load_e1kx

for ((k = 0; k < E1KX_NICS; k++)); do
	want=$(nic_mac "$k")
	ifname=$(nic_if "$k" || true)
	got=$(cat "/sys/class/net/${ifname:-none}/address" 2>/dev/null || true)
	if [ -n "$ifname" ] && [ "$got" = "$want" ]; then
		ktap_ok "nic$k ($ifname) MAC is $want"
	else
		ktap_fail "nic$k (${ifname:-no netdev}) MAC is $want" "got '${got}'"
	fi
	byname=$(nic_by_mac "$want" || true)
	if [ -n "$byname" ] && [ "$byname" = "$ifname" ]; then
		ktap_ok "nic_by_mac $want finds $ifname"
	else
		ktap_fail "nic_by_mac $want finds ${ifname:-?}" "found '${byname}'"
	fi
done

unload_e1kx
ktap_finish
