#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian package, as a user installs it, in a guest booted like an
# installed system (root=disk: the host's root with a writable layer, its
# dpkg database and DKMS): make deb (on the host), a module signing key
# pair for DKMS (make sign-keygen, /etc/dkms/framework.conf.d), dpkg -i
# has DKMS build e1kx for the running kernel (and for the newest one
# installed, as Debian's DKMS does) and install it signed with that key;
# modprobe e1kx binds the NICs with the package's version; dpkg -r removes
# the modules, the source and every other file the package added.  Each
# DKMS build is a full compile in the TCG guest: most of this test's time.
#
# e1kx-topology: nics=2 wiring=none root=disk
# e1kx-timeout: 1500
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
root_is_writable || ktap_skip_all "the root is not writable (topology root=disk)${E1KX_NO_ROOTDISK:+: $E1KX_NO_ROOTDISK}"
mapfile -t bdfs < <(e1kx_bdfs)
[ "${#bdfs[@]}" -ge 1 ] || ktap_skip_all "no 82574L"
! dpkg-query -W e1kx-dkms >/dev/null 2>&1 ||
	ktap_skip_all "e1kx-dkms is installed on the host already"

# Every kernel with headers: DKMS may build for any of them
kernels=$(cd /lib/modules && for k in *; do
	[ -f "/lib/modules/$k/build/Makefile" ] && echo "$k"
done)
modfiles() { # the files depmod writes and every module under updates/
	local k
	for k in $kernels; do
		find "/lib/modules/$k" -maxdepth 1 -type f -print0 |
			sort -z | xargs -0r md5sum
		snapshot_names "/lib/modules/$k/updates"
	done
}
pkgfiles() {
	snapshot_names /usr/src /usr/sbin /usr/share/doc/e1kx-dkms \
		/usr/share/man/man8 /var/lib/dkms /etc/dkms
}

ktap_plan 9

t0=$SECONDS
out=$(e1kx-ctl peer --timeout 600 -- "make -s -C '$E1KX_REPO' deb 2>&1" || true)
echo "$out" | tail -n 3 | sed 's/^/# /'
deb=$(sed -n 's/^deb: //p' <<<"$out")
mkdir -p /tmp/e1kx-deb
# Copied over the control channel: the guest's view of the host's
# build/ may predate make deb.
if [ -n "$deb" ]; then
	e1kx-ctl peer -- "base64 '$E1KX_REPO/$deb'" |
		base64 -d >"/tmp/e1kx-deb/${deb##*/}" || true
	deb=/tmp/e1kx-deb/${deb##*/}
fi
version=$(dpkg-deb -f "${deb:-/dev/null}" Version 2>/dev/null || true)
if [ -n "$version" ]; then
	ktap_ok "make deb on the host ($((SECONDS - t0)) s)"
else
	ktap_fail "make deb on the host" "no package: ${deb:-none}"
fi
echo "# $deb, version $version"

mods_before=$(modfiles)
names_before=$(pkgfiles)

# Module signing: DKMS signs with the pair framework.conf names
mok=/var/lib/e1kx
conf=/etc/dkms/framework.conf.d/e1kx.conf
if log make -C "$E1KX_REPO" MOK_DIR="$mok" sign-keygen &&
   [ -s "$mok/mok.key" ] && [ -s "$mok/mok.der" ]; then
	mkdir -p "${conf%/*}"
	printf 'mok_signing_key=%s\nmok_certificate=%s\n' \
		"$mok/mok.key" "$mok/mok.der" >"$conf"
	ktap_ok "make sign-keygen; $conf names the pair"
else
	ktap_fail "make sign-keygen; $conf names the pair"
fi
keyfiles=$(snapshot_names "$mok" "$conf")

t0=$SECONDS
log dpkg -i "$deb" || true
dt=$((SECONDS - t0))
state=$(dkms status e1kx 2>&1 || true)
echo "$state" | sed 's/^/# dkms status: /'
# Debian's DKMS builds for the running kernel and the newest installed
# (/usr/lib/dkms/common.postinst): its "Building for" line says which.
built=$(sed -n 's/^Building for //p' "$LOG_OUT" | tail -n 1)
missing=
case " $built " in
*" $kver "*) ;;
*) missing=" $kver (not in 'Building for $built')" ;;
esac
for k in $built; do
	grep -q "^e1kx/$version, $k, .*: installed" <<<"$state" ||
		missing="$missing $k"
