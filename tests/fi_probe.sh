#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Probe under allocation failures: NIC 0 is bound to e1kx through
# /sys/bus/pci/drivers/e1kx/bind with the N-th kernel allocation of the
# binding task failing (fail-nth, failslab + fail_page_alloc), for N = 1, 2,
# ... until a bind succeeds without the fault firing (at most E1KX_FI_MAX).
# Every failed bind must leave the device unbound without a netdev, every
# successful one a netdev that unbinds cleanly (tests/tools/fi_nth.py).
# Afterwards the NIC binds, passes traffic and rmmod is clean; the harness
# fails the test on any kernel report (KASAN, lockdep, DMA-API, ...) and the
# debug run's kmemleak scan on any leaked e1kx object.
# Skips on kernels without fault injection (Debian's stock kernel).
#
# A probe makes about 500 allocations (most of them in register_netdev and
# the PCI/ACPI/MSI-X core), E1KX_FI_MAX (default 1000) caps the sweep.
# The fi_* tests get a guest of their own (the append= below only makes
# the topology distinct): failed allocations inside ACPI leave the guest's
# ACPI namespace damaged ("ACPI Error: ... [PRTA]", legacy IRQ routing
# lost), which the rest of the suite must not inherit.
#
# e1kx-topology: nics=1 wiring=tap append=e1kx.isolate=fi acpi=noirq
# e1kx-timeout: 900
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_fi.sh
source "$(dirname "$0")/lib_fi.sh"

why=$(fi_available) || ktap_skip_all "$why"
# shellcheck disable=SC2034 # read by fi_sweep (lib_fi.sh)
FI_MAX=${E1KX_FI_MAX:-1000}
ktap_plan 5
trap fi_restore EXIT
unload_e1kx
load_e1kx || ktap_bail "cannot load e1kx"
BDF=$(nic_bdf 0) || ktap_bail "no NIC 0"
[ "$(nic_driver "$BDF")" = e1kx ] || ktap_bail "NIC 0 ($BDF) not bound to e1kx"

fi_enable
fi_sweep "probe: fail-nth sweep over bind $BDF" bind "$BDF"
fi_restore
fi_dma_debug_note

if echo "$BDF" >/sys/bus/pci/drivers/e1kx/bind && wait_netdevs 5; then
	ktap_ok "bind without faults gives a netdev"
else
	ktap_fail "bind without faults gives a netdev" "driver: $(nic_driver "$BDF")"
fi
if net_tap_setup 0 && wait_ping "$P4" 30; then
	ktap_ok "NIC 0 passes traffic after the sweep"
else
	ktap_fail "NIC 0 passes traffic after the sweep" "no ping reply from $P4"
fi
if rmmod e1kx && ! driver_loaded e1kx; then
	ktap_ok "rmmod e1kx is clean"
else
	ktap_fail "rmmod e1kx is clean" "module still loaded"
fi
if [ -z "$(e1kx_bdfs | while read -r b; do nic_driver "$b"; done)" ]; then
	ktap_ok "no 82574L left bound after rmmod"
else
	ktap_fail "no 82574L left bound after rmmod"
fi
ktap_finish
