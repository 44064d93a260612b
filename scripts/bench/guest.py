#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Guest side of `make bench`: runs inside an e1kx-vm guest (wiring=tap).

Binds the 82574L (NIC 0) to one driver, runs every workload twice -- once
untraced for the rate/latency numbers, once inside a QEMU trace window
(e1000e_core_read/write on) for the register-access counts -- and prints one
result line "@@BENCH-JSON@@ {...}" that scripts/bench/bench.py parses.
In a profile boot (--profile) the trace windows take guest kernel
instruction profiles from QEMU's tbprof plugin instead.

The fast-path workloads give each driver its best mode: e1kx native XDP
and AF_XDP zero-copy, e1000e (no XDP of its own) generic (skb) XDP and
AF_XDP copy mode.

    guest.py --driver e1kx|e1000e --trace-log HOSTPATH [--window S]
             [--trace-window S] [--tcp-reps N] [--pings N] [--trace-pings N]
             [--profile CTLFILE:DIR] [--xsk-tool PATH] [--xsk-prog PATH]

Host side work (trafgen, iperf3 server, ping, stat of the trace log) goes
through the control relay (same protocol as scripts/e1kx-ctl), spoken
directly here to avoid a Python start-up per request.
"""

import argparse
import bisect
import collections
import contextlib
import fcntl
import json
import os
import re
import select
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid

REPO = os.environ.get("E1KX_REPO") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAC = "52:54:00:e1:00:00"        # NIC 0 (scripts/e1kxvm.py nic_mac)
G4, P4 = "198.18.0.2", "198.18.0.1"
PEER_IF = "tap0"
IPERF_PORT = 5201
# iperf3 3.12 (Debian 12) reads all flows of one client process in one
# thread, i.e. on one CPU: the multi-flow workload runs one client process
# per guest vCPU (each with an equal share of the flows, each against its
# own server port), as a multi-threaded server would.
MULTI_FLOWS = 8
# The many-source flood: every unused address of the guest's /24 (on-link,
# so no reverse-path filter applies).  The 82574 hashes UDP over the IP
# addresses only; with all 8 low bits varying, a random RSS key leaves
# every source on one queue with probability 1/256.
RSS_SOURCES = ("198.18.0", 3, 254)
LOCK = "/run/lock/e1kx-ctl.lock"
# A destination MAC nobody owns: pktgen frames reach the host tap and are
# dropped there as PACKET_OTHERHOST, so the host sends nothing back.
SINK_MAC = "02:00:00:00:00:01"
# UDP port of the AF_XDP flood: tests/xdp/xsk_redirect.c sends 5800-5809
# to the socket of the queue.
XSK_PORT = 5800
# AF_XDP runs: the NIC's interrupts on CPU 0, the socket's process on
# CPU 1, for both drivers (a process spinning or polling on the CPU that
# runs the NIC's softirq halves both).
IRQ_CPU, APP_CPU = 0, 1


def note(msg):
    print(f"# {msg}", flush=True)


class Ctl:
    """Client of the e1kx-vm control relay (see scripts/e1kx-ctl)."""

    def __init__(self):
        self.port = os.environ.get("E1KX_CTL")
        if not self.port:
            sys.exit("guest.py: E1KX_CTL not set (not in an e1kx-vm guest)")

    def request(self, req):
        req["id"] = uuid.uuid4().hex
        os.makedirs(os.path.dirname(LOCK), exist_ok=True)
        with open(LOCK, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            fd = os.open(self.port, os.O_RDWR | os.O_NOCTTY)
            try:
                # A virtio-serial port may take less than a whole line
                out = json.dumps(req).encode() + b"\n"
                while out:
                    out = out[os.write(fd, out):]
                buf = b""
                while True:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        raise RuntimeError("control channel closed")
                    buf += chunk
                    while b"\n" in buf:
                        line, buf = buf.split(b"\n", 1)
                        try:
                            rep = json.loads(line)
                        except ValueError:
                            continue
                        if rep.get("id") == req["id"]:
                            if not rep.get("ok"):
                                raise RuntimeError(rep.get("error"))
                            return rep
            finally:
                os.close(fd)

    def hmp(self, cmd):
        return self.request({"op": "hmp", "cmd": cmd})["output"]

    def peer(self, cmd, timeout=60, check=True):
        rep = self.request({"op": "peer", "cmd": cmd, "timeout": timeout})
        if check and rep["rc"] != 0:
            raise RuntimeError(f"peer {cmd!r}: rc {rep['rc']}: "
                               f"{rep['stderr'].strip()[-300:]}")
        return rep["stdout"]


# --------------------------------------------------------------------------
# Guest counters
# --------------------------------------------------------------------------

def sh(cmd, check=True, **kw):
    return subprocess.run(cmd, shell=isinstance(cmd, str), check=check,
                          capture_output=True, text=True, **kw)


def read(path):
    with open(path) as f:
        return f.read().strip()


class Nic:
    def __init__(self, ifname):
        self.ifname = ifname
        dev = os.path.realpath(f"/sys/class/net/{ifname}/device")
        self.bdf = os.path.basename(dev)
        self.irqs = self._irqs(dev)

    @staticmethod
    def _irqs(dev):
        d = os.path.join(dev, "msi_irqs")
        if os.path.isdir(d) and os.listdir(d):
            return sorted(int(x) for x in os.listdir(d))
        return [int(read(os.path.join(dev, "irq")))]

    def snapshot(self):
        """Counters that cost no device register access on e1kx; on e1000e
        every statistics read runs e1000e_update_stats (register reads), so
        snapshots are only taken outside trace windows."""
        st = {}
        for k in ("tx_packets", "rx_packets", "tx_bytes", "rx_bytes"):
            st[k] = int(read(f"/sys/class/net/{self.ifname}/statistics/{k}"))
        irq = 0
        want = {str(i) for i in self.irqs}
        with open("/proc/interrupts") as f:
            ncpu = len(f.readline().split())
            for line in f:
                parts = line.split()
                if parts and parts[0].rstrip(":") in want:
                    irq += sum(int(x) for x in parts[1:1 + ncpu]
                               if x.isdigit())
        st["irqs"] = irq
        # Driver-independent segment counts for TCP: e1000e reports the
        # device's GPTC/GPRC (one per TSO frame with a vnet_hdr tap), e1kx
        # counts segments.  Tcp OutSegs counts TSO segments; the IpExt ECN
        # counters count received segments after GRO.
        st["tcp_out_segs"] = snmp("/proc/net/snmp", "Tcp", ("OutSegs",))
        st["ip_in_segs"] = snmp("/proc/net/netstat", "IpExt",
                                ("InNoECTPkts", "InECT1Pkts", "InECT0Pkts",
                                 "InCEPkts"))
        st["t"] = time.monotonic()
        return st


def ethtool_stats(ifname):
    """ethtool -S as a dict (e1000e reads its statistics registers here:
    only called outside trace windows)."""
    out = sh(["ethtool", "-S", ifname], check=False).stdout
    st = {}
    for ln in out.splitlines()[1:]:
        k, _, v = ln.partition(":")
        try:
            st[k.strip()] = int(v)
        except ValueError:
            pass
    return st


def stats_delta(a, b):
    """Counters that changed (for per-workload diagnosis)."""
    return {k: b[k] - a.get(k, 0) for k in b if b[k] != a.get(k, 0)}


def snmp(path, proto, fields):
    """Sum of fields of proto in a /proc/net/snmp-style file."""
    with open(path) as f:
        lines = [ln.split() for ln in f if ln.startswith(proto + ":")]
    hdr, val = lines[0], lines[1]
    return sum(int(val[hdr.index(x)]) for x in fields if x in hdr)


def host_cpu(ctl):
    """The host's CPU counters for this guest's namespace (QEMU's threads,
    the generator): scripts/bench/hostcpu.py, run through the peer."""
    return json.loads(ctl.peer(
        f"python3 {shlex.quote(REPO)}/scripts/bench/hostcpu.py"))


def host_cpu_delta(a, b):
    """Each thread group's share of one host CPU between two host_cpu()
    readings, in percent (groups under 0.5% left out), and the whole
    host's busy time on the same scale (at most 100 times its CPUs)."""
    span = (b["t"] - a["t"]) * b["hz"]            # clock ticks
    pct = {g: round(100.0 * (v - a["groups"].get(g, 0)) / span, 1)
           for g, v in b["groups"].items()}
    out = {g: v for g, v in sorted(pct.items()) if v >= 0.5}
    total = b["total"] - a["total"]
    out["host busy"] = round(100.0 * b["ncpu"] * (b["busy"] - a["busy"]) /
                             total, 1) if total else 0.0
    return out


