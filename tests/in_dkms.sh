#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian package, as a user installs it, on a writable overlay of the
# guest's read-only root: make deb (run on the host), dpkg -i has DKMS
# build e1kx for the guest's kernel and install it, modprobe e1kx binds the
# NICs with the package's version, dpkg -r removes the module, the source
# and every other file the package added.  DKMS builds for the running
# kernel and for the newest one installed (the host's 6.12 too), each a
# full compile in the TCG guest: most of this test's time.
#
# e1kx-topology: nics=2 wiring=none append=e1kx.isolate=install
# e1kx-timeout: 900
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_install.sh
source "$(dirname "$0")/lib_install.sh"

[ "$E1KX_DRIVER" = e1kx ] || ktap_skip_all "driver under test is $E1KX_DRIVER"
command -v dkms >/dev/null || ktap_skip_all "no dkms (scripts/install-deps.sh installs it)"
kver=$(uname -r)
[ -f "/lib/modules/$kver/build/Makefile" ] ||
	ktap_skip_all "no headers for $kver (linux-headers-$kver)"
[ -n "${E1KX_CTL:-}" ] || ktap_skip_all "no control channel to build the package on the host"
mapfile -t bdfs < <(e1kx_bdfs)
[ "${#bdfs[@]}" -ge 1 ] || ktap_skip_all "no 82574L"

moddir=/lib/modules/$kver
# dpkg's database is under /var/lib, a fresh tmpfs in the guest: it gets
# the host's record of dkms, the one package e1kx-dkms depends on.
install_ovl /usr /etc || ktap_skip_all "cannot mount the overlays"
mkdir -p /var/lib/dpkg/info /var/lib/dpkg/updates /var/lib/dpkg/triggers \
	/var/lib/dkms
touch /var/lib/dpkg/available
peer "dpkg-query -s dkms" >/var/lib/dpkg/status ||
	ktap_skip_all "cannot read the host's dkms package record"

ktap_plan 7

t0=$SECONDS
out=$(e1kx-ctl peer --timeout 600 -- "make -s -C '$E1KX_REPO' deb 2>&1" || true)
echo "$out" | tail -n 5 | sed 's/^/# /'
deb=$(sed -n 's/^deb: //p' <<<"$out")
deb=${deb:+$E1KX_REPO/$deb}
version=$(dpkg-deb -f "${deb:-/dev/null}" Version 2>/dev/null || true)
if [ -n "$version" ]; then
	ktap_ok "make deb on the host ($((SECONDS - t0)) s)"
else
	ktap_fail "make deb on the host" "no package: ${deb:-none}"
fi
echo "# $deb, version $version"

mods_before=$(snapshot "$moddir")
names_before=$(snapshot_names /usr/src /usr/sbin /usr/share/doc/e1kx-dkms \
	/usr/share/man/man8 /var/lib/dkms /lib/modules/*/updates)

t0=$SECONDS
log dpkg -i "$deb" || true
dt=$((SECONDS - t0))
state=$(dkms status e1kx 2>&1 || true)
echo "# dkms status: $state"
if grep -q "^e1kx/$version, $kver, .*: installed" <<<"$state"; then
	ktap_ok "dpkg -i: DKMS built and installed e1kx $version for $kver ($dt s)"
else
	ktap_fail "dpkg -i: DKMS built and installed e1kx $version for $kver" "$state"
fi

file=$(modinfo -n e1kx 2>&1 || true)
mver=$(modinfo -F version e1kx 2>&1 || true)
echo "# modinfo e1kx: $file, version $mver"
if [[ "$file" == "$moddir/updates/"* ]] && [ "$mver" = "$version" ]; then
	ktap_ok "modinfo e1kx: the DKMS module under updates/, version $version"
else
	ktap_fail "modinfo e1kx: the DKMS module under updates/, version $version" \
		"$file version $mver"
fi

rmmod e1000e 2>/dev/null || true
rmmod e1kx 2>/dev/null || true
log modprobe e1kx || true
wait_netdevs 10 || true
drv=$(nic_driver "${bdfs[0]}")
if [ "$drv" = e1kx ]; then
	ktap_ok "modprobe e1kx binds ${bdfs[0]}"
else
	ktap_fail "modprobe e1kx binds ${bdfs[0]}" "driver: ${drv:-none}"
fi
if [ -x /usr/sbin/e1kx-bind ] && log /usr/sbin/e1kx-bind --status; then
	ktap_ok "the package's /usr/sbin/e1kx-bind --status runs"
else
	ktap_fail "the package's /usr/sbin/e1kx-bind --status runs"
fi

rmmod e1kx 2>/dev/null || true
if log dpkg -r e1kx-dkms; then
	ktap_ok "dpkg -r e1kx-dkms"
else
	ktap_fail "dpkg -r e1kx-dkms"
fi
mods_after=$(snapshot "$moddir")
names_after=$(snapshot_names /usr/src /usr/sbin /usr/share/doc/e1kx-dkms \
	/usr/share/man/man8 /var/lib/dkms /lib/modules/*/updates)
if [ "$mods_after" = "$mods_before" ] && [ "$names_after" = "$names_before" ]; then
	ktap_ok "dpkg -r leaves $moddir, /usr and /var/lib/dkms as before"
else
	ktap_fail "dpkg -r leaves $moddir, /usr and /var/lib/dkms as before" \
		"$(diff <(echo "$mods_before"; echo "$names_before") \
			<(echo "$mods_after"; echo "$names_after") |
			grep '^[<>]' | head -n 3 | tr '\n' ' ')"
fi
rmmod e1kx 2>/dev/null || true
modprobe e1000e 2>/dev/null || true
ktap_finish
