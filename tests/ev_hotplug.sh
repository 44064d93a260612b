#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hot-unplug under traffic: while iperf3 sends guest -> peer, the NIC is
# removed with the QEMU monitor's device_del (it sits on the hot-pluggable
# PCIe root port rp0).  The guest must release it (PCI device and netdev
# gone, QEMU finishes the unplug), iperf3 must exit on SIGINT (no task
# stuck on the dead netdev; it is killed only after that check), and
# the driver must stay loaded and sane.  device_add with the same
# properties and the surviving netdev backend net0 must then give a new
# netdev bound to the driver that passes traffic.  E1KX_HOTPLUG_CYCLES
# (default 2) unplug/replug cycles.  Kernel reports (hung tasks,
# "unregister_netdevice: waiting for", splats) fail the test through the
# harness's dmesg check.
#
# The guest uses QEMU's ACPI hotplug on the root ports (pcihp=acpi), not
# the harness's default native PCIe hotplug: on every removal, Linux 6.1's
# pciehp re-takes its ctrl->reset_lock while holding pci_rescan_remove_lock
# (pciehp_unconfigure_device) and lockdep reports a circular dependency
# there, in pciehp alone, and then turns itself off for the rest of the
# guest.  (The unplug path through e1kx's remove() is the same.)
#
# e1kx-topology: nics=1 wiring=tap pcihp=acpi append=
# e1kx-timeout: 600
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_ev.sh
source "$(dirname "$0")/lib_ev.sh"

CYCLES=${E1KX_HOTPLUG_CYCLES:-2}
MAC=$(nic_mac 0)
DEV_ARGS="e1000e,netdev=net0,mac=$MAC,id=nic0,bus=rp0,rombar=0,romfile="

# True while QEMU still has the device nic0.
qemu_has_nic0() {
	ctl qmp '{"execute":"qom-list","arguments":{"path":"/machine/peripheral"}}' |
		grep -q '"name": "nic0"'
}

# Address NET_IF again (the replugged netdev is a new interface).
# shellcheck disable=SC2317 # run through ktap_check/trap
readdress() {
	ip link set "$NET_IF" up || return 1
	ip addr add "$G4/24" dev "$NET_IF" || return 1
	ip addr add "$G6/64" dev "$NET_IF" nodad || return 1
	wait_carrier "$NET_IF" 15
}

ktap_plan $((CYCLES * 8))
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
trap 'net_cleanup' EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"
qemu_has_nic0 || ktap_bail "QEMU has no device nic0"

for ((c = 1; c <= CYCLES; c++)); do
	bdf=$(nic_bdf 0)
	ifname=$NET_IF
	echo "# cycle $c: $ifname at $bdf"
	ev_iperf_start $((6100 + c)) 40
	sleep 5
	ctl hmp "device_del nic0" >/dev/null
	t0=$SECONDS
	while { [ -e "/sys/bus/pci/devices/$bdf" ] ||
		[ -e "/sys/class/net/$ifname" ]; } && ((SECONDS - t0 < 30)); do
		sleep 0.2
	done
	gone=$((SECONDS - t0))
	if [ ! -e "/sys/bus/pci/devices/$bdf" ] && [ ! -e "/sys/class/net/$ifname" ]; then
		ktap_ok "cycle $c: device_del under iperf3: $bdf and $ifname gone after ${gone}s"
	else
		ktap_fail "cycle $c: device_del under iperf3: device and netdev gone" \
			"still present after 30 s"
	fi
	t0=$SECONDS
	while qemu_has_nic0 && ((SECONDS - t0 < 30)); do
		sleep 0.5
	done
	ktap_check "cycle $c: QEMU completed the unplug" eval '! qemu_has_nic0'
	ktap_check "cycle $c: $E1KX_DRIVER still loaded" driver_loaded
	# iperf3 itself waits forever for results over its dead control
	# connection; what must not hang is the kernel: its sockets on the
	# removed netdev must let it exit on SIGINT.
	kill -INT "$EV_IPID" 2>/dev/null
	if guest_wait_pid "$EV_IPID" 15; then
		ktap_ok "cycle $c: iperf3 on the removed netdev exits on SIGINT (no task stuck)"
	else
		why="still running 15 s after SIGINT"
		kill -KILL "$EV_IPID" 2>/dev/null
		guest_wait_pid "$EV_IPID" 15 || why+=", and 15 s after SIGKILL"
		ktap_fail "cycle $c: iperf3 on the removed netdev exits on SIGINT (no task stuck)" "$why"
	fi
	wait "$EV_IPID" 2>/dev/null
	echo "# iperf3 across the unplug: $(ev_iperf_summary)"

	out=$(ctl hmp "device_add $DEV_ARGS" 2>&1)
	[ -n "$out" ] && echo "# device_add: $out"
	unset E1KX_BDF_MAP
	t0=$SECONDS
	NET_IF=
	while [ -z "$NET_IF" ] && ((SECONDS - t0 < 60)); do
		NET_IF=$(nic_by_mac "$MAC" || true)
		[ -z "$NET_IF" ] && sleep 0.5
	done
	if [ -n "$NET_IF" ]; then
		ktap_ok "cycle $c: device_add: new netdev $NET_IF after $((SECONDS - t0))s"
	else
		ktap_fail "cycle $c: device_add: new netdev" "none with $MAC after 60 s"
		break
	fi
	nbdf=$(nic_bdf 0 || true)
	drv=$(nic_driver "$nbdf")
	ktap_check "cycle $c: $nbdf bound to $E1KX_DRIVER ($drv)" test "$drv" = "$E1KX_DRIVER"
	ktap_check "cycle $c: $NET_IF addressed, carrier up" readdress
	if wait_ping "$P4" 30 && ev_iperf_once $((6200 + c)) 10; then
		ktap_ok "cycle $c: ping and a clean 10 s iperf3 run on the new $NET_IF"
	else
		ktap_fail "cycle $c: ping and a clean 10 s iperf3 run on the new $NET_IF"
	fi
done
ktap_finish