def delta(a, b):
    return {k: b[k] - a[k] for k in a}


# --------------------------------------------------------------------------
# Workloads
# --------------------------------------------------------------------------

class Pktgen:
    """Kernel pktgen on kpktgend_0: 64-byte frames (60 + FCS), UDP."""

    def __init__(self, nic, burst):
        self.nic = nic
        self.burst = burst
        self.thread = None

    @staticmethod
    def pg(path, cmd):
        with open(path, "w") as f:
            f.write(cmd + "\n")

    def setup(self):
        sh("modprobe pktgen")
        dev = self.nic.ifname
        t = "/proc/net/pktgen/kpktgend_0"
        self.pg(t, "rem_device_all")
        self.pg(t, f"add_device {dev}")
        p = f"/proc/net/pktgen/{dev}"
        for cmd in ("count 0", "pkt_size 60", "delay 0", "clone_skb 0",
                    f"burst {self.burst}", f"dst {P4}", f"dst_mac {SINK_MAC}",
                    "udp_src_min 9", "udp_src_max 9",
                    "udp_dst_min 9", "udp_dst_max 9"):
            self.pg(p, cmd)

    def start(self):
        self.thread = threading.Thread(
            target=self.pg, args=("/proc/net/pktgen/pgctrl", "start"),
            daemon=True)
        self.thread.start()

    def stop(self):
        self.pg("/proc/net/pktgen/pgctrl", "stop")
        self.thread.join(10)

    def teardown(self):
        self.pg("/proc/net/pktgen/kpktgend_0", "rem_device_all")


