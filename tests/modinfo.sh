#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# modinfo e1kx.ko: PCI aliases for 10D3 and 10F6, GPL license, no module parameters.
#
# e1kx-topology: nics=2 wiring=tap append=
# e1kx-timeout: 60
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

ko=$(e1kx_ko)
[ "$E1KX_DRIVER" = e1kx ] || ktap_skip_all "driver under test is $E1KX_DRIVER"
[ -f "$ko" ] || { ktap_plan 1; ktap_fail "$ko exists"; ktap_finish; }
info=$(modinfo "$ko")
echo "$info" | sed 's/^/# /'
ktap_plan 4
ktap_check "alias 8086:10D3" grep -qx 'alias: *pci:v00008086d000010D3sv\*sd\*bc\*sc\*i\*' <<<"$info"
ktap_check "alias 8086:10F6" grep -qx 'alias: *pci:v00008086d000010F6sv\*sd\*bc\*sc\*i\*' <<<"$info"
ktap_check "license GPL" grep -Eqx 'license: *GPL( v2)?' <<<"$info"
if grep -q '^parm:' <<<"$info"; then
	ktap_fail "no module parameters" "$(grep '^parm:' <<<"$info" | head -n1)"
else
	ktap_ok "no module parameters"
fi
ktap_finish
