#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Binding that survives a reboot, over three boots of one writable disk
# (root=disk boots=3: the guest boots like an installed system, udevd
# replaying the boot's device events before any test runs).
#   boot 1: both 82574Ls came up on e1000e; make install, e1kx-bind
#           --persist for NIC 0 only; update-initramfs puts the rule, the
#           softdep and the module into /boot's initramfs for this kernel
#           (with MODULES=list and e1000e listed, see below; not booted:
#           the harness boots its own initramfs, which loads no NIC
#           driver; udevd on the disk's root binds the NICs).
#   boot 2: at boot (the guest init's log line after udev settled, before
#           this test ran) NIC 0 is on e1kx, the installed module, and NIC 1
#           on e1000e; --status says so; e1kx-bind --unpersist.
#   boot 3: both came up on e1000e again, though e1kx is still installed.
#
# e1kx-topology: nics=2 wiring=none root=disk boots=3
# e1kx-timeout: 300
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_install.sh
source "$(dirname "$0")/lib_install.sh"

[ "$E1KX_DRIVER" = e1kx ] || ktap_skip_all "driver under test is $E1KX_DRIVER"
boot=${E1KX_BOOT:-}
[ -n "$boot" ] && [ "${E1KX_BOOTS:-}" = 3 ] ||
	ktap_skip_all "needs three boots of one disk (make check, topology boots=3)"
root_is_writable || ktap_skip_all "the root is not writable (topology root=disk)${E1KX_NO_ROOTDISK:+: $E1KX_NO_ROOTDISK}"
install_src_init
mapfile -t bdfs < <(e1kx_bdfs)
[ "${#bdfs[@]}" -eq 2 ] || ktap_skip_all "needs 2 82574L NICs, found ${#bdfs[@]}"
b0=$(nic_bdf 0)
b1=$(nic_bdf 1)
rules=/etc/udev/rules.d/70-e1kx-bind.rules
modconf=/etc/modprobe.d/e1kx.conf
version=$("$src/scripts/e1kx-version" "$src")

# What the guest init logged once udev had settled, before the job: the
# driver each PCI device came up on in this boot (none: no driver).
boot_driver() {
	local l

	l=$(dmesg | sed -n "s/.*e1kx-init: after udev: $1 [^ ]* on \([^ ]*\)$/\1/p" |
		tail -n 1)
	echo "${l:-none}"
}

# check_boot_drivers D0 D1: ok if this boot put NIC 0 on D0, NIC 1 on D1
check_boot_drivers() {
	local d0 d1

	d0=$(boot_driver "$b0")
	d1=$(boot_driver "$b1")
	echo "# at boot: $b0 on $d0, $b1 on $d1; now: $(nic_driver "$b0"), $(nic_driver "$b1")"
	if [ "$d0" = "$1" ] && [ "$(nic_driver "$b0")" = "$1" ]; then
		ktap_ok "boot $boot: $b0 came up on $1"
	else
		ktap_fail "boot $boot: $b0 came up on $1" "at boot: $d0"
	fi
	if [ "$d1" = "$2" ] && [ "$(nic_driver "$b1")" = "$2" ]; then
		ktap_ok "boot $boot: $b1 came up on $2"
	else
		ktap_fail "boot $boot: $b1 came up on $2" "at boot: $d1"
	fi
}

