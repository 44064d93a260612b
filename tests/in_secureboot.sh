#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Secure Boot, over three boots of one disk and one UEFI variable store
# (firmware=uefi: OVMF's Secure Boot build, SMM, an empty store).  The
# kernel enforces module signatures because the firmware booted it with
# Secure Boot on (Debian's kernel then locks itself down): no
# module.sig_enforce=1.
#   boot 1: setup mode, Secure Boot off (mokutil --sb-state); the unsigned
#           e1kx.ko loads.  The test takes the platform over as its owner
#           would: its own PK and KEK, and in db the hash of this kernel's
#           image (Debian signs its kernels for its shim, which the guest
#           does not have), PK last: the firmware leaves setup mode.
#   boot 2: Secure Boot on, the kernel locked down; the unsigned module is
#           refused.  make sign-keygen, make install (it signs: modinfo
#           shows the signer); modprobe e1kx is refused too, no key the
#           kernel trusts signed it.  mokutil --import queues the
#           certificate for the shim (mokutil --list-new lists it); then,
#           as the platform's owner, the test appends it to db, signed
#           with its KEK (efi-readvar lists it).
#   boot 3: the kernel loaded the certificate from db into its platform
#           keyring; the unsigned module and one signed by another key are
#           refused; modprobe e1kx loads the installed module and it binds
#           the NIC.
# Not exercised: the shim and its MokManager (mokutil --import only
# queues the request; what trusts the key here is db, which a Debian
# kernel trusts as it trusts the MOK list); the firmware's check of the
# kernel image (OVMF starts a -kernel image that fails it anyway, through
# its own Linux loader: the hash in db changes nothing visible here).
#
# e1kx-topology: nics=1 wiring=none root=disk firmware=uefi boots=3
# e1kx-timeout: 420
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
efivars=/sys/firmware/efi/efivars
[ -d "$efivars" ] || ktap_skip_all "not booted through UEFI (topology firmware=uefi)"
grep -qs " $efivars efivarfs " /proc/mounts || ktap_skip_all "efivarfs not mounted"
for c in efi-updatevar efi-readvar cert-to-efi-sig-list sign-efi-sig-list \
	 hash-to-efi-sig-list mokutil openssl; do
	command -v "$c" >/dev/null ||
		ktap_skip_all "no $c (scripts/install-deps.sh: efitools, mokutil)"
done
install_src_init
image=/boot/vmlinuz-$kver

# On the disk, for the next boots
keep=/var/lib/e1kx-test
mok=/var/lib/e1kx
unsigned=$keep/e1kx-unsigned.ko
other=$keep/e1kx-otherkey.ko
b0=$(nic_bdf 0)
global=8be4df61-93ca-11d2-aa0d-00e098032b8c
secdb=d719b2cb-3d3a-4596-a3bc-dad00e67656f

# efivar NAME-GUID: the first byte of the variable's data (after its
# 4 attribute bytes), empty if there is no such variable
efivar() {
	od -An -tu1 -j4 -N1 "$efivars/$1" 2>/dev/null | tr -d ' '
}

# Secure Boot on and the kernel locked down (Debian's kernel does that
# when the firmware booted it with Secure Boot)
check_sb_on() {
	local sb lock

	sb=$(mokutil --sb-state 2>&1 || true)
	grep -qs " /sys/kernel/security " /proc/mounts ||
		mount -t securityfs securityfs /sys/kernel/security 2>/dev/null || true
	lock=$(cat /sys/kernel/security/lockdown 2>/dev/null || true)
	echo "# mokutil --sb-state: $sb; lockdown: $lock"
	if [ "$sb" = "SecureBoot enabled" ] &&
	   [ "$(efivar "SecureBoot-$global")" = 1 ] &&
	   [[ "$lock" == *"[integrity]"* || "$lock" == *"[confidentiality]"* ]]; then
		ktap_ok "boot $boot: Secure Boot on, the kernel locked down"
	else
		ktap_fail "boot $boot: Secure Boot on, the kernel locked down" \
			"sb-state '$sb', lockdown '$lock'"
	fi
}