done
if [ -n "$version" ] && [ -z "$missing" ]; then
	ktap_ok "dpkg -i: DKMS built and installed e1kx $version for $built ($dt s)"
else
	ktap_fail "dpkg -i: DKMS built and installed e1kx $version for $kver" \
		"not for:${missing:- (no package)}"
	for f in /var/lib/dkms/e1kx/*/build/make.log; do
		[ -f "$f" ] && tail -n 20 "$f" | sed 's/^/# make.log: /'
	done
fi

file=$(modinfo -n e1kx 2>&1 || true)
mver=$(modinfo -F version e1kx 2>&1 || true)
signer=$(modinfo -F signer e1kx 2>&1 || true)
echo "# modinfo e1kx: $file, version $mver, signer $signer"
if [[ "$file" == "/lib/modules/$kver/updates/"* ]] && [ "$mver" = "$version" ]; then
	ktap_ok "modinfo e1kx: the DKMS module under updates/, version $version"
else
	ktap_fail "modinfo e1kx: the DKMS module under updates/, version $version" \
		"$file version $mver"
fi
if [[ "$signer" == "e1kx module signing key "* ]]; then
	ktap_ok "DKMS signed it with the configured key: $signer"
else
	ktap_fail "DKMS signed it with the configured key" "signer '$signer'"
fi

rmmod e1000e 2>/dev/null || true
rmmod e1kx 2>/dev/null || true
log modprobe e1kx || true
wait_netdevs 10 || true
drv=$(nic_driver "${bdfs[0]}")
ever=$(ethtool -i "$(nic_if 0 || echo none)" 2>/dev/null | sed -n 's/^version: //p')
if [ "$drv" = e1kx ] && [ "$ever" = "$version" ]; then
	ktap_ok "modprobe e1kx binds ${bdfs[0]}, ethtool -i version $version"
else
	ktap_fail "modprobe e1kx binds ${bdfs[0]}, ethtool -i version $version" \
		"driver: ${drv:-none}, version '$ever'"
fi
if [ -x /usr/sbin/e1kx-bind ] && log /usr/sbin/e1kx-bind --status; then
	ktap_ok "the package's /usr/sbin/e1kx-bind --status runs"
else
	ktap_fail "the package's /usr/sbin/e1kx-bind --status runs"
fi

rmmod e1kx 2>/dev/null || true
t0=$SECONDS
if log dpkg -r e1kx-dkms; then
	ktap_ok "dpkg -r e1kx-dkms ($((SECONDS - t0)) s)"
else
	ktap_fail "dpkg -r e1kx-dkms"
fi
# What the user made (the key pair, its framework.conf.d file) stays.
mods_after=$(modfiles)
names_after=$(pkgfiles)
names_after=$(comm -23 <(echo "$names_after") <(echo "$keyfiles"))
if [ "$mods_after" = "$mods_before" ] && [ "$names_after" = "$names_before" ]; then
	ktap_ok "dpkg -r: /lib/modules, /usr/src, /usr/sbin, docs, /var/lib/dkms as before"
else
	ktap_fail "dpkg -r: /lib/modules, /usr/src, /usr/sbin, docs, /var/lib/dkms as before" \
		"$(diff <(echo "$mods_before"; echo "$names_before") \
			<(echo "$mods_after"; echo "$names_after") |
			grep '^[<>]' | head -n 3 | tr '\n' ' ')"
fi
modprobe e1000e 2>/dev/null || true
ktap_finish
