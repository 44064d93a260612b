# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the install tests (sourced after lib.sh): writable overlays
# of the guest's read-only root, file snapshots, command logs.
#
#   install_ovl DIR...   tmpfs-backed overlay over each DIR (removed, and
#                        e1kx unloaded, when the test exits)
#   snapshot DIR...      every file under DIR with its checksum, sorted
#   snapshot_names DIR...  every file and symlink name under DIR, sorted
#   log CMD...           run CMD, its output (last 40 lines) as TAP
#                        comments; CMD's exit status; the whole output
#                        stays in $LOG_OUT until the next log
#   root_is_writable     the guest booted like an installed system, its
#                        root an overlay with a writable disk (topology
#                        root=disk, scripts/e1kx-init.sh)
#   install_src_init     ko, kver, src: the module under test, the guest's
#                        kernel and the tree that built the module (its
#                        make install runs there); installed_ko: where make
#                        install puts it; skips the test without them

_ovl=/run/e1kx-install
LOG_OUT=/tmp/e1kx-install.out
_ovl_mounted=()

_install_cleanup() {
	local i

	rmmod e1kx 2>/dev/null || true
	for ((i = ${#_ovl_mounted[@]} - 1; i >= 0; i--)); do
		umount -l "${_ovl_mounted[i]}" 2>/dev/null || true
	done
	rm -rf "$_ovl"
}

install_ovl() {
	local d n

	modprobe overlay 2>/dev/null || true
	grep -qw overlay /proc/filesystems || return 1
	trap _install_cleanup EXIT
	for d in "$@"; do
		n=${d//\//_}
		mkdir -p "$_ovl/$n/upper" "$_ovl/$n/work" "$d"
		mount -t overlay overlay \
			-o "lowerdir=$d,upperdir=$_ovl/$n/upper,workdir=$_ovl/$n/work" \
			"$d" || return 1
		_ovl_mounted+=("$d")
	done
}

# (a DIR that does not exist has no files: not an error)
snapshot() {
	{ find "$@" -xdev -type f -print0 2>/dev/null || true; } |
		sort -z | xargs -0r md5sum
}

snapshot_names() {
	{ find "$@" -xdev \( -type f -o -type l \) 2>/dev/null || true; } | sort
}

log() {
	local rc=0

	"$@" >"$LOG_OUT" 2>&1 || rc=$?
	tail -n 40 "$LOG_OUT" | sed 's/^/# /'
	return $rc
}

root_is_writable() {
	[ "$(awk '$2 == "/" { t = $3 } END { print t }' /proc/mounts)" = overlay ] &&
		[ -w / ]
}

install_src_init() {
	local built

	ko=$(e1kx_ko)
	[ -f "$ko" ] || ktap_skip_all "$ko not built"
	kver=$(uname -r)
	built=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	[ "$built" = "$kver" ] || ktap_skip_all "$ko is built for $built, the guest runs $kver"
	src=$(cd "$(dirname "$ko")" && pwd)
	[ -f "$src/Makefile" ] || ktap_skip_all "$src has no Makefile"
	# modules_install compresses as the kernel's configuration says
	# shellcheck disable=SC2034 # for the tests that source this
	case "$(grep -s '^CONFIG_MODULE_COMPRESS_[A-Z]*=y' "/boot/config-$kver")" in
	*_GZIP=y*) installed_ko=/lib/modules/$kver/updates/e1kx.ko.gz ;;
	*_XZ=y*) installed_ko=/lib/modules/$kver/updates/e1kx.ko.xz ;;
	*_ZSTD=y*) installed_ko=/lib/modules/$kver/updates/e1kx.ko.zst ;;
	*) installed_ko=/lib/modules/$kver/updates/e1kx.ko ;;
	esac
}
