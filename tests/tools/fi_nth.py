#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Fail each kernel allocation of one operation in turn (fail-nth sweep).

  fi_nth.py up IFACE                 ip link set IFACE up (from down)
  fi_nth.py rings IFACE RX TX        ethtool -G IFACE rx RX tx TX
  fi_nth.py channels IFACE N         ethtool -L IFACE combined N
  fi_nth.py mtu IFACE MTU            ip link set IFACE mtu MTU
  fi_nth.py bind BDF                 probe: bind BDF to e1kx
  options: --max N (last allocation to fail, default 200),
           --ping ADDR (after every failed step the interface, if up,
           must answer a ping to ADDR within 15 s)

For N = 1, 2, ...: establish the starting state without faults, write N to
/proc/thread-self/fail-nth, run the operation as one system call (ioctl or
sysfs write, so that nothing else of this process runs in between) and read
fail-nth back (0: the N-th allocation failed).  The failslab and
fail_page_alloc debugfs attributes decide which allocations count (the test
sets ignore-gfp-wait=N etc.).  After every step the state must be clean:

  - the operation failed: the old setting is still in place and the
    interface still up, or the interface is cleanly down and comes up
    again without faults (rings/channels/mtu); the interface stayed down
    (up); no driver bound and no netdev left (bind);
  - the operation succeeded: the new setting reads back;
  - an error without a fault having fired is a failure.

