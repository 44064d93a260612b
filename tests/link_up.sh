#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ip link set up brings carrier within 10 s; ethtool reports 1000/Full, link detected.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 120
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

unload_e1kx
ktap_plan 6
ktap_check "load $E1KX_DRIVER" load_e1kx
ifname=$(nic_if 0 || true)
[ -n "$ifname" ] || ktap_bail "no netdev for nic0"

ktap_check "ip link set $ifname up" ip link set "$ifname" up
ktap_check "$ifname carrier within 10 s" wait_carrier "$ifname" 10
eth=$(ethtool "$ifname" 2>&1 || true)
echo "$eth" | sed 's/^/# /'
ktap_check "ethtool: Link detected: yes" grep -q 'Link detected: yes' <<<"$eth"
ktap_check "ethtool: Speed: 1000Mb/s" grep -q 'Speed: 1000Mb/s' <<<"$eth"
ktap_check "ethtool: Duplex: Full" grep -q 'Duplex: Full' <<<"$eth"

unload_e1kx
ktap_finish