echo "# boot $boot of 3, e1kx $version, kernel $kver"
case "$boot" in
1)
	[ ! -e "$rules" ] && [ ! -e "$modconf" ] ||
		ktap_skip_all "$rules or $modconf exists on the host"
	ktap_plan 6
	check_boot_drivers e1000e e1000e
	if log make -C "$src" KVER="$kver" install &&
	   [ "$(modinfo -n e1kx 2>&1)" = "$installed_ko" ]; then
		ktap_ok "make install: $installed_ko"
	else
		ktap_fail "make install: $installed_ko"
	fi
	log e1kx-bind --persist "$b0" || true
	sed 's/^/# /' "$rules" "$modconf" 2>/dev/null || true
	if grep -q "KERNEL==\"$b0\", ATTR{driver_override}=\"e1kx\"" "$rules" 2>/dev/null &&
	   grep -qx 'softdep e1000e pre: e1kx' "$modconf" 2>/dev/null; then
		ktap_ok "e1kx-bind --persist $b0: udev rule and softdep"
	else
		ktap_fail "e1kx-bind --persist $b0: udev rule and softdep"
	fi
	# Nothing moves before the reboot
	if [ "$(nic_driver "$b0")" = e1000e ] && [ "$(nic_driver "$b1")" = e1000e ]; then
		ktap_ok "--persist moves no NIC before the reboot"
	else
		ktap_fail "--persist moves no NIC before the reboot"
	fi
	# The initramfs of an installed system: update-initramfs copies the
	# rule, the softdep file and, through the softdep, the module.  Not
	# with Debian's default MODULES=most (every storage and network
	# module: over ten minutes in this emulated guest) but MODULES=list
	# with e1000e listed; the copying of /etc/udev/rules.d,
	# /etc/modprobe.d and of e1000e's soft dependencies is the same.
	# (The harness boots its own initramfs, not this one.)
	initrd=/boot/initrd.img-$kver
	irconf=/etc/initramfs-tools
	echo MODULES=list >"$irconf/conf.d/e1kx-test.conf"
	cp "$irconf/modules" "$irconf/modules.e1kx-test"
	echo e1000e >>"$irconf/modules"
	t0=$SECONDS
	log update-initramfs -u -k "$kver" || true
	dt=$((SECONDS - t0))
	mv "$irconf/modules.e1kx-test" "$irconf/modules"
	rm -f "$irconf/conf.d/e1kx-test.conf"
	inside=$(lsinitramfs "$initrd" 2>/dev/null | grep -E 'e1kx|/e1000e\.ko' || true)
	echo "$inside" | sed 's/^/# in the initramfs: /'
	if grep -q "udev/rules.d/${rules##*/}$" <<<"$inside" &&
	   grep -q "modprobe.d/${modconf##*/}$" <<<"$inside" &&
	   grep -Eq "/updates/e1kx\.ko(\.[a-z]+)?$" <<<"$inside"; then
		ktap_ok "update-initramfs -u -k $kver: the rule, the softdep, e1kx.ko in $initrd ($dt s)"
	else
		ktap_fail "update-initramfs -u -k $kver: the rule, the softdep, e1kx.ko in $initrd" \
			"$(tail -n 1 "$LOG_OUT")"
	fi
	;;
2)
	ktap_plan 6
	if [ -f "$rules" ] && [ -f "$modconf" ] &&
	   [ -f "$installed_ko" ]; then
		ktap_ok "the rule, the softdep and the module survived the reboot"
	else
		ktap_fail "the rule, the softdep and the module survived the reboot"
	fi
	check_boot_drivers e1kx e1000e
	mver=$(cat /sys/module/e1kx/version 2>/dev/null || true)
	if [ "$mver" = "$version" ] &&
	   [ "$(modinfo -n e1kx 2>&1)" = "$installed_ko" ]; then
		ktap_ok "the installed e1kx $version is loaded"
	else
		ktap_fail "the installed e1kx $version is loaded" "version '$mver'"
	fi
	status=$(e1kx-bind --status 2>&1 || true)
	echo "$status" | sed 's/^/# /'
	if grep -Eq "^$b0 +e1kx +yes$" <<<"$status" &&
	   grep -Eq "^$b1 +e1000e +no$" <<<"$status"; then
		ktap_ok "--status: $b0 on e1kx, persisted; $b1 on e1000e, not"
	else
		ktap_fail "--status: $b0 on e1kx, persisted; $b1 on e1000e, not"
	fi
	log e1kx-bind --unpersist || true
	if [ ! -e "$rules" ] && [ ! -e "$modconf" ]; then
		ktap_ok "--unpersist removes the rule and the softdep"
	else
		ktap_fail "--unpersist removes the rule and the softdep"
	fi
	;;
3)
	ktap_plan 3
	if [ ! -e "$rules" ] && [ ! -e "$modconf" ] &&
	   [ -f "$installed_ko" ]; then
		ktap_ok "no rule, no softdep; e1kx still installed"
	else
		ktap_fail "no rule, no softdep; e1kx still installed"
	fi
	check_boot_drivers e1000e e1000e
	;;
*)
	ktap_skip_all "no boot $boot in this test"
	;;
esac
ktap_finish
