#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installing e1kx as a user would, on a writable overlay of the guest's
# read-only root: make install, modprobe e1kx binds the NICs, make
# uninstall leaves /lib/modules as it was; e1kx-bind --persist for NIC 0
# writes the udev rule and softdep, and udevd replaying the NICs' "add"
# events (what it does at boot) puts NIC 0 on e1kx and leaves NIC 1 on
# e1000e; --unpersist restores e1000e for both.  make sign-keygen and make
# sign: modinfo shows the key's signer.  (That the kernel refuses an
# unsigned module under module.sig_enforce=1 and takes a signed one needs
# the key in its trusted keyring, which a Debian kernel only gets through
# the shim's MOK list at boot: not tested, see Documentation/install.md.)
#
# e1kx-topology: nics=2 wiring=none append=e1kx.isolate=install
# e1kx-timeout: 600
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_install.sh
source "$(dirname "$0")/lib_install.sh"

[ "$E1KX_DRIVER" = e1kx ] || ktap_skip_all "driver under test is $E1KX_DRIVER"
install_src_init
udevd=/lib/systemd/systemd-udevd
[ -x "$udevd" ] || ktap_skip_all "no $udevd (package udev)"

mapfile -t bdfs < <(e1kx_bdfs)
[ "${#bdfs[@]}" -eq 2 ] || ktap_skip_all "needs 2 82574L NICs, found ${#bdfs[@]}"
b0=$(nic_bdf 0)
b1=$(nic_bdf 1)
moddir=/lib/modules/$kver
rules=/etc/udev/rules.d/70-e1kx-bind.rules
modconf=/etc/modprobe.d/e1kx.conf

# Writable overlays (tmpfs upper layers) over what installing touches,
# and over the source tree, where make writes its build products.
install_ovl "$src" "$moddir" /usr/src /etc /var/lib/dkms ||
	ktap_skip_all "cannot mount overlays (overlayfs) over the root"
udevd_pid=
stop_udevd() {
	[ -z "$udevd_pid" ] || kill "$udevd_pid" 2>/dev/null || true
	_install_cleanup
}
trap stop_udevd EXIT

# Put both NICs through the "add" event udevd sees at boot: no driver, no
# override, then udevd applies the rules (ours set driver_override) and
# loads the modules matching the NICs' modalias (the softdep orders them).
udev_replay() {
	local b

	rmmod e1kx 2>/dev/null || true
	rmmod e1000e 2>/dev/null || true
	for b in "$b0" "$b1"; do
		echo >"/sys/bus/pci/devices/$b/driver_override"
	done
	udevadm trigger --action=add --settle \
		"/sys/bus/pci/devices/$b0" "/sys/bus/pci/devices/$b1"
	udevadm settle --timeout=60
	wait_netdevs 10 || true
}

ktap_plan 15
version=$("$src/scripts/e1kx-version" "$src")
echo "# e1kx $version from $src, kernel $kver"

# --- make install -----------------------------------------------------------
rmmod e1kx 2>/dev/null || true
before=$(snapshot "$moddir")
etc_before=$(snapshot /etc)
t0=$SECONDS
if log make -C "$src" KVER="$kver" install; then
	ktap_ok "make install ($((SECONDS - t0)) s)"
else
	ktap_fail "make install"
fi
added=$(comm -13 <(echo "$before" | awk '{print $2}') \
	<(snapshot "$moddir" | awk '{print $2}'))
echo "$added" | sed 's/^/# added: /'
want=$installed_ko
if [ "$added" = "$want" ]; then
	ktap_ok "make install adds $want, nothing else"
else
	ktap_fail "make install adds $want, nothing else"
fi

file=$(modinfo -n e1kx 2>&1 || true)
mver=$(modinfo -F version e1kx 2>&1 || true)
echo "# modinfo e1kx: $file, version $mver"
if [ "$file" = "$want" ] && [ "$mver" = "$version" ]; then
	ktap_ok "modinfo e1kx: the installed module, version $version"
else
	ktap_fail "modinfo e1kx: the installed module, version $version" \
		"$file version $mver"
fi

rmmod e1000e 2>/dev/null || true
log modprobe e1kx || true
wait_netdevs 10 || true
d0=$(nic_driver "$b0")
d1=$(nic_driver "$b1")
if [ "$d0" = e1kx ] && [ "$d1" = e1kx ]; then
	ktap_ok "modprobe e1kx binds both NICs"
else
	ktap_fail "modprobe e1kx binds both NICs" "$b0: ${d0:-none}, $b1: ${d1:-none}"
