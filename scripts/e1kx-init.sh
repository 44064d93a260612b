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

job= moddir= cache=loose repo=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
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
# A second view of the host root that the tmpfs mounts below do not cover
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
for d in tmp run var/tmp var/log var/lib root mnt home media; do
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
echo "export E1KX_CTL='$ctl' E1KX_SERIAL_OUT='$OUT'" >"$R/run/e1kx/env.sh"

chroot "$R" /sbin/ip link set lo up

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
