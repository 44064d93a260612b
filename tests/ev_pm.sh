#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# System sleep with traffic before and after.  With a non-default setup
# (MTU 1400, 512-entry rings), iperf3 guest -> peer must work; then each
# transition below must call the driver through the PCI core for the NIC
# (seen with /sys/power/pm_print_times), return 0 there, and leave the
# interface with carrier, its setup, and working traffic (a ping burst):
#   - suspend-to-idle with pm_test=platform: suspend, suspend_late,
#     suspend_noirq (D3hot), then resume; with Wake-on-LAN (magic packet)
#     configured, the suspend callback must leave it armed: the debugfs
#     pm_snapshot it takes shows WUC.PME_EN, WUFC.MAG, CTRL.ADVD3WUC and
#     the PHY's power management enable set, and the PHY powered;
#   - hibernation with pm_test=core: freeze (to the last step before the
#     image would be taken), then restore;
#   - hibernation without swap: freeze, the image is taken, thaw, then the
#     image cannot be written (no swap), which the test expects.
# Last, under the harness and with e1kx: the driver is loaded again, the
# link brought up, and the guest enters ACPI S4 the way a hibernating
# system powers off after writing its image (user-space hibernation
# through /dev/snapshot: freeze, then power off; no image is needed for
# that).  The PCI core runs the poweroff callbacks, printed on the console
# (no_console_suspend, pm_print_times), and QEMU ends.  The guest cannot
# report on that itself: it asks the harness (@@E1KX-CONSOLE-REQUIRE, see
# scripts/check.py) to fail ev_pm unless the console shows
# pci_pm_poweroff and pci_pm_poweroff_noirq returning 0 for the NIC.
# shutdown runs at every other guest's power-off.
# A real suspend-to-idle (rtcwake -m freeze) never wakes up in QEMU 7.2:
# its RTC alarm is not a wake-up event there.
# Finally the driver must unload cleanly.
#
# Every virtio device goes through the same transitions, and QEMU's
# virtio-9p has no freeze/restore in Linux 6.1: after the first one the
# guest's 9p root is dead.  So under the harness (root on 9p) the test
# copies what it needs into a tmpfs root, continues there, prints its own
# result line (and the kmemleak one) on the harness's serial port and
# powers the guest off; it runs alone in its guest (append=e1kx.isolate).
#
# e1kx-topology: nics=1 wiring=tap mem=2048 append=e1kx.isolate=pm no_console_suspend
# e1kx-timeout: 600
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_ev.sh
source "$(dirname "$0")/lib_ev.sh"

PM_MTU=1400
PM_RING=512
# Programs the second part runs (plus their libraries) in the tmpfs root
PM_TOOLS="bash cat sleep grep sed awk tee head tail tr wc cut mktemp rm sync
	dmesg ip ethtool ping rmmod dirname insmod perl"

# pm_cfg_ok: the setup made before the first transition is still there
pm_cfg_ok() {
	local mtu rx
	mtu=$(cat "/sys/class/net/$NET_IF/mtu")
	rx=$(ethtool -g "$NET_IF" 2>/dev/null |
		awk '/^Current/ { cur = 1 } cur && /^RX:/ { print $2; exit }')
	echo "# mtu $mtu, rx ring $rx"
	[ "$mtu" = "$PM_MTU" ] && [ "$rx" = "$PM_RING" ]
}

# pm_traffic_ok: carrier, then 100 pings of 1200 bytes all answered
pm_traffic_ok() {
	local rx0 rx1 res
	wait_carrier "$NET_IF" 20 || { echo "# no carrier"; return 1; }
	wait_ping "$P4" 30 || { echo "# peer unreachable"; return 1; }
	rx0=$(if_stat "$NET_IF" rx_packets)
	res=$(ping -c 100 -i 0.02 -s 1200 -W 5 "$P4" | grep 'packets transmitted')
	rx1=$(if_stat "$NET_IF" rx_packets)
	echo "# ping: $res; rx_packets +$((rx1 - rx0))"
	[[ "$res" == *" 100 received"* ]] && [ $((rx1 - rx0)) -ge 100 ]
}