class Trafgen:
    """trafgen on the host tap: 64-byte UDP frames (60 + FCS) at the guest,
    one process, round-robin over one frame per source address (the host
    addresses A.B.C.<first..last>).  A guest UDP socket on the port keeps
    the guest from answering with ICMP port unreachable."""

    def __init__(self, ctl, guest_mac, src_mac, tmp, sources=None,
                 port=9):
        self.ctl = ctl
        self.pidfile = f"{tmp}/trafgen.pid"
        net, host = P4.rsplit(".", 1)
        net, first, last = sources or (net, host, host)
        self.seq = f"{first} {last}"
        # 14 + 20 + 8 + 18 bytes of payload = 60 bytes.
        self.cfg = (f"{{ eth(da={guest_mac}, sa={src_mac}), "
                    f"ipv4(saddr={net}.%d, daddr={G4}, ttl=64), "
                    f"udp(sp=9, dp={port}), fill(0x00, 18) }}\\n")
        self.cfgfile = f"{tmp}/udp64-{port}.cfg"
        self.sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sink.bind((G4, port))

    def setup(self):
        self.ctl.peer(f"for i in $(seq {self.seq}); do "
                      f"printf {shlex.quote(self.cfg)} $i; done "
                      f">{self.cfgfile}")

    def start(self):
        self.ctl.peer(f"timeout 120 trafgen -o {PEER_IF} -i {self.cfgfile} "
                      f"-P 1 -q -C -Q >/dev/null 2>&1 </dev/null & "
                      f"echo $! >{self.pidfile}")

    def stop(self):
        self.ctl.peer(f"kill $(cat {self.pidfile}) 2>/dev/null; "
                      f"while kill -0 $(cat {self.pidfile}) 2>/dev/null; "
                      f"do sleep 0.05; done; true")

    def teardown(self):
        self.sink.close()


@contextlib.contextmanager
def running(gen):
    """A started traffic generator, stopped however the block ends."""
    gen.start()
    try:
        yield
    finally:
        gen.stop()


class Lines:
    """Line reader of a child's stdout with a timeout."""

    def __init__(self, proc):
        self.proc = proc
        self.buf = b""
        self.all = []

    def next(self, timeout):
        end = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise RuntimeError(f"{self.proc.args[0]}: no output in "
                                   f"{timeout}s")
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError(f"{' '.join(self.proc.args)}: exited "
                                   f"({self.proc.wait()}): "
                                   f"{' '.join(self.all)[-300:]}")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        line = line.decode(errors="replace")
        self.all.append(line)
        return line

    def expect(self, prefix, timeout=10):
        while True:
            line = self.next(timeout)
            if line.startswith(prefix):
                return line

    def rest(self, timeout=30):
        """Everything up to the end of the output, once it exited."""
        out, _ = self.proc.communicate(timeout=timeout)
        text = (self.buf + (out or b"")).decode(errors="replace")
        self.all += text.splitlines()
        return "\n".join(self.all)


def xdp_attached(ifname):
    return "prog/xdp" in sh(["ip", "-d", "link", "show", "dev", ifname],
                            check=False).stdout


