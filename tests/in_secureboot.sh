#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module signature enforcement, over two boots of a guest booted through
# UEFI firmware (OVMF, Secure Boot off) with module.sig_enforce=1, the
# kernel refusing every module no trusted key signed, as under Secure
# Boot.  A Debian kernel trusts, besides its own keys, the platform
# keyring: the firmware's db, and the MOK list the shim passes under
# Secure Boot.  The guest has no shim, so the key goes into db instead.
#   boot 1: the unsigned e1kx.ko is refused; make sign-keygen and make
#           sign: modinfo shows the signer, and the kernel refuses that
#           module too (it does not know the key); efi-updatevar adds the
#           certificate to db (the firmware is in setup mode).
#   boot 2: the kernel loaded the certificate from db at boot; the
#           unsigned module is still refused, the signed one loads and
#           binds the NIC.
#
# e1kx-topology: nics=1 wiring=none root=disk firmware=uefi boots=2 append=module.sig_enforce=1
# e1kx-timeout: 300
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_install.sh
source "$(dirname "$0")/lib_install.sh"

[ "$E1KX_DRIVER" = e1kx ] || ktap_skip_all "driver under test is $E1KX_DRIVER"
boot=${E1KX_BOOT:-}
[ -n "$boot" ] && [ "${E1KX_BOOTS:-}" = 2 ] ||
	ktap_skip_all "needs two boots of one disk (make check, topology boots=2)"
root_is_writable || ktap_skip_all "the root is not writable (topology root=disk)"
[ -d /sys/firmware/efi/efivars ] ||
	ktap_skip_all "not booted through UEFI (topology firmware=uefi)"
command -v efi-updatevar >/dev/null ||
	ktap_skip_all "no efi-updatevar (package efitools)"
install_src_init
[ "$(cat /sys/module/module/parameters/sig_enforce)" = Y ] ||
	ktap_skip_all "module signatures not enforced (module.sig_enforce=1)"
driver_loaded e1kx && ktap_skip_all "e1kx is loaded already"

# On the disk, for the second boot
keep=/var/lib/e1kx-test
mok=/var/lib/e1kx
unsigned=$keep/e1kx-unsigned.ko
signed=$keep/e1kx-signed.ko
b0=$(nic_bdf 0)

# try_insmod KO: insmod's status; its message and the kernel's as comments
try_insmod() {
	local mark rc=0

	mark=$(kmsg_mark "insmod $1")
	log insmod "$1" || rc=$?
	dmesg_since "$mark" | grep -i -E 'module|key|x\.509' | sed 's/^/# kernel: /' || true
	return $rc
}

# refused KO WHY DESC: insmod KO fails and the kernel says WHY
refused() {
	local mark

	mark=$(kmsg_mark "insmod $1")
	if ! log insmod "$1" && dmesg_since "$mark" | grep -q "$2"; then
		ktap_ok "$3"
	else
		ktap_fail "$3" "$(dmesg_since "$mark" | tail -n 1)"
		rmmod e1kx 2>/dev/null || true
	fi
}

echo "# boot $boot of 2, kernel $kver, sig_enforce Y"
case "$boot" in
1)
	ktap_plan 5
	mkdir -p "$keep"
	cp "$ko" "$unsigned"
	signer=$(modinfo -F signer "$unsigned")
	[ -z "$signer" ] || ktap_skip_all "$ko is signed already ($signer)"
	refused "$unsigned" "Loading of unsigned module is rejected" \
		"the unsigned module is refused"

	log make -C "$src" MOK_DIR="$mok" sign-keygen || true
	log make -C "$src" KVER="$kver" MOK_DIR="$mok" sign || true
	cp "$src/e1kx.ko" "$signed"
	signer=$(modinfo -F signer "$signed" 2>/dev/null || true)
	if [[ "$signer" == "e1kx module signing key "* ]]; then
		ktap_ok "make sign-keygen, make sign: modinfo signer: $signer"
	else
		ktap_fail "make sign-keygen, make sign: modinfo signer is the key's" \
			"signer '$signer'"
	fi
	refused "$signed" "Loading of module with unavailable key is rejected" \
		"signed by a key the kernel does not know: refused"

	# Setup mode (no platform key): db takes a certificate unsigned
	openssl x509 -inform DER -in "$mok/mok.der" -out "$keep/mok.pem"
	if log efi-updatevar -a -c "$keep/mok.pem" db; then
		ktap_ok "efi-updatevar: the certificate added to the firmware's db"
	else
		ktap_fail "efi-updatevar: the certificate added to the firmware's db"
	fi
	if log efi-readvar -v db && grep -q "e1kx module signing key" "$LOG_OUT"; then
		ktap_ok "efi-readvar -v db lists it"
	else
		ktap_fail "efi-readvar -v db lists it"
	fi
	;;
2)
	ktap_plan 4
	loaded=$(dmesg | grep "Loaded X.509 cert 'e1kx module signing key" || true)
	echo "# ${loaded:-no such line}"
	if [ -n "$loaded" ]; then
		ktap_ok "the kernel loaded the certificate from db at boot"
	else
		ktap_fail "the kernel loaded the certificate from db at boot"
	fi
	refused "$unsigned" "Loading of unsigned module is rejected" \
		"the unsigned module is still refused"
	# udev gave the NIC to e1000e at boot
	rmmod e1000e 2>/dev/null || true
	if try_insmod "$signed" && driver_loaded e1kx; then
		ktap_ok "the module signed with the enrolled key loads"
	else
		ktap_fail "the module signed with the enrolled key loads"
	fi
	wait_netdevs 10 || true
	drv=$(nic_driver "$b0")
	if [ "$drv" = e1kx ]; then
		ktap_ok "it binds $b0"
	else
		ktap_fail "it binds $b0" "driver: ${drv:-none}"
	fi
	rmmod e1kx 2>/dev/null || true
	;;
*)
	ktap_skip_all "no boot $boot in this test"
	;;
esac
ktap_finish