fi
if0=$(nic_if 0 || true)
ever=$(ethtool -i "${if0:-none}" 2>/dev/null | sed -n 's/^version: //p')
if [ "$ever" = "$version" ]; then
	ktap_ok "ethtool -i version: $version"
else
	ktap_fail "ethtool -i version: $version" "'$ever' on '${if0:-}'"
fi

# --- e1kx-bind --persist: the NIC on e1kx at boot, the other on e1000e ----
# systemd's tools refuse to act in a chroot (the guest runs tests in one)
export SYSTEMD_IGNORE_CHROOT=1
mkdir -p /run/udev
"$udevd" --resolve-names=never >/tmp/udevd.log 2>&1 &
udevd_pid=$!
udevadm control --ping --timeout=30 >/dev/null 2>&1 || true

log e1kx-bind --persist "$b0" || true
if grep -q "KERNEL==\"$b0\", ATTR{driver_override}=\"e1kx\"" "$rules" 2>/dev/null &&
   ! grep -q "KERNEL==\"$b1\"" "$rules" &&
   grep -qx 'softdep e1000e pre: e1kx' "$modconf" 2>/dev/null; then
	ktap_ok "--persist $b0: udev rule for $b0 only, softdep e1000e pre: e1kx"
else
	ktap_fail "--persist $b0: udev rule for $b0 only, softdep e1000e pre: e1kx"
fi
sed 's/^/# /' "$rules" "$modconf" 2>/dev/null || true

status=$(e1kx-bind --status 2>&1 || true)
echo "$status" | sed 's/^/# /'
if grep -Eq "^$b0 +[^ ]+ +yes$" <<<"$status" &&
   grep -Eq "^$b1 +[^ ]+ +no$" <<<"$status"; then
	ktap_ok "--status: $b0 persisted, $b1 not"
else
	ktap_fail "--status: $b0 persisted, $b1 not"
fi

udev_replay
d0=$(nic_driver "$b0")
d1=$(nic_driver "$b1")
echo "# after the udev replay: $b0 ${d0:-none}, $b1 ${d1:-none}"
if [ "$d0" = e1kx ]; then
	ktap_ok "udev add event: persisted $b0 comes up on e1kx"
else
	ktap_fail "udev add event: persisted $b0 comes up on e1kx" "driver: ${d0:-none}"
fi
if [ "$d1" = e1000e ]; then
	ktap_ok "udev add event: the other 82574L $b1 stays on e1000e"
else
	ktap_fail "udev add event: the other 82574L $b1 stays on e1000e" "driver: ${d1:-none}"
fi

log e1kx-bind --unpersist || true
if [ ! -e "$rules" ] && [ ! -e "$modconf" ] && [ "$(snapshot /etc)" = "$etc_before" ]; then
	ktap_ok "--unpersist removes the rule and the softdep, /etc as before"
else
	ktap_fail "--unpersist removes the rule and the softdep, /etc as before"
fi

rmmod e1kx 2>/dev/null || true
if log make -C "$src" KVER="$kver" uninstall; then
	ktap_ok "make uninstall"
else
	ktap_fail "make uninstall"
fi
after=$(snapshot "$moddir")
if [ "$after" = "$before" ] && ! modinfo e1kx >/dev/null 2>&1; then
	ktap_ok "make uninstall leaves $moddir as before make install"
else
	ktap_fail "make uninstall leaves $moddir as before make install" \
		"$(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -n 3 | tr '\n' ' ')"
fi


# --- uninstalled, unpersisted: the boot leaves both NICs on e1000e ---------
udev_replay
d0=$(nic_driver "$b0")
d1=$(nic_driver "$b1")
if [ "$d0" = e1000e ] && [ "$d1" = e1000e ]; then
	ktap_ok "after --unpersist the udev add event puts both on e1000e"
else
	ktap_fail "after --unpersist the udev add event puts both on e1000e" \
		"$b0: ${d0:-none}, $b1: ${d1:-none}"
fi
# --- make sign ---------------------------------------------------------------
mok=$_ovl/mok
if log make -C "$src" MOK_DIR="$mok" sign-keygen && [ -s "$mok/mok.key" ] &&
   [ -s "$mok/mok.der" ]; then
	ktap_ok "make sign-keygen creates the key pair"
else
	ktap_fail "make sign-keygen creates the key pair"
fi
log make -C "$src" KVER="$kver" MOK_DIR="$mok" sign || true
signer=$(modinfo -F signer "$src/e1kx.ko" 2>/dev/null || true)
if [[ "$signer" == "e1kx module signing key "* ]]; then
	ktap_ok "make sign: modinfo signer: $signer"
else
	ktap_fail "make sign: modinfo signer is the MOK key" "signer '$signer'"
fi
ktap_finish