# pm_called CB...: each PCI PM callback ran for the NIC and returned 0
pm_called() {
	local cb log
	log=$(dmesg_since "$PM_MARK")
	for cb in "$@"; do
		if ! grep -qE "$PM_BDF: (PM: )?pci_pm_$cb(\+0x[0-9a-f]+/0x[0-9a-f]+)? returned 0 after" <<<"$log"; then
			echo "# no \"pci_pm_$cb ... returned 0\" for $PM_BDF in dmesg"
			grep -E "$PM_BDF|PM: " <<<"$log" | sed 's/^/#   /'
			return 1
		fi
	done
}

# pm_cycle DESC STATE TEST EXPECT_RC CB...: write STATE to /sys/power/state
# with pm_test=TEST ("" for none), check
# the write's result, the NIC's PCI PM callbacks, then link, setup, traffic.
pm_cycle() {
	local desc=$1 state=$2 test=$3 want=$4 rc
	shift 4
	PM_MARK=$(kmsg_mark "pm cycle: $desc")
	echo "# before: $(grep -E '^(MemTotal|MemFree|MemAvailable):' /proc/meminfo | tr -s ' \n' ' ')"
	echo "${test:-none}" >/sys/power/pm_test
	rc=0
	# shellcheck disable=SC2320 # the status of the write itself
	echo "$state" >/sys/power/state || rc=$?
	echo none >/sys/power/pm_test
	echo "# $desc: write returned $rc"
	if [ "$want" = 0 ]; then
		ktap_check "$desc: sleep entered and left (status $rc)" test "$rc" -eq 0
	else
		ktap_check "$desc: image not written without swap (status $rc)" test "$rc" -ne 0
	fi
	ktap_check "$desc: driver called through pci_pm_{$(IFS=,; echo "$*")}" pm_called "$@"
	ktap_check "$desc: traffic after" pm_traffic_ok
	ktap_check "$desc: MTU and ring size kept" pm_cfg_ok
	pm_no_report "$desc" "$PM_MARK"
}

# pm_no_report DESC [MARK]: no kernel report in the kernel log since MARK
# (default: since the test started)
pm_no_report() {
	local r
	r=$(dmesg_report "${2-$E1KX_TEST_MARK}")
	[ -z "$r" ] || echo "# $r"
	ktap_check "$1: no kernel report in dmesg" test -z "$r"
}

# pm_wol_armed: what the last suspend left in the device (debugfs)
pm_wol_armed() {
	local f=/sys/kernel/debug/e1kx/$PM_BDF/pm_snapshot k v all=
	local -A r=()
	[ -r "$f" ] || return 1
	while read -r k v; do
		r[$k]=$((v))
		all+="$k $v "
	done <"$f"
	echo "# pm_snapshot: $all"
	[ $((r[wuc] & 0x2)) -ne 0 ] && [ $((r[wufc] & 0x2)) -ne 0 ] &&
		[ $((r[ctrl] & 0x300000)) -eq $((0x300000)) ] &&
		[ $((r[bmcr] & 0x800)) -eq 0 ]
}

# Second part: the transitions (in the tmpfs root under the harness)
pm_cycles() {
	pm_no_report "before the transitions"
	echo 1 >/sys/power/pm_print_times
	if grep -qw freeze /sys/power/state; then
		ethtool -s "$NET_IF" wol g
		pm_cycle "s2idle dry run" freeze platform 0 \
			suspend suspend_late suspend_noirq resume_noirq resume
		ktap_check "s2idle: Wake-on-LAN armed by the suspend callback" \
			pm_wol_armed
		ethtool -s "$NET_IF" wol d
	else
		ktap_skip "suspend-to-idle" "no freeze in /sys/power/state"
		ktap_skip "suspend-to-idle: WoL" "no freeze in /sys/power/state"
	fi
	if grep -qw disk /sys/power/state; then
		pm_cycle "hibernation dry run" disk core 0 \
			freeze freeze_noirq restore_noirq restore
		pm_cycle "hibernation snapshot" disk "" 1 freeze thaw
	else
		ktap_skip "hibernation" "no disk in /sys/power/state (CONFIG_HIBERNATION)"
	fi
	echo 0 >/sys/power/pm_print_times
	check_no_tx_timeout "$NET_IF"
	ip link set "$NET_IF" down
	ktap_check "rmmod $E1KX_DRIVER after the transitions" rmmod "$E1KX_DRIVER"
}

