#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the e1kx test guest (packed into the initramfs by scripts/e1kxvm.py).
#
# Mounts the host root (virtio-9p, read-only) at /newroot, lays tmpfs over the
# directories that must be writable, and runs the job file given on the kernel
# command line (e1kx.job=PATH, a host path) chrooted into /newroot.  The job's
# stdout+stderr go to the second serial port (ttyS1), which the host streams.
# Then a marker with the exit status is printed there and the guest powers off.
#
# Kernel parameters understood:
#   e1kx.job=PATH       job file (shell script) on the host, required
#   e1kx.modules=DIR    host DIR containing lib/modules/<ver>, bound over
#                       /lib/modules in the guest (for --kernel/--modules)
#   e1kx.cache=MODE     9p cache mode (default: loose)
#   e1kx.repo=DIR       host directory the job runs in; bound back into the
#                       guest if one of the tmpfs mounts below would hide it
#   e1kx.rootdisk=SERIAL  boot like an installed system: the root is an
#                       overlay of the host root (lower, read-only) and the
#                       ext4 file system on the virtio disk with that serial
#                       (upper: every write lands there and survives to the
#                       next boot of the same disk); tmpfs only on /tmp,
#                       /run and /var/tmp; then systemd-udevd starts and
#                       replays every device's "add" event (as
#                       systemd-udev-trigger does at boot) before the job;
#                       on a kernel without virtio_blk, ext4 or overlay
#                       the root stays the host's and E1KX_NO_ROOTDISK
#                       says why

/bin/busybox --install -s /bin
export PATH=/bin:/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

OUT=/dev/ttyS1
stty -F "$OUT" raw -echo 2>/dev/null

# Messages for the kernel console log (ttyS0).
log() { echo "e1kx-init: $*" >/dev/console; }

# Fatal error before the command ran: no START marker, so the host exits 125.
die() {
	log "FATAL: $*"
	echo "e1kx-init: FATAL: $*" >"$OUT"
	sync
	echo o >/proc/sysrq-trigger
	poweroff -f
}