class XdpBench:
    """xdp-bench COMMAND on the NIC for the whole workload (both windows;
    the flood from the peer is the generator): native on e1kx, generic
    (skb) mode on e1000e, which has no XDP."""

    def __init__(self, nic, cmd, native):
        self.nic = nic
        self.args = ["xdp-bench", cmd, "-i", "1"] + \
            ([] if native else ["-m", "skb"]) + [nic.ifname]
        self.proc = None
        self.result = {}

    def start(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        ok = wait(lambda: xdp_attached(self.nic.ifname) or
                  self.proc.poll() is not None, 20, 0.1)
        if not ok or self.proc.poll() is not None:
            out = self.stop()
            raise RuntimeError(f"{' '.join(self.args)}: not attached: "
                               f"{out[-300:]}")
        # A native attach may restart the rings (and the link)
        wait(lambda: read(f"/sys/class/net/{self.nic.ifname}/carrier")
             == "1", 10)

    def stop(self):
        """Detach; xdp-bench's own totals go into self.result"""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            out, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        out = out.decode(errors="replace")
        for key, pat in (("received", "Packets received"),
                         ("transmitted", "Packets transmitted"),
                         ("avg_pps", "Average packets/s"),
                         ("avg_tx_pps", "Average transmit/s"),
                         ("errors", "Errors recorded")):
            m = re.search(pat + r"\s*:\s*([0-9,]+)", out)
            if m:
                self.result[key] = int(m.group(1).replace(",", ""))
        if xdp_attached(self.nic.ifname):
            raise RuntimeError(f"{' '.join(self.args)}: still attached "
                               "after it exited")
        return out


class IrqPin:
    """The NIC's interrupts on one CPU for the duration of a workload"""

    def __init__(self, nic, cpu):
        self.nic = nic
        self.cpu = cpu
        self.saved = {}

    def start(self):
        for irq in self.nic.irqs:
            path = f"/proc/irq/{irq}/smp_affinity_list"
            try:
                self.saved[path] = read(path)
                with open(path, "w") as f:
                    f.write(str(self.cpu))
            except OSError:
                pass

    def stop(self):
        for path, val in self.saved.items():
            try:
                with open(path, "w") as f:
                    f.write(val)
            except OSError:
                pass


class XskTool:
    """tests/xsk/xsk_test in a rate mode (rxdrop, txonly) on queue 0,
    pinned to APP_CPU: zero-copy on e1kx, copy mode with the XDP program
    in skb mode on e1000e. Lives for the whole workload; count() is where
    its frame count stands (SIGUSR1)."""

    def __init__(self, tool, prog, nic, mode, zc, tmp, extra=()):
        self.nic = nic
        self.ready = f"/tmp/xsk-{mode}.ready"
        self.args = ["taskset", "-c", str(APP_CPU), tool, mode, nic.ifname,
                     "0", "0", "--time", "3600", "--prog", prog,
                     "--ready", self.ready, *extra]
        if not zc:
            self.args += ["--copy", "--skb"]
        self.proc = self.lines = None
        self.result = {}

    def start(self):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.ready)
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.lines = Lines(self.proc)
        if not wait(lambda: os.path.exists(self.ready) or
                    self.proc.poll() is not None, 30, 0.1) or \
                self.proc.poll() is not None:
            raise RuntimeError(f"{' '.join(self.args)}: "
                               f"{self.stop()[-300:]}")
        wait(lambda: read(f"/sys/class/net/{self.nic.ifname}/carrier")
             == "1", 10)

    def count(self):
        """(frames, seconds) now"""
        self.proc.send_signal(signal.SIGUSR1)
        m = re.match(r"n=(\d+) t=([0-9.]+)", self.lines.expect("n="))
        return int(m.group(1)), float(m.group(2))

    def toggle(self, want):
        self.proc.send_signal(signal.SIGUSR2)
        line = self.lines.expect("sending=")
        if line != f"sending={int(want)}":
            raise RuntimeError(f"xsk_test: {line}, wanted {int(want)}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            out = self.lines.rest()
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out = self.lines.rest()
        m = re.search(r"^(rxdrop|txonly)=.*$", out, re.M)
        if m:
            self.result = dict(kv.split("=", 1) for kv in m.group(0).split())
        return out


class XskSending:
    """Generator: an XskTool txonly started --paused, switched on and off"""

    def __init__(self, tool):
        self.tool = tool

    def setup(self):
        pass

    def teardown(self):
        pass

    def start(self):
        self.tool.toggle(True)

    def stop(self):
        self.tool.toggle(False)


class Steer:
    """e1kx: RSS sends every flow to queue 0 (the AF_XDP socket's);
    e1000e has one queue"""

    def __init__(self, nic, active):
        self.nic = nic
        self.active = active

    def start(self):
        if self.active:
            sh(["ethtool", "-X", self.nic.ifname, "weight", "1", "0"])

    def stop(self):
        if self.active:
            sh(["ethtool", "-X", self.nic.ifname, "default"], check=False)


@contextlib.contextmanager
def all_running(parts):
    """Start parts in order, stop them in reverse, however the block ends"""
    started = []
    try:
        for p in parts:
            p.start()
            started.append(p)
        yield
    finally:
        for p in reversed(started):
            try:
                p.stop()
            except Exception as e:  # keep stopping the others
                note(f"stopping {type(p).__name__}: {e}")


def iperf3_result(p, args, timeout):
    """Wait for one iperf3 client; its parsed JSON "end" section."""
    out, err = p.communicate(timeout=timeout)
    try:
        j = json.loads(out)
    except ValueError:
        raise RuntimeError(f"iperf3 {' '.join(args)}: rc {p.returncode}: "
                           f"{err.strip()[-300:]}")
    if "error" in j:
        raise RuntimeError(f"iperf3 {' '.join(args)}: {j['error']}")
    return j["end"]


def iperf3(args, secs, clients=1):
    """Run guest iperf3 clients against the peer servers, one process per
    server port, all at once; their receiver rates summed, in Mbit/s."""
    procs = [subprocess.Popen(["iperf3", "-c", P4, "-p", str(IPERF_PORT + i),
                               "-t", str(secs), "-J", *args],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
             for i in range(clients)]
    res = {"mbps": 0.0, "mbps_sent": 0.0, "retransmits": 0}
    try:
        for p in procs:
            end = iperf3_result(p, args, secs + 60)
            res["mbps"] += end["sum_received"]["bits_per_second"] / 1e6
            res["mbps_sent"] += end["sum_sent"]["bits_per_second"] / 1e6
            res["retransmits"] += end["sum_sent"].get("retransmits") or 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return res


# Kernel report lines (as tests/lib.sh E1KX_REPORT_RE).
REPORT_RE = re.compile(
    r"^\s*(WARNING:|BUG:|Oops|KASAN:|UBSAN:|general protection fault|"
    r"kernel BUG|Kernel panic|DMA-API: \S+ \S+: )|possible circular "
    r"locking|suspicious RCU usage|inconsistent lock state")
PING_RE = re.compile(r"time=([0-9.]+) ms")


def ping_peer_to_guest(ctl, n, interval):
    """Ping the guest from the peer side (host clock); list of RTTs in us."""
    out = ctl.peer(f"ping -n -c {n} -i {interval} -W 2 {G4}",
                   timeout=n * interval + 30, check=False)
    return [float(x) * 1000 for x in PING_RE.findall(out)]


def pct(vals, p):
    if not vals:
        return None
    s = sorted(vals)
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# --------------------------------------------------------------------------
# Trace windows
# --------------------------------------------------------------------------

class Tracer:
    EVENTS = ("e1000e_core_read", "e1000e_core_write")
    # With the pings also the model's receive and MSI-X sends (bench.py
    # times each ping from its arrival in the model to the reply's TDT
    # write: the guest's share of the round trip)
    PING_EVENTS = ("e1000e_rx_receive_iov", "e1000e_irq_msix_notify_vec",
                   "e1000e_irq_msix_notify_postponed_vec")

    def __init__(self, ctl, log):
        self.ctl = ctl
        self.log = log
        self.events = self.EVENTS

    def size(self):
        return int(self.ctl.peer(f"stat -c %s {shlex.quote(self.log)}"))

    def on(self, extra=()):
        self.start = self.size()
        self.events = self.EVENTS + tuple(extra)
        for e in self.events:
            self.ctl.hmp(f"trace-event {e} on")

    def off(self):
        for e in self.events:
            self.ctl.hmp(f"trace-event {e} off")
        return [self.start, self.size()]


class Profiler:
    """Guest kernel instruction profile of a window, from QEMU's tbprof
    plugin (scripts/bench/tbprof.c): a snapshot of its block counters at
    on() and at off(), resolved here against this kernel's symbols, whose
    addresses only the guest knows (KASLR).  Used instead of the Tracer in
    the bench's profile boots."""

    # Called once per frame: the RX and TX frame counts of a window
    CALLS = ("eth_type_trans", "e1kx_xmit", "e1000_xmit_frame")
    TOP = 60

    def __init__(self, ctl, ctlfile, outdir):
        self.ctl = ctl
        self.ctlfile = ctlfile
        self.outdir = outdir
        self.n = 0

    def symbols(self):
        """Text symbols now: modules (the driver, pktgen) come and go"""
        syms = []
        with open("/proc/kallsyms") as f:
            for ln in f:
                p = ln.split()
                if len(p) >= 3 and p[1] in "tTwW":
                    syms.append((int(p[0], 16), p[2]))
        syms.sort()
        return syms

    def snap(self):
        self.n += 1
        path = f"{self.outdir}/snap-{self.n}"
        self.ctl.peer(f"echo {shlex.quote(path)} >{shlex.quote(self.ctlfile)}"
                      f"; until [ -e {shlex.quote(path)} ]; do sleep 0.02; "
                      f"done")
        return path

    @staticmethod
    def load(path):
        with open(path) as f:
            return {(int(pc, 16), int(ins)): int(ex) for pc, ins, ex in
                    (ln.split() for ln in f)}

    def on(self, extra=()):
        """extra: the Tracer's extra events, nothing to a profile"""
        self.start = self.snap()

    def off(self):
        end = self.snap()
        a, b = self.load(self.start), self.load(end)
        syms = self.symbols()
        addrs = [x for x, _ in syms]
        entry = {}
        for x, name in syms:
            if name in self.CALLS:
                entry.setdefault(x, name)
        insns = collections.Counter()
        blocks = collections.Counter()
        calls = dict.fromkeys(self.CALLS, 0)
        for (pc, ins), ex in b.items():
            n = ex - a.get((pc, ins), 0)
            if n <= 0:
                continue
            if pc in entry:
                calls[entry[pc]] += n
            i = bisect.bisect_right(addrs, pc) - 1
            # Far past the nearest symbol: code kallsyms does not name
            name = syms[i][1] if i >= 0 and pc - syms[i][0] < 1 << 20 \
                else "[unknown]"
            insns[name] += n * ins
            blocks[name] += n
        return {"insns": sum(insns.values()),
                "blocks": sum(blocks.values()), "calls": calls,
                "by_symbol": [[name, v, blocks[name]] for name, v in
                              insns.most_common(self.TOP)]}


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def find_netdev(mac, secs=10):
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        for n in os.listdir("/sys/class/net"):
            if not os.path.exists(f"/sys/class/net/{n}/device"):
                continue
            if read(f"/sys/class/net/{n}/address").lower() == mac:
                return n
        time.sleep(0.1)
    raise RuntimeError(f"no netdev with MAC {mac}")


def load_driver(drv, ko):
    cmd = ["insmod", ko] if drv == "e1kx" else ["modprobe", drv]
    r = sh(cmd, check=False)
    if r.returncode != 0:
        raise SystemExit(f"guest.py: {' '.join(cmd)} failed: "
                         f"{(r.stderr or r.stdout).strip()}")


def wait(cond, secs, step=0.2):
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        if cond():
            return True
        time.sleep(step)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--trace-log", required=True)
    ap.add_argument("--window", type=float, default=5)
    ap.add_argument("--trace-window", type=float, default=2)
    ap.add_argument("--tcp-reps", type=int, default=3,
                    help="untraced runs per TCP workload (median)")
    ap.add_argument("--pings", type=int, default=200)
    ap.add_argument("--trace-pings", type=int, default=50)
    ap.add_argument("--ping-interval", type=float, default=0.05)
    ap.add_argument("--ko", default=os.path.join(REPO, "e1kx.ko"),
                    help="e1kx module to insmod")
    ap.add_argument("--only", help="comma-separated workloads (debugging)")
    ap.add_argument("--xsk-tool", default=os.path.join(REPO, "build", "xsk",
                                                       "xsk_test"))
    ap.add_argument("--xsk-prog", default=os.path.join(
        REPO, "build", "xdp", "xsk_redirect.o"))
    ap.add_argument("--profile", metavar="CTLFILE:DIR",
                    help="profile boot: the trace windows take tbprof "
                         "snapshots (control file CTLFILE, into DIR) "
                         "instead of register traces")
    args = ap.parse_args()

    ctl = Ctl()
    if args.profile:
        tracer = Profiler(ctl, *args.profile.split(":", 1))
    else:
        tracer = Tracer(ctl, args.trace_log)
    res = {"driver": args.driver, "workloads": {}, "errors": []}

    load_driver(args.driver, args.ko)
    ifname = find_netdev(MAC)
    nic = Nic(ifname)
    drv = os.path.basename(os.path.realpath(
        f"/sys/class/net/{ifname}/device/driver"))
    res.update(ifname=ifname, bdf=nic.bdf, bound_driver=drv, irqs=nic.irqs,
               kernel=os.uname().release, ncpu=os.cpu_count(),
               clocksource=read("/sys/devices/system/clocksource/"
                                "clocksource0/current_clocksource"))
    sh(["ip", "link", "set", ifname, "up"])
    sh(["ip", "addr", "add", f"{G4}/24", "dev", ifname])
    if not wait(lambda: read(f"/sys/class/net/{ifname}/carrier") == "1", 20):
        raise RuntimeError(f"{ifname}: no carrier")
    if not wait(lambda: sh(["ping", "-c1", "-W2", P4], check=False)
                .returncode == 0, 40, 0.5):
        raise RuntimeError(f"peer {P4} unreachable")
    res["ethtool_l"] = sh(["ethtool", "-l", ifname], check=False).stdout
    res["ethtool_k"] = sh(["ethtool", "-k", ifname], check=False).stdout
    res["ethtool_c"] = sh(["ethtool", "-c", ifname], check=False).stdout
    note(f"{drv} on {nic.bdf} as {ifname}, irqs {nic.irqs}")

    guest_mac = read(f"/sys/class/net/{ifname}/address")
    peer_mac = ctl.peer(f"cat /sys/class/net/{PEER_IF}/address").strip()
    tmp = ctl.peer("mktemp -d /tmp/e1kx-bench.XXXXXX").strip()
    nclients = os.cpu_count()
    if MULTI_FLOWS % nclients:
        raise RuntimeError(f"{MULTI_FLOWS} flows do not split over "
                           f"{nclients} CPUs")
    for i in range(nclients):
        ctl.peer(f"iperf3 -s -D -B {P4} -p {IPERF_PORT + i} "
                 f"-I {tmp}/iperf3-{i}.pid")
    time.sleep(0.5)

    only = set(args.only.split(",")) if args.only else None
    W, TW = args.window, args.trace_window

    def want(name):
        return only is None or name in only

    def record(name, **kw):
        res["workloads"][name] = kw
        parts = [f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                 for k, v in kw.items() if not isinstance(v, (dict, list))]
        note(f"{name}: " + " ".join(parts))

    def traced(run, extra=()):
        """run() in a trace window, counters read just outside it: its
        result, the counters' delta and the trace log span."""
        pre = nic.snapshot()
        tracer.on(extra)
        out = run()
        span = tracer.off()
        return out, delta(pre, nic.snapshot()), span

    def burst(gen):
        with running(gen):
            time.sleep(TW)
        time.sleep(0.3)                          # let completions finish

    def continuous(name, gen, pkt_key, parts=(), counter=None, **extra):
        """Untraced rate window, then a traced window that contains the
        whole start..stop of the generator (counters read outside it).
        parts (an XDP program, an AF_XDP socket) run around both windows.
        The rate is pkt_key's delta, or counter()'s ((frames, seconds)).
        The generator is stopped and torn down on any error too, so that
        it does not run into the next workload."""
        try:
            gen.setup()
            with all_running(parts):
                with running(gen):
                    time.sleep(1.0)                  # warm-up
                    ea = ethtool_stats(ifname)
                    ca = counter() if counter else None
                    ha = host_cpu(ctl)
                    a = nic.snapshot()
                    time.sleep(W)
                    b = nic.snapshot()
                    hb = host_cpu(ctl)
                    cb = counter() if counter else None
                    eb = ethtool_stats(ifname)
                time.sleep(0.5)
                _, td, span = traced(lambda: burst(gen))
        finally:
            gen.teardown()
        d = delta(a, b)
        if counter:
            extra["frames"] = cb[0] - ca[0]
            pps = extra["frames"] / (cb[1] - ca[1])
        else:
            pps = d[pkt_key] / d["t"]
        for p in parts:
            if getattr(p, "result", None):
                extra[f"{type(p).__name__.lower()}_result"] = p.result
        record(name, pps=pps, window=d, traced=td,
               ethtool_delta=stats_delta(ea, eb),
               trace_span=span, pkts_key=pkt_key,
               irq_per_pkt=d["irqs"] / max(d[pkt_key], 1),
               host_cpu=host_cpu_delta(ha, hb), **extra)

    native = args.driver == "e1kx"
    mode = {"mode": "native XDP, AF_XDP zero-copy" if native else
            "generic (skb) XDP, AF_XDP copy mode"}

    def trafgen(port=9, src_mac=None):
        return Trafgen(ctl, guest_mac, src_mac or peer_mac, tmp, port=port)

    def xsk(tool_mode, *extra):
        return XskTool(args.xsk_tool, args.xsk_prog, nic, tool_mode, native,
                       tmp, extra)

    def xsk_rx():
        t = xsk("rxdrop")
        continuous("xsk_rx", trafgen(XSK_PORT), "rx_packets",
                   parts=(IrqPin(nic, IRQ_CPU), Steer(nic, native), t),
                   counter=t.count, **mode)

    def xsk_tx():
        t = xsk("txonly", "--paused", "--src-mac", guest_mac,
                "--dst-mac", SINK_MAC, "--src-ip", G4, "--dst-ip", P4,
                "--port", "9", "--size", "18")
        continuous("xsk_tx", XskSending(t), "tx_packets",
                   parts=(IrqPin(nic, IRQ_CPU), t), counter=t.count, **mode)

    def tcp(name, iargs, clients=1):
        """args.tcp_reps untraced runs, each a new connection (for e1kx a
        new RSS hash, so possibly another queue and CPU): the rate is their
        median; then one traced run."""
        ea = ethtool_stats(ifname)
        ha = host_cpu(ctl)
        a = nic.snapshot()
        runs = [iperf3(["-O", "1", *iargs], W, clients)
                for _ in range(args.tcp_reps)]
        b = nic.snapshot()
        hb = host_cpu(ctl)
        eb = ethtool_stats(ifname)
        d = delta(a, b)
        time.sleep(0.5)
        rt, td, span = traced(lambda: iperf3(iargs, max(1, round(TW)),
                                             clients))
        pk = d["tcp_out_segs"] + d["ip_in_segs"]
        record(name, mbps=statistics.median(r["mbps"] for r in runs),
               mbps_runs=[r["mbps"] for r in runs],
               retransmits=sum(r["retransmits"] for r in runs),
               clients=clients,
               traced_mbps=rt["mbps"], window=d, traced=td, trace_span=span,
               ethtool_delta=stats_delta(ea, eb),
               pkts_key="tcp_out_segs+ip_in_segs",
               irq_per_pkt=d["irqs"] / max(pk, 1),
               host_cpu=host_cpu_delta(ha, hb))

    steps = [
        ("tx_pps_b1", lambda: continuous("tx_pps_b1", Pktgen(nic, 1),
                                         "tx_packets")),
        ("tx_pps_b32", lambda: continuous("tx_pps_b32", Pktgen(nic, 32),
                                          "tx_packets")),
        ("rx_pps", lambda: continuous(
            "rx_pps", Trafgen(ctl, guest_mac, peer_mac, tmp), "rx_packets")),
        ("rx_pps_rss", lambda: continuous(
            "rx_pps_rss", Trafgen(ctl, guest_mac, peer_mac, tmp,
                                  RSS_SOURCES), "rx_packets")),
        ("tcp_tx", lambda: tcp("tcp_tx", [])),
        ("tcp_rx", lambda: tcp("tcp_rx", ["-R"])),
        ("tcp_rx_8", lambda: tcp("tcp_rx_8", [
            "-R", "-P", str(MULTI_FLOWS // nclients)], nclients)),
        ("ping", None),
        ("xdp_drop", lambda: continuous(
            "xdp_drop", trafgen(), "rx_packets",
            parts=(XdpBench(nic, "drop", native),), **mode)),
        # Sent from an unowned MAC: the forwarded frames go back to it and
        # the host drops them at its link layer, as it does pktgen's and
        # txonly's, instead of running IP and UDP on each in the writing
        # vCPU's thread.
        ("xdp_tx", lambda: continuous(
            "xdp_tx", trafgen(src_mac=SINK_MAC), "tx_packets",
            parts=(XdpBench(nic, "tx", native),), **mode)),
        ("xsk_rx", xsk_rx),
        ("xsk_tx", xsk_tx),
    ]
    for name, fn in steps:
        if not want(name):
            continue
        try:
            if name == "ping":
                ha = host_cpu(ctl)
                a = nic.snapshot()
                rtts = ping_peer_to_guest(ctl, args.pings, args.ping_interval)
                b = nic.snapshot()
                hb = host_cpu(ctl)
                d = delta(a, b)
                trtts, td, span = traced(lambda: ping_peer_to_guest(
                    ctl, args.trace_pings, args.ping_interval),
                    Tracer.PING_EVENTS)
                pk = d["tx_packets"] + d["rx_packets"]
                record("ping", p50_us=pct(rtts, 50), p99_us=pct(rtts, 99),
                       mean_us=statistics.mean(rtts) if rtts else None,
                       replies=len(rtts), sent=args.pings,
                       traced_replies=len(trtts), rtts_us=rtts,
                       window=d, traced=td, trace_span=span,
                       pkts_key="tx_packets+rx_packets",
                       irq_per_pkt=d["irqs"] / max(pk, 1),
                       host_cpu=host_cpu_delta(ha, hb))
            else:
                fn()
            # Cumulative result after every workload: if the guest dies
            # later (driver bug), the host still gets what was measured.
            print("@@BENCH-JSON@@ " + json.dumps(res), flush=True)
        except Exception as e:  # keep going: report what did work
            note(f"{name}: FAILED: {type(e).__name__}: {e}")
            res["errors"].append(f"{name}: {type(e).__name__}: {e}")
            for ev in Tracer.EVENTS + Tracer.PING_EVENTS:
                try:
                    ctl.hmp(f"trace-event {ev} off")
                except Exception:
                    pass
    if any(want(n) for n in ("tcp_rx_8", "rx_pps", "rx_pps_rss", "xdp_drop",
                             "xdp_tx", "xsk_rx", "xsk_tx")):
        res["ethtool_S"] = sh(["ethtool", "-S", ifname], check=False).stdout

    rep = [ln for ln in sh(["dmesg", "--notime"], check=False)
           .stdout.splitlines() if REPORT_RE.search(ln)]
    if rep:
        res["errors"].append("kernel report: " + rep[0].strip())
        note("kernel report: " + rep[0].strip())
    ctl.peer(f"kill $(cat {tmp}/iperf3-*.pid) 2>/dev/null; rm -rf {tmp}; "
             f"true", check=False)
    res["complete"] = True
    print("@@BENCH-JSON@@ " + json.dumps(res), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