# refused DESC CMD...: CMD (an insmod or modprobe of e1kx) fails and the
# kernel's log says why: module signature enforcement (lockdown's, or
# sig_enforce's words)
refused() {
	local desc=$1 mark rc=0 why
	shift

	mark=$(kmsg_mark "$*")
	log "$@" || rc=$?
	why=$(dmesg_since "$mark" | grep -E -m1 \
		'module loading is restricted|Loading of .* is rejected' || true)
	echo "# kernel: ${why:-nothing}"
	if [ "$rc" != 0 ] && [ -n "$why" ] && ! driver_loaded e1kx; then
		ktap_ok "$desc"
	else
		ktap_fail "$desc" "status $rc, e1kx $(driver_loaded e1kx && echo loaded || echo not loaded)"
	fi
	rmmod e1kx 2>/dev/null || true
}

echo "# boot $boot of 3, kernel $kver"
case "$boot" in
1)
	[ -f "$image" ] || ktap_skip_all "no $image: the guest booted another kernel image"
	[ -z "$(modinfo -F signer "$ko")" ] || ktap_skip_all "$ko is signed already"
	ktap_plan 3
	sb=$(mokutil --sb-state 2>&1 || true)
	echo "# mokutil --sb-state: $sb"
	if [[ "$sb" == *"SecureBoot disabled"* && "$sb" == *"Setup Mode"* ]] &&
	   [ "$(efivar "SetupMode-$global")" = 1 ]; then
		ktap_ok "boot 1: the firmware in setup mode, Secure Boot off"
	else
		ktap_fail "boot 1: the firmware in setup mode, Secure Boot off" "$sb"
	fi

	mkdir -p "$keep"
	cp "$ko" "$unsigned"
	rmmod e1000e 2>/dev/null || true
	if log insmod "$unsigned" && driver_loaded e1kx; then
		ktap_ok "without Secure Boot the unsigned module loads"
	else
		ktap_fail "without Secure Boot the unsigned module loads"
	fi
	rmmod e1kx 2>/dev/null || true
	modprobe e1000e 2>/dev/null || true

	# The platform's keys: PK signs KEK updates, KEK signs db updates
	guid=$(cat /proc/sys/kernel/random/uuid)
	echo "$guid" >"$keep/owner.guid"
	ok=1
	for k in PK KEK; do
		openssl req -new -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
			-subj "/CN=e1kx test $k/" -keyout "$keep/$k.key" \
			-out "$keep/$k.crt" 2>/dev/null &&
		cert-to-efi-sig-list -g "$guid" "$keep/$k.crt" "$keep/$k.esl" ||
			ok=0
	done
	hash-to-efi-sig-list "$image" "$keep/db.esl" >/dev/null || ok=0
	sign-efi-sig-list -g "$guid" -k "$keep/PK.key" -c "$keep/PK.crt" \
		PK "$keep/PK.esl" "$keep/PK.auth" >/dev/null || ok=0
	# Setup mode: db and KEK take a plain signature list; PK, written
	# last, must be signed by itself
	if [ "$ok" = 1 ] &&
	   log efi-updatevar -e -f "$keep/db.esl" db &&
	   log efi-updatevar -e -f "$keep/KEK.esl" KEK &&
	   log efi-updatevar -f "$keep/PK.auth" PK &&
	   [ "$(efivar "SetupMode-$global")" = 0 ]; then
		ktap_ok "own PK and KEK, $image's hash in db: the firmware leaves setup mode"
	else
		ktap_fail "own PK and KEK, $image's hash in db: the firmware leaves setup mode" \
			"SetupMode '$(efivar "SetupMode-$global")'"
	fi
	;;