job= moddir= cache=loose repo= rootdisk= norootdisk=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	e1kx.rootdisk=*) rootdisk=${arg#*=} ;;
	e1kx.job=*) job=${arg#*=} ;;
	e1kx.repo=*) repo=${arg#*=} ;;
	e1kx.modules=*) moddir=${arg#*=} ;;
	e1kx.cache=*) cache=${arg#*=} ;;
	esac
done
[ -n "$job" ] || die "no e1kx.job= on the kernel command line"

# Modules needed to reach the host, in dependency order.
while read -r m; do
	insmod "/lib/modules/$m" || die "insmod $m failed"
done </modules.order

mkdir -p /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro,cache="$cache" \
	hostroot /newroot || die "cannot mount the 9p host root"

# Read the job file now: it may live under a directory that tmpfs hides below.
cp "/newroot$job" /job.sh || die "cannot read job file $job"

R=/newroot
if [ -n "$rootdisk" ]; then
	# The modules of the disk, its file system and overlayfs, from the
	# host root (the initramfs has only what reaches the host).
	mount -t proc proc "$R/proc"
	mount -t sysfs sysfs "$R/sys"
	[ -z "$moddir" ] ||
		mount --bind "$R$moddir/lib/modules" "$R/lib/modules" ||
		die "cannot bind $moddir/lib/modules"
	if ! chroot "$R" /sbin/modprobe -a virtio_blk ext4 overlay; then
		# A kernel built without them: the root stays the host's,
		# read-only, and the tests that need the disk skip saying why
		norootdisk="the guest kernel has no virtio_blk, ext4 or overlay module"
		log "warning: $norootdisk: no disk root"
		rootdisk=
	fi
	[ -z "$moddir" ] || umount "$R/lib/modules"
	umount "$R/sys" "$R/proc"
fi
if [ -n "$rootdisk" ]; then
	disk=
	for i in $(seq 50); do
		for b in /sys/block/vd*; do
			[ "$(cat "$b/serial" 2>/dev/null)" = "$rootdisk" ] &&
				disk=/dev/${b##*/}
		done
		[ -n "$disk" ] && [ -b "$disk" ] && break
		sleep 0.1
	done
	[ -n "$disk" ] || die "no virtio disk with serial $rootdisk"
	mkdir -p /lower /upper
	mount --move "$R" /lower || die "cannot move the host root"
	mount -t ext4 "$disk" /upper || die "cannot mount $disk (ext4)"
	mkdir -p /upper/root /upper/work
	mount -t overlay overlay \
		-o lowerdir=/lower,upperdir=/upper/root,workdir=/upper/work "$R" ||
		die "cannot mount the overlay root"
	log "root: the host root under an overlay on $disk"
fi
# A second view of the root (the host's, or the overlay over it) that the
# tmpfs mounts below do not cover
mkdir -p /hostview
mount --bind "$R" /hostview || die "cannot bind the host root"
if [ -n "$moddir" ]; then
	mount --bind "$R$moddir/lib/modules" "$R/lib/modules" ||
		die "cannot bind $moddir/lib/modules"
fi
mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
mount -t devtmpfs devtmpfs "$R/dev"
mkdir -p "$R/dev/pts" "$R/dev/shm"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$R/dev/pts"
mount -t tmpfs tmpfs "$R/dev/shm"
mount -t debugfs debugfs "$R/sys/kernel/debug" 2>/dev/null
mount -t tracefs tracefs "$R/sys/kernel/tracing" 2>/dev/null
# Booted through UEFI firmware (e1kx-vm --uefi): its variables
if [ -d "$R/sys/firmware/efi/efivars" ]; then
	# (the kernel's module autoloader is not pointed at the root yet)
	chroot "$R" /sbin/modprobe efivarfs
	mount -t efivarfs efivarfs "$R/sys/firmware/efi/efivars" ||
		log "warning: cannot mount efivarfs"
fi
tmpfs_dirs="tmp run var/tmp var/log var/lib root mnt home media"
[ -z "$rootdisk" ] || tmpfs_dirs="tmp run var/tmp"
for d in $tmpfs_dirs; do
	[ -d "$R/$d" ] || continue
	mount -t tmpfs -o mode=0755 tmpfs "$R/$d" || die "tmpfs on /$d failed"
done
chmod 1777 "$R/tmp" "$R/var/tmp"
if [ -n "$repo" ] && [ -d "/hostview$repo" ] && [ ! -d "$R$repo" ]; then
	mkdir -p "$R$repo"
	mount --bind "/hostview$repo" "$R$repo" || die "cannot bind $repo"
fi
mkdir -p "$R/run/lock" "$R/run/netns" "$R/run/e1kx"

# The kernel's module autoloader runs in the initramfs root: chroot for it.
echo /sbin/e1kx-modprobe >/proc/sys/kernel/modprobe

hostname e1kx-guest

# Control channel: the virtio-serial port named org.e1kx.ctl.
ctl=
for i in 1 2 3 4 5 6 7 8 9 10; do
	for p in /sys/class/virtio-ports/*; do
		[ -e "$p/name" ] || continue
		[ "$(cat "$p/name")" = org.e1kx.ctl ] && ctl=/dev/${p##*/}
	done
	[ -n "$ctl" ] && [ -e "$ctl" ] && break
	sleep 0.2
done
[ -n "$ctl" ] || log "warning: control port org.e1kx.ctl not found"

cp /job.sh "$R/run/e1kx/job.sh"
echo "export E1KX_CTL='$ctl' E1KX_SERIAL_OUT='$OUT' E1KX_NO_ROOTDISK='$norootdisk'" >"$R/run/e1kx/env.sh"

chroot "$R" /sbin/ip link set lo up

# An installed system's boot: udevd, every device's "add" event replayed,
# then settle (systemd-udevd.service, systemd-udev-trigger.service).
# systemd's tools refuse to act in a chroot without SYSTEMD_IGNORE_CHROOT.
if [ -n "$rootdisk" ]; then
	log "starting systemd-udevd, replaying the add events"
	chroot "$R" /usr/bin/env SYSTEMD_IGNORE_CHROOT=1 \
		/lib/systemd/systemd-udevd --daemon ||
		die "cannot start systemd-udevd"
	chroot "$R" /usr/bin/env SYSTEMD_IGNORE_CHROOT=1 /bin/sh -c \
		'udevadm trigger --type=subsystems --action=add &&
		 udevadm trigger --type=devices --action=add &&
		 udevadm settle --timeout=180' >/dev/console 2>&1 ||
		log "warning: udevadm trigger/settle failed"
	# Into the kernel log, where tests read which driver each PCI
	# device came up on before the job
	for d in /sys/bus/pci/devices/*; do
		drv=none
		[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		echo "<6>e1kx-init: after udev: ${d##*/} $(cat "$d/vendor"):$(cat "$d/device") on $drv" >/dev/kmsg
	done
fi

log "running job"
echo "@@E1KX-START@@" >"$OUT"
chroot "$R" /bin/sh -c '. /run/e1kx/env.sh; . /run/e1kx/job.sh' \
	</dev/null >"$OUT" 2>&1
rc=$?
printf '\n@@E1KX-EXIT %d@@\n' "$rc" >"$OUT"
log "job exited with status $rc"
sync
echo o >/proc/sysrq-trigger
poweroff -f