# pm_ramroot DIR: a root in DIR (tmpfs) with PM_TOOLS, their libraries and
# the test scripts in DIR/t; /proc, /sys, /dev and debugfs mounted
pm_ramroot() {
	local d=$1 t p lib
	mkdir -p "$d" && mount -t tmpfs -o mode=0755 pmroot "$d" || return 1
	mkdir -p "$d/bin" "$d/t" "$d/tmp" "$d/proc" "$d/sys" "$d/dev" "$d/etc" || return 1
	for t in $PM_TOOLS; do
		p=$(command -v "$t") || { echo "# $t not found"; return 1; }
		cp -L "$p" "$d/bin/$t" || return 1
		for lib in $(ldd "$p" | grep -oE '/[^ ]+\.so[^ ]*'); do
			[ -e "$d$lib" ] || cp -L --parents "$lib" "$d" || return 1
		done
	done
	ln -s bash "$d/bin/sh"
	cp -L /etc/ld.so.cache "$d/etc/" 2>/dev/null
	cp "$E1KX_TESTS_DIR"/{lib.sh,lib_net.sh,lib_ev.sh,ev_pm.sh} "$d/t/" || return 1
	if [ "$E1KX_DRIVER" = e1kx ]; then
		cp "$(e1kx_ko)" "$d/t/e1kx.ko" || return 1
	fi
	mount -t proc proc "$d/proc" && mount -t sysfs sysfs "$d/sys" &&
		mount -t devtmpfs devtmpfs "$d/dev" || return 1
	mount -t debugfs debugfs "$d/sys/kernel/debug" 2>/dev/null
	{
		declare -p NET_IF P4 PM_BDF _ktap_n _ktap_passed _ktap_failed \
			_ktap_skipped _ktap_plan E1KX_TEST_MARK
		echo "export PATH=/bin E1KX_DRIVER=$E1KX_DRIVER"
		printf 'export E1KX_RUNNER_MARK=%q\n' "${E1KX_RUNNER_MARK-}"
	} >"$d/t/state.sh"
}

# ioctl numbers of <linux/suspend_ioctls.h>: _IO('3', nr)
SNAPSHOT_FREEZE=$((0x3301))
SNAPSHOT_PLATFORM_SUPPORT=$((0x330f))
SNAPSHOT_POWER_OFF=$((0x3310))

