#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Demo: boot a guest with one 82574L (tap-wired to a host peer), load e1kx,
# bring the link up and show what the driver reports.
set -euo pipefail

cd "$(dirname "$0")/.."
[ -f "${E1KX_KO:-e1kx.ko}" ] || { echo "demo: build e1kx.ko first (make)" >&2; exit 1; }

exec scripts/e1kx-vm --nics 1 --wiring tap --timeout 300 ${KERNEL:+--kernel "$KERNEL"} \
	--ko "${E1KX_KO:-e1kx.ko}" -- bash -c '
	set -euo pipefail
	. tests/lib.sh
	echo "== loading $(e1kx_ko)"
	load_e1kx
	ifname=$(nic_if 0)
	echo "== NIC 0: $(nic_bdf 0) -> $ifname"
	ip link set "$ifname" up
	if wait_carrier "$ifname" 10; then echo "== carrier up"; else echo "== NO carrier"; fi
	echo "== ethtool -i $ifname"; ethtool -i "$ifname"
	echo "== ethtool $ifname"; ethtool "$ifname"
	echo "== ip -s link show $ifname"; ip -s link show "$ifname"
	unload_e1kx
'