2)
	ktap_plan 6
	check_sb_on
	rmmod e1000e 2>/dev/null || true
	refused "the unsigned module is refused" insmod "$unsigned"

	log make -C "$src" MOK_DIR="$mok" sign-keygen || true
	log make -C "$src" KVER="$kver" MOK_DIR="$mok" install || true
	signer=$(modinfo -F signer e1kx 2>/dev/null || true)
	if [ "$(modinfo -n e1kx 2>&1)" = "$installed_ko" ] &&
	   [[ "$signer" == "e1kx module signing key "* ]]; then
		ktap_ok "make sign-keygen, make install: $installed_ko, signer: $signer"
	else
		ktap_fail "make sign-keygen, make install: the module signed and installed" \
			"signer '$signer'"
	fi
	refused "modprobe e1kx: a key the kernel does not trust yet, refused" \
		modprobe e1kx
	modprobe e1000e 2>/dev/null || true

	# The request for the shim's MokManager (password from a hash file)
	mokutil --generate-hash=e1kx >"$keep/mok.pwhash" 2>/dev/null || true
	log mokutil --import "$mok/mok.der" --hash-file "$keep/mok.pwhash" || true
	new=$(mokutil --list-new 2>&1 | grep "Subject:" || true)
	echo "# mokutil --list-new: ${new:-nothing}"
	if grep -q "CN=e1kx module signing key" <<<"$new"; then
		ktap_ok "mokutil --import: mokutil --list-new lists the certificate"
	else
		ktap_fail "mokutil --import: mokutil --list-new lists the certificate"
	fi

	# The platform's owner appends the certificate to db, signed with KEK
	guid=$(cat "$keep/owner.guid")
	openssl x509 -inform DER -in "$mok/mok.der" -out "$keep/mok.pem"
	chattr -i "$efivars/db-$secdb" 2>/dev/null || true
	if cert-to-efi-sig-list -g "$guid" "$keep/mok.pem" "$keep/mok.esl" &&
	   sign-efi-sig-list -a -g "$guid" -k "$keep/KEK.key" -c "$keep/KEK.crt" \
		db "$keep/mok.esl" "$keep/mok.auth" >/dev/null &&
	   log efi-updatevar -a -f "$keep/mok.auth" db &&
	   log efi-readvar -v db && grep -q "CN=e1kx module signing key" "$LOG_OUT"; then
		ktap_ok "the certificate appended to db with the KEK: efi-readvar lists it"
	else
		ktap_fail "the certificate appended to db with the KEK: efi-readvar lists it"
	fi

	# For boot 3: a module signed by a key nobody enrolled
	mkdir -p "$keep/other"
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
		-subj "/CN=e1kx other key/" -keyout "$keep/other/key.pem" \
		-outform DER -out "$keep/other/cert.der" 2>/dev/null || true
	cp "$unsigned" "$other"
	"/lib/modules/$kver/build/scripts/sign-file" sha256 "$keep/other/key.pem" \
		"$keep/other/cert.der" "$other" || true
	;;
3)
	ktap_plan 6
	check_sb_on
	loaded=$(dmesg | grep -m1 "Loaded X.509 cert 'e1kx module signing key" || true)
	echo "# ${loaded:-no such line}"
	echo "# at boot: e1kx $(driver_loaded e1kx && echo loaded || echo not loaded)"
	if [ -n "$loaded" ]; then
		ktap_ok "the kernel loaded the certificate from db at boot"
	else
		ktap_fail "the kernel loaded the certificate from db at boot"
	fi
	# (no shim took the request up)
	mokutil --list-new 2>&1 | grep "Subject:" | sed 's/^ */# still queued: /' || true

	rmmod e1kx 2>/dev/null || true
	rmmod e1000e 2>/dev/null || true
	refused "the unsigned module is still refused" insmod "$unsigned"
	echo "# $other: signer $(modinfo -F signer "$other" 2>&1 || true)"
	refused "a module signed by a key not enrolled is refused" insmod "$other"

	mark=$(kmsg_mark "modprobe e1kx")
	if log modprobe e1kx && driver_loaded e1kx; then
		ktap_ok "modprobe e1kx: the module signed with the enrolled key loads"
	else
		ktap_fail "modprobe e1kx: the module signed with the enrolled key loads" \
			"$(dmesg_since "$mark" | tail -n 1)"
	fi
	wait_netdevs 10 || true
	drv=$(nic_driver "$b0")
	if [ "$drv" = e1kx ]; then
		ktap_ok "it binds $b0"
	else
		ktap_fail "it binds $b0" "driver: ${drv:-none}"
	fi
	rmmod e1kx 2>/dev/null || true
	modprobe e1000e 2>/dev/null || true
	;;
*)
	ktap_skip_all "no boot $boot in this test"
	;;
esac
ktap_finish