# pm_poweroff_prepare OUT: load e1kx again, bring its link up and tell the
# harness what the console must show after the S4 power-off.  Returns 1 if
# the power-off is not to be tried (the reason goes to OUT); once the
# harness has been told, such a return fails ev_pm there.
pm_poweroff_prepare() {
	local out=$1 ifc='' cb n
	local -a nets
	if [ "$E1KX_DRIVER" != e1kx ]; then
		echo "# S4 power-off not tried: driver $E1KX_DRIVER" >"$out"
		return 1
	fi
	if ! grep -qw platform /sys/power/disk; then
		echo "# S4 power-off not tried: no platform mode in /sys/power/disk" >"$out"
		return 1
	fi
	# From here on a failure to get there fails ev_pm
	for cb in poweroff poweroff_noirq; do
		printf '@@E1KX-CONSOLE-REQUIRE ev_pm.sh %s@@ %s\n' \
			"S4 power-off: pci_pm_$cb returned 0 for $PM_BDF" \
			"$PM_BDF: (PM: )?pci_pm_$cb(\+0x[0-9a-f]+/0x[0-9a-f]+)? returned 0 after" >"$out"
	done
	insmod /t/e1kx.ko || { echo "# S4 power-off: insmod failed" >"$out"; return 1; }
	for ((n = 0; n < 50; n++)); do
		nets=("/sys/bus/pci/devices/$PM_BDF/net/"*)
		[ -e "${nets[0]}" ] && ifc=${nets[0]##*/} && break
		sleep 0.1
	done
	if ip link set "${ifc:-none}" up && wait_carrier "$ifc" 20; then
		echo "# S4 power-off with e1kx loaded, $ifc up with carrier" >"$out"
	else
		echo "# S4 power-off: $PM_BDF (${ifc:-no netdev}) has no carrier" >"$out"
	fi
	echo 1 >/sys/power/pm_print_times
}

# pm_poweroff_enter OUT: power the guest off through ACPI S4 as hibernation
# does (user-space hibernation: freeze, then power off; no image needed).
# Returns only if that failed.  Nothing here may wait for a frozen task:
# output goes straight to the serial port.
pm_poweroff_enter() {
	perl -e 'open(my $f, "<", "/dev/snapshot") or die "# /dev/snapshot: $!\n";
		ioctl($f, $ARGV[0], 0) or die "# SNAPSHOT_FREEZE: $!\n";
		ioctl($f, $ARGV[1], 1) or die "# SNAPSHOT_PLATFORM_SUPPORT: $!\n";
		ioctl($f, $ARGV[2], 0) or die "# SNAPSHOT_POWER_OFF: $!\n";
		print "# SNAPSHOT_POWER_OFF returned\n";' \
		"$SNAPSHOT_FREEZE" "$SNAPSHOT_PLATFORM_SUPPORT" "$SNAPSHOT_POWER_OFF" \
		>"$1" 2>&1
}

# Under the harness, in the tmpfs root: run the cycles, then print the
# result lines the runner would have printed and power the guest off.
pm_takeover() {
	local out=$E1KX_SERIAL_OUT log=/tmp/ev_pm.out rc failed=0 s4=0
	# The plan, for the runner's count of results (the first part's results
	# went out before the takeover, numbered from 1)
	echo "1..$_ktap_plan" >"$log"
	bash /t/ev_pm.sh --cycles 2>&1 | tee -a "$log" | sed -u 's/^/# /' >"$out"
	rc=${PIPESTATUS[0]}
	runner_verdict "$E1KX_RUNNER_N" ev_pm.sh "$rc" "$log" >"$out" || failed=1
	if [ "${E1KX_RUNNER_KMEMLEAK:-0}" = 1 ]; then
		runner_kmemleak $((E1KX_RUNNER_N + 1)) "$log.kmemleak" >"$out" || failed=1
	fi
	# A subshell: whatever goes wrong in it, the exit marker still follows
	(pm_poweroff_prepare "$out") && s4=1
	printf '\n@@E1KX-EXIT %d@@\n' "$failed" >"$out"
	sync
	[ "$s4" = 1 ] && pm_poweroff_enter "$out"
	echo o >/proc/sysrq-trigger
	sleep 60
}

case "${1:-}" in
--cycles)
	# shellcheck source=/dev/null
	source /t/state.sh 2>/dev/null
	pm_cycles
	ktap_finish
	;;
--takeover)
	# shellcheck source=/dev/null
	source /t/state.sh 2>/dev/null
	pm_takeover
	exit 1
	;;
esac

[ -w /sys/power/pm_test ] ||
	ktap_skip_all "no /sys/power/pm_test (kernel without CONFIG_PM_DEBUG)"
ktap_plan 21
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
PM_BDF=$(nic_bdf 0)
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"
ip link set "$NET_IF" mtu "$PM_MTU" || ktap_bail "cannot set MTU $PM_MTU"
ethtool -G "$NET_IF" rx "$PM_RING" tx "$PM_RING" ||
	ktap_bail "cannot set ring sizes to $PM_RING"
ktap_check "iperf3 before sleep" ev_iperf_once 6301 5
ktap_check "setup read back before sleep" pm_cfg_ok
# Done with the host peer's helpers (the relay is not used after this)
net_cleanup

if [ "$(findmnt -n -o FSTYPE -T /)" != 9p ] || [ -z "${E1KX_SERIAL_OUT:-}" ]; then
	pm_cycles
	ktap_finish
fi

# The 9p root will not survive: go on in a tmpfs root, for good.
rr=/run/e1kx/pmroot
pm_ramroot "$rr" || ktap_bail "cannot build the tmpfs root in $rr"
# Autoloading a module would run modprobe from the 9p root
echo >/proc/sys/kernel/modprobe
echo "# continuing in the tmpfs root $rr"
sleep 1
exec chroot "$rr" /bin/bash -c "source /t/state.sh;
	export E1KX_SERIAL_OUT=$E1KX_SERIAL_OUT E1KX_RUNNER_N=${E1KX_RUNNER_N:-1}
	export E1KX_RUNNER_KMEMLEAK=${E1KX_RUNNER_KMEMLEAK:-0}
	exec bash /t/ev_pm.sh --takeover"
