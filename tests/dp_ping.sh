#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv4 and IPv6 ping both ways between the guest NIC and its host tap peer.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 180
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

ktap_plan 5
unload_e1kx
if net_tap_setup 0; then
	ktap_ok "$E1KX_DRIVER: $NET_IF up with $G4 and $G6, carrier"
else
	ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
fi

# The first reply may wait for ARP/ND; afterwards 5 of 5 must come back.
for a in "$P4" "$P6"; do
	if wait_ping "$a" 30 && ping -c 5 -i 0.2 -W 3 "$a" >/dev/null; then
		ktap_ok "guest -> peer ping $a (5/5)"
	else
		ktap_fail "guest -> peer ping $a (5/5)" "$(ping -c 5 -i 0.2 -W 3 "$a" | tail -n2 | head -n1)"
	fi
done
for a in "$G4" "$G6"; do
	if peer_wait_ping "$a" 30 && peer "ping -c 5 -i 0.2 -W 3 $a" >/dev/null; then
		ktap_ok "peer -> guest ping $a (5/5)"
	else
		ktap_fail "peer -> guest ping $a (5/5)" "$(peer "ping -c 5 -i 0.2 -W 3 $a" | tail -n2 | head -n1)"
	fi
done

unload_e1kx
ktap_finish