The sweep ends at the first N whose fault did not fire (the operation made
fewer than N allocations) and which succeeded.  Output: one line per step,
then "summary: op=.. points=P failed=F absorbed=A complete=yes|no
violations=V".  Exit status: 0 if no violation, 1 otherwise.
"""

import argparse
import ctypes
import errno
import fcntl
import os
import socket
import struct
import subprocess
import sys
import time

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
SIOCGIFMTU = 0x8921
SIOCSIFMTU = 0x8922
SIOCETHTOOL = 0x8946
IFF_UP = 0x1
ETHTOOL_GRINGPARAM = 0x10
ETHTOOL_SRINGPARAM = 0x11
ETHTOOL_GCHANNELS = 0x3C
ETHTOOL_SCHANNELS = 0x3D

SOCK = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
NTH = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
KMSG = os.open("/dev/kmsg", os.O_WRONLY)


def kmsg(text):
    try:
        os.write(KMSG, ("e1kx-fi: " + text + "\n").encode())
    except OSError:
        pass


def nth_set(n):
    os.pwrite(NTH, str(n).encode(), 0)


def nth_get():
    return int(os.pread(NTH, 32, 0).decode().strip() or "0")


class Ifreq:
    """A struct ifreq (40 bytes) that stays at one address."""

    def __init__(self, name):
        self.buf = bytearray(40)
        self.buf[: len(name)] = name.encode()

    def set_int(self, fmt, val):
        struct.pack_into(fmt, self.buf, 16, val)

    def get_int(self, fmt):
        return struct.unpack_from(fmt, self.buf, 16)[0]


class Ethtool:
    """An ethtool ioctl command block of NWORDS u32s."""

    def __init__(self, name, nwords):
        self.data = (ctypes.c_uint32 * nwords)()
        self.ifr = Ifreq(name)
        self.ifr.set_int("Q", ctypes.addressof(self.data))

    def call(self, cmd):
        self.data[0] = cmd
        fcntl.ioctl(SOCK, SIOCETHTOOL, self.ifr.buf, True)


def syscall(fn):
    """Run fn(); return 0 or -errno."""
    try:
        fn()
        return 0
    except OSError as e:
        return -e.errno


def faulted(fn, n):
    """Run fn() with the n-th allocation failing: (rc, fired)."""
    nth_set(n)
    rc = syscall(fn)
    left = nth_get()
    if left:
        nth_set(0)
    return rc, left == 0


class IfOps:
    def __init__(self, name):
        self.name = name
        self.flags_req = Ifreq(name)
        self.mtu_req = Ifreq(name)
        self.ring = Ethtool(name, 9)
        self.chan = Ethtool(name, 9)

    def flags(self):
        fcntl.ioctl(SOCK, SIOCGIFFLAGS, self.flags_req.buf, True)
        return self.flags_req.get_int("H")

    def is_up(self):
        return bool(self.flags() & IFF_UP)

    def prep_updown(self, up):
        f = self.flags()
        f = (f | IFF_UP) if up else (f & ~IFF_UP)
        self.flags_req.set_int("H", f)

    def set_flags(self):
        fcntl.ioctl(SOCK, SIOCSIFFLAGS, self.flags_req.buf, True)

    def set_up(self, up):
        self.prep_updown(up)
        self.set_flags()

    def get_mtu(self):
        fcntl.ioctl(SOCK, SIOCGIFMTU, self.mtu_req.buf, True)
        return self.mtu_req.get_int("i")

    def prep_mtu(self, mtu):
        self.mtu_req.set_int("i", mtu)

    def set_mtu(self):
        fcntl.ioctl(SOCK, SIOCSIFMTU, self.mtu_req.buf, True)

    def get_rings(self):
        self.ring.call(ETHTOOL_GRINGPARAM)
        return (self.ring.data[5], self.ring.data[8])

    def prep_rings(self, rx, tx):
        self.get_rings()
        self.ring.data[5] = rx
        self.ring.data[8] = tx

    def set_rings(self):
        self.ring.call(ETHTOOL_SRINGPARAM)

    def get_channels(self):
        self.chan.call(ETHTOOL_GCHANNELS)
        return self.chan.data[8]

    def prep_channels(self, n):
        self.get_channels()
        self.chan.data[8] = n

    def set_channels(self):
        self.chan.call(ETHTOOL_SCHANNELS)


def ping_ok(addr, secs=15):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        r = subprocess.run(["ping", "-c", "1", "-W", "1", addr],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
        if r.returncode == 0:
            return True
    return False


class Setting:
    """rings/channels/mtu: a value that changes while the interface runs."""

    def __init__(self, ops, kind, target):
        self.ops = ops
        self.kind = kind
        self.target = target
        self.base = self.get()

    def get(self):
        if self.kind == "rings":
            return self.ops.get_rings()
        if self.kind == "channels":
            return self.ops.get_channels()
        return self.ops.get_mtu()

    def prep(self, val):
        if self.kind == "rings":
            self.ops.prep_rings(*val)
        elif self.kind == "channels":
            self.ops.prep_channels(val)
        else:
            self.ops.prep_mtu(val)

    def apply(self):
        if self.kind == "rings":
            self.ops.set_rings()
        elif self.kind == "channels":
            self.ops.set_channels()
        else:
            self.ops.set_mtu()

    def set(self, val):
        self.prep(val)
        return syscall(self.apply)


def sweep_setting(args, kind, target):
    ops = IfOps(args.iface)
    if not ops.is_up():
        ops.set_up(True)
    s = Setting(ops, kind, target)
    if s.base == target:
        sys.exit(f"{kind}: target {target} is the current setting")
    print(f"# {kind}: {s.base} -> {target}")

    def step(n):
        bad = []
        s.prep(target)
        rc, fired = faulted(s.apply, n)
        now = s.get()
        up = ops.is_up()
        state = f"{kind}={now} {'up' if up else 'down'}"
        if rc == 0:
            if now != target:
                bad.append(f"succeeded but reads {now}")
        elif up:
            if now != s.base:
                bad.append(f"failed but changed to {now}")
        if rc and up and args.ping and not ping_ok(args.ping):
            bad.append("interface up but no ping reply")
        if not up:
            r = syscall(lambda: ops.set_up(True))
            if r:
                bad.append(f"left down and cannot come up again ({r})")
            elif args.ping and not ping_ok(args.ping, 30):
                bad.append("up again but no ping reply")
        if s.get() != s.base:
            r = s.set(s.base)
            if r:
                bad.append(f"cannot restore {s.base} ({r})")
        return rc, fired, state, bad

    return step


def sweep_up(args):
    ops = IfOps(args.iface)
    if ops.is_up():
        ops.set_up(False)

    def step(n):
        bad = []
        ops.prep_updown(True)
        rc, fired = faulted(ops.set_flags, n)
        up = ops.is_up()
        state = "up" if up else "down"
        if rc == 0 and not up:
            bad.append("succeeded but down")
        if rc != 0 and up:
            bad.append("failed but up")
        if up:
            r = syscall(lambda: ops.set_up(False))
            if r:
                bad.append(f"cannot set down again ({r})")
        return rc, fired, state, bad

    return step


def sweep_bind(args):
    bdf = args.iface
    drv = "/sys/bus/pci/drivers/e1kx"
    dev = f"/sys/bus/pci/devices/{bdf}"

    def bound():
        return os.path.exists(f"{dev}/driver")

    def netdevs():
        try:
            return os.listdir(f"{dev}/net")
        except OSError:
            return []

    def write(path):
        fd = os.open(path, os.O_WRONLY)
        try:
            return (fd, lambda: os.write(fd, bdf.encode()))
        except OSError:
            os.close(fd)
            raise

    if bound():
        fd, fn = write(f"{drv}/unbind")
        fn()
        os.close(fd)

    def step(n):
        bad = []
        fd, fn = write(f"{drv}/bind")
        rc, fired = faulted(fn, n)
        os.close(fd)
        b = bound()
        nets = netdevs()
        state = f"bound={int(b)} netdevs={','.join(nets) or '-'}"
        if rc == 0 and (not b or not nets):
            bad.append("succeeded but no netdev")
        if rc != 0 and (b or nets):
            bad.append("failed but left bound or a netdev behind")
        if b:
            fd, fn = write(f"{drv}/unbind")
            r = syscall(fn)
            os.close(fd)
            if r or bound():
                bad.append(f"cannot unbind ({r})")
        return rc, fired, state, bad

    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("op", choices=["up", "rings", "channels", "mtu", "bind"])
    ap.add_argument("iface")
    ap.add_argument("values", nargs="*", type=int)
    ap.add_argument("--max", type=int, default=200)
    ap.add_argument("--ping")
    args = ap.parse_args()

    if args.op == "up":
        step = sweep_up(args)
    elif args.op == "bind":
        step = sweep_bind(args)
    elif args.op == "rings":
        step = sweep_setting(args, "rings", tuple(args.values[:2]))
    else:
        step = sweep_setting(args, args.op, args.values[0])

    failed = absorbed = violations = 0
    complete = False
    n = 0
    for n in range(1, args.max + 1):
        kmsg(f"{args.op} step {n}")
        rc, fired, state, bad = step(n)
        if rc and not fired:
            bad.append(f"error {rc} without a fault")
        if rc:
            failed += 1
        elif fired:
            absorbed += 1
        err = errno.errorcode.get(-rc, str(rc)) if rc else "0"
        line = f"step {n}: rc={err} fired={int(fired)} {state}"
        if bad:
            violations += 1
            line += " VIOLATION: " + "; ".join(bad)
        print(line, flush=True)
        if not fired and rc == 0:
            complete = True
            break
    kmsg(f"{args.op} sweep done")
    print(f"summary: op={args.op} points={n} failed={failed} "
          f"absorbed={absorbed} complete={'yes' if complete else 'no'} "
          f"violations={violations}")
    sys.exit(1 if violations else 0)


if __name__ == "__main__":
    main()
