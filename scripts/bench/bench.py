#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`make bench`: e1kx vs the in-tree e1000e on QEMU's 82574L model.

Boots the same guest (2 vCPUs, one 82574L on a vnet_hdr tap, same QEMU
options) once per driver per round, alternating which driver goes first,
runs scripts/bench/guest.py in it and reports per metric the median of each
driver, the spread (min..max) and the ratio e1kx/e1000e.  Register accesses
are counted from QEMU's e1000e_core_read/e1000e_core_write trace events,
enabled (HMP trace-event) only for each workload's trace window.  After the
rounds, one profile boot per driver loads QEMU's tbprof plugin (tbprof.c,
built here) and takes a guest kernel instruction profile of each trace
window instead: a deterministic cost per frame (or KiB) and where it goes.

    scripts/bench/bench.py [--quick] [--rounds N] [--out DIR] [--no-profile]
    scripts/bench/bench.py --report DIR/results.json

Writes DIR/results.json (every sample), the chart and the results table
as Markdown (DIR/ratios.png and DIR/results.md for a full run,
ratios-quick.png and results-quick.md for --quick), and prints the table.
It never edits a file under Documentation/.
Under TCG on a shared machine the absolute numbers are meaningless; only the
ratios between drivers booted back to back mean something.
"""

import argparse
import collections
import datetime
import hashlib
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
SCRIPTS_DIR = os.path.dirname(BENCH_DIR)
REPO = os.path.dirname(SCRIPTS_DIR)
sys.path.insert(0, SCRIPTS_DIR)
import e1kxvm  # noqa: E402

DRIVERS = ("e1kx", "e1000e")
# Guest clocksource -> kernel argument.  Under TCG with -cpu max the guest
# kernel rejects the TSC without measuring it (a non-Intel CPU with more
# than one CPU is assumed unsynchronized) and falls back to the HPET, whose
# every read is an MMIO exit under QEMU's global lock, the lock the device
# model holds while it moves frames.  QEMU's TCG TSC comes from one host
# clock for all vCPUs, so it is declared reliable; both drivers get the
# same clock (Documentation/performance.md, "The guest's clock").
GUEST_CLOCKS = {"tsc": "tsc=reliable", "hpet": ""}
JSON_MARK = b"@@BENCH-JSON@@ "

PROFILES = {
    # window: untraced seconds per rate metric; trace_window: seconds per
    # traced window; tcp_reps: untraced runs per TCP workload and boot
    # (median); pings: untraced pings (latency); trace_pings: traced.
    "full": {"window": 5, "trace_window": 2, "tcp_reps": 3, "pings": 200,
             "trace_pings": 50, "rounds": 3},
    "quick": {"window": 2, "trace_window": 1, "tcp_reps": 1, "pings": 40,
              "trace_pings": 20, "rounds": 1},
}

WORKLOADS = [
    # name, label
    ("tx_pps_b1", "TX pktgen 64B burst 1"),
    ("tx_pps_b32", "TX pktgen 64B burst 32"),
    ("rx_pps", "RX trafgen 64B UDP"),
    ("rx_pps_rss", "RX trafgen 64B UDP, 252 sources"),
    ("tcp_tx", "TCP guest->peer"),
    ("tcp_rx", "TCP peer->guest"),
    ("tcp_rx_8", "TCP peer->guest x8"),
    ("ping", "ping 20/s"),
    # The fast paths, each driver's best mode: e1kx native XDP and AF_XDP
    # zero-copy; e1000e generic (skb) XDP and AF_XDP copy mode
    ("xdp_drop", "XDP drop 64B"),
    ("xdp_tx", "XDP_TX forward 64B"),
    ("xsk_rx", "AF_XDP rxdrop 64B"),
    ("xsk_tx", "AF_XDP txonly 64B"),
]
FAST = ("xdp_drop", "xdp_tx", "xsk_rx", "xsk_tx")
# pktgen burst per TX workload: an xmit batch is this many frames
BURST = {"tx_pps_b1": 1, "tx_pps_b32": 32}

# Metric: key, label, unit, higher is better, target, getter.
# Targets on the ratio e1kx/e1000e: ("ge", x) ratio >= x, ("le", x)
# ratio <= x. On e1kx's own value: ("zero", x) and ("lt", x) value < x,
# ("max", x) value <= x. A target is met when the medians meet it and so
# do most rounds (status()).
def _w(name, key):
    return lambda s: (s["workloads"].get(name) or {}).get(key)


def _regs(name, kind):
    return lambda s: ((s["workloads"].get(name) or {}).get("regs") or {}) \
        .get(kind)


def _each(getters):
    """A getter that differs by driver: {driver: getter}"""
    return lambda s: getters[s["driver"]](s)


def _per_batch(name):
    w = _regs(name, "writes_per_pkt")
    return lambda s: None if w(s) is None else w(s) * BURST[name]


METRICS = [
    ("tx_pps_b1", "TX pps, 64B, burst 1", "pps", True, None,
     _w("tx_pps_b1", "pps")),
    ("tx_pps_b32", "TX pps, 64B, burst 32", "pps", True, None,
     _w("tx_pps_b32", "pps")),
    ("rx_pps", "RX pps, 64B UDP", "pps", True, ("ge", 1.5),
     _w("rx_pps", "pps")),
    ("rx_pps_rss", "RX pps, 64B UDP, 252 sources (RSS)", "pps", True,
     ("ge", 1.5), _w("rx_pps_rss", "pps")),
    ("tcp_tx", "TCP guest->peer", "Mbit/s", True, ("ge", 1.2),
     _w("tcp_tx", "mbps")),
    ("tcp_rx", "TCP peer->guest", "Mbit/s", True, ("ge", 1.2),
     _w("tcp_rx", "mbps")),
    ("tcp_rx_8", "TCP peer->guest, 8 flows", "Mbit/s", True, ("ge", 1.6),
     _w("tcp_rx_8", "mbps")),
    ("ping_p50", "ping RTT p50", "us", False, ("le", 1.0),
     _w("ping", "p50_us")),
    ("ping_p99", "ping RTT p99", "us", False, ("le", 1.0),
     _w("ping", "p99_us")),
    # Where a traced ping's time goes, on the host clock in the model
    ("ping_irq", "ping: request in model -> MSI-X, p50", "us", False, None,
     lambda s: (_w("ping", "timeline")(s) or {}).get("irq_p50_us")),
    ("ping_bell", "ping: request in model -> reply TDT write, p50", "us",
     False, None,
     lambda s: (_w("ping", "timeline")(s) or {}).get("doorbell_p50_us")),
    ("ping_irqs", "ping: further MSI-X messages before the reply", "/ping",
     False, None,
     lambda s: (_w("ping", "timeline")(s) or {}).get("irqs_before_reply")),
    # e1kx native XDP / zero-copy against e1000e skb mode / copy mode
    ("xdp_drop", "XDP_DROP, 64B", "pps", True, ("ge", 4.0),
     _w("xdp_drop", "pps")),
    ("xdp_tx", "XDP_TX forward, 64B", "pps", True, ("ge", 4.0),
     _w("xdp_tx", "pps")),
    ("xsk_rx", "AF_XDP rxdrop, 64B", "pps", True, ("ge", 3.0),
     _w("xsk_rx", "pps")),
    ("xsk_tx", "AF_XDP txonly, 64B", "pps", True, ("ge", 3.0),
     _w("xsk_tx", "pps")),
    ("xsk_tx_pktgen", "AF_XDP txonly (e1000e: pktgen burst 32)", "pps",
     True, ("ge", 1.0), _each({"e1kx": _w("xsk_tx", "pps"),
                               "e1000e": _w("tx_pps_b32", "pps")})),
]
for _n, _l in WORKLOADS:
    # Register accesses: <= 0.5x e1000e's on the skb paths (TX pktgen:
    # per xmit batch instead, below; the fast paths: shown, no target)
    _t = ("le", 0.5) if _n not in BURST and _n not in FAST else None
    METRICS += [
        (f"{_n}.regs", f"{_l}: reg accesses/pkt", "/pkt", False, _t,
         _regs(_n, "per_pkt")),
        (f"{_n}.reads", f"{_l}: reg reads/pkt", "/pkt", False, None,
         _regs(_n, "reads_per_pkt")),
        (f"{_n}.hotreads", f"{_l}: non-stats reads/pkt", "/pkt", False,
         ("zero", 0.01) if _n != "ping" else None,
         _regs(_n, "hot_reads_per_pkt")),
        (f"{_n}.writes", f"{_l}: reg writes/pkt", "/pkt", False, None,
         _regs(_n, "writes_per_pkt")),
        (f"{_n}.irqs", f"{_l}: interrupts/pkt", "/pkt", False, None,
         _w(_n, "irq_per_pkt")),
    ]
    if _n in BURST:
        # At most one register write (the tail) per xmit batch of the
        # stack; 1% for the timer-driven writes (moderation) of the window
        METRICS.append((f"{_n}.batch_writes", f"{_l}: reg writes/xmit batch",
                        "/batch", False, ("max", 1.01), _per_batch(_n)))


# Guest kernel instructions per unit of work, from the profile boots (one
# per driver, QEMU's tbprof plugin: they say where the time goes). The skb
# pps workloads count frames by calls: RX = eth_type_trans, TX = the
# driver's ndo_start_xmit. Frames that never become an skb (XDP, AF_XDP
# zero-copy) are counted by the interface's counters around the window:
# rx_pkts, tx_pkts. TCP frames differ in size between the drivers (TSO and
# GRO batch differently), so TCP counts KiB through the interface (both
# directions, from the guest's byte counters).
PROFILE_UNIT = {"tx_pps_b1": "tx", "tx_pps_b32": "tx", "rx_pps": "rx",
                "rx_pps_rss": "rx", "tcp_tx": "KiB", "tcp_rx": "KiB",
                "tcp_rx_8": "KiB", "xdp_drop": "rx_pkts",
                "xdp_tx": "rx_pkts", "xsk_rx": "rx_pkts",
                "xsk_tx": "tx_pkts"}
# Targets on e1kx's instructions per frame
PROFILE_TARGETS = {"xdp_drop": ("lt", 500), "xsk_rx": ("lt", 800),
                   "xsk_tx": ("lt", 600)}
XMIT_FNS = ("e1kx_xmit", "e1000_xmit_frame")


def _prof(name, key):
    return lambda s: ((s["workloads"].get(name) or {}).get("profile") or {}) \
        .get(key)


PROFILE_METRICS = []
for _n, _l in WORKLOADS:
    if _n not in PROFILE_UNIT:         # not ping (see run_attempt)
        continue
    _u = "KiB" if PROFILE_UNIT[_n] == "KiB" else "frame"
    PROFILE_METRICS += [
        (f"{_n}.insns", f"{_l}: guest kernel insns/{_u}", f"/{_u}", False,
         PROFILE_TARGETS.get(_n), _prof(_n, "insns_per_unit")),
        (f"{_n}.blocks", f"{_l}: guest kernel TCG blocks/{_u}", f"/{_u}",
         False, None, _prof(_n, "blocks_per_unit")),
    ]


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Register names (for the per-offset breakdown)
# --------------------------------------------------------------------------

def reg_names():
    names = {0x000E8 + 4 * n: f"EITR{n}" for n in range(5)}
    names.update({0x05C00 + 4 * n: "RETA" for n in range(32)})
    names.update({0x05C80 + 4 * n: "RSSRK" for n in range(10)})
    for q in range(2):
        b = 0x100 * q
        for off, n in ((0x2800, "RDBAL"), (0x2804, "RDBAH"),
                       (0x2808, "RDLEN"), (0x2810, "RDH"), (0x2818, "RDT"),
                       (0x2828, "RXDCTL"), (0x3800, "TDBAL"),
                       (0x3804, "TDBAH"), (0x3808, "TDLEN"), (0x3810, "TDH"),
                       (0x3818, "TDT"), (0x3828, "TXDCTL"),
                       (0x3840, "TARC")):
            names[off + b] = f"{n}{q}"
    try:
        with open(os.path.join(REPO, "include", "e1kx_regs.h")) as f:
            for m in re.finditer(r"^#define\s+E1KX_([A-Z0-9_]+)\s+"
                                 r"(0x[0-9A-Fa-f]{5})\b", f.read(), re.M):
                names.setdefault(int(m.group(2), 16), m.group(1))
    except OSError:
        pass
    names.setdefault(0x5B54, "SWSM")
    names.setdefault(0x0E00, "?")
    return names


REG_NAMES = reg_names()


def reg_label(off):
    n = REG_NAMES.get(off)
    return f"{n}(0x{off:x})" if n else f"0x{off:x}"


STATS_FIRST, STATS_LAST = 0x4000, 0x4124   # statistics registers
TRACE_RE = re.compile(rb"e1000e_core_(read|write) \S+ \S+ register "
                      rb"0x([0-9a-f]+), \d+ byte\(s\), value: 0x([0-9a-f]+)")
ICR = 0xC0


# QEMU's log trace backend with -msg timestamp=on: "tid@sec.usec:event args"
EVENT_RE = re.compile(rb"^\d+@(\d+)\.(\d+):(e1000e_\w+) ([^\n]*)$", re.M)
TDT_RE = re.compile(rb"register 0x(3818|3918),")
# A ping's reply follows its request within this (else not a ping)
PING_REPLY_MAX_US = 20000


def ping_timeline(path, span):
    """Per ping in path[span[0]:span[1]]: microseconds from the request's
    arrival in the model (e1000e_rx_receive_iov) to the first MSI-X
    message after it, and to the reply's TDT write. Host clock, both."""
    start, end = span
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(max(0, end - start))
    irq, bell, more, expiry = [], [], [], []
    t_in = t_irq = None
    for m in EVENT_RE.finditer(data):
        t = int(m.group(1)) * 1e6 + int(m.group(2))
        ev = m.group(3)
        if ev == b"e1000e_rx_receive_iov":
            t_in, t_irq, n, n_exp = t, None, 0, 0
        elif t_in is None:
            continue
        elif ev.startswith(b"e1000e_irq_msix_notify"):
            if t_irq is None:
                t_irq = t
            else:
                n += 1
                # sent by an EITR timer expiring, not by a new cause
                n_exp += ev.endswith(b"postponed_vec")
        elif ev == b"e1000e_core_write" and TDT_RE.search(m.group(4)):
            if t_irq is not None and t - t_in <= PING_REPLY_MAX_US:
                irq.append(t_irq - t_in)
                bell.append(t - t_in)
                more.append(n)
                expiry.append(n_exp)
            t_in = None
    if not bell:
        return None
    # more: MSI-X messages after the request's own, before the reply
    return {"pings": len(bell),
            "irq_p50_us": statistics.median(irq),
            "doorbell_p50_us": statistics.median(bell),
            "irqs_before_reply": statistics.mean(more),
            "expiry_irqs_before_reply": statistics.mean(expiry),
            "doorbell_us": bell}


def count_trace(path, span):
    """Count reads/writes (and per offset) in path[span[0]:span[1]]."""
    start, end = span
    c = collections.Counter()
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(max(0, end - start))
    icr = collections.Counter()
    for m in TRACE_RE.finditer(data):
        kind, off = m.group(1).decode(), int(m.group(2), 16)
        c[(kind, off)] += 1
        if off == ICR and kind == "read":
            icr[m.group(3).decode()] += 1
    return c, icr


# --------------------------------------------------------------------------
# Running guests
# --------------------------------------------------------------------------

class Tee:
    """run_vm output sink: keeps everything, echoes progress lines."""

    def __init__(self, prefix, logf):
        self.buf = io.BytesIO()
        self.line = b""
        self.prefix = prefix
        self.logf = logf

    def write(self, data):
        self.buf.write(data)
        self.logf.write(data)
        self.line += data
        while b"\n" in self.line:
            ln, self.line = self.line.split(b"\n", 1)
            if not ln.startswith(JSON_MARK):
                sys.stderr.write(f"  [{self.prefix}] "
                                 f"{ln.decode(errors='replace')[:200]}\n")
        sys.stderr.flush()

    def flush(self):
        self.logf.flush()


CONSOLE_REPORT_RE = re.compile(
    r"(kernel BUG at \S+|BUG: .*|WARNING: .*|general protection fault.*|"
    r"Kernel panic.*)$")


def console_report(logdir):
    """': <first kernel report> in <function>' from the guest console."""
    try:
        with open(os.path.join(logdir, "console.log"),
                  errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return ""
    for i, ln in enumerate(lines):
        m = CONSOLE_REPORT_RE.search(ln)
        if m:
            where = ""
            for nxt in lines[i + 1:i + 40]:
                mm = re.search(r"\]\s+(\w+\+0x[0-9a-f]+/0x[0-9a-f]+ "
                               r"\[e1kx\])", nxt)
                if mm:
                    where = f" in {mm.group(1)}"
                    break
            return f": {m.group(1).strip()}{where}"
    return ""


def run_one(driver, rnd, prof, workdir, keep_traces, ko, only=None,
            profile=None):
    """Boot the guest with driver bound and run every workload; if the guest
    dies (a driver crash), record the workload that killed it and boot
    again for the ones after it.  Returns the (merged) sample dict."""
    left = [n for n, _ in WORKLOADS if not only or n in only.split(",")]
    sample = None
    for attempt in range(3):
        s = run_attempt(driver, rnd, attempt, prof, workdir, keep_traces,
                        ko, ",".join(left), profile)
        if sample is None:
            sample = s
        else:
            sample["workloads"].update(s["workloads"])
            sample["errors"] += s["errors"]
            sample["wall_s"] += s["wall_s"]
            sample["reboots"] = attempt
        done = set(s["workloads"])
        if s.get("complete") or s["guest_rc"] not in (e1kxvm.RC_TIMEOUT,
                                                      e1kxvm.RC_NO_RESULT):
            break       # finished, or guest.py itself failed: no reboot
        # The first workload without a result is the one that was running.
        left = [n for n in left if n not in done][1:]
        if not left:
            break
    sample["complete"] = all(n in sample["workloads"] for n, _ in WORKLOADS
                             if not only or n in only.split(","))
    return sample


def run_attempt(driver, rnd, attempt, prof, workdir, keep_traces, ko,
                only, profile=None):
    """One guest boot running the workloads in only (comma-separated).
    With profile (the tbprof plugin's path) it is a profile boot: the
    trace windows take instruction profiles instead of register traces."""
    logdir = os.path.join(workdir, ("prof" if profile else f"r{rnd}") +
                          f"-{driver}" + (f"-{attempt}" if attempt else ""))
    shutil.rmtree(logdir, ignore_errors=True)
    os.makedirs(logdir)
    events = os.path.join(logdir, "trace-events")    # nothing enabled
    open(events, "w").close()
    trace = os.path.join(logdir, "trace.log")
    open(trace, "w").close()
    cmd = (f"python3 scripts/bench/guest.py --driver {driver} "
           f"--trace-log {trace} --window {prof['window']} "
           f"--trace-window {prof['trace_window']} "
           f"--tcp-reps {prof['tcp_reps']} "
           f"--pings {prof['pings']} --trace-pings {prof['trace_pings']} "
           f"--ko {ko}")
    if prof.get("xsk_tool"):
        cmd += f" --xsk-tool {prof['xsk_tool']} --xsk-prog {prof['xsk_prog']}"
    if only:
        cmd += f" --only {only}"
    # Named threads ("CPU 0/TCG"): hostcpu.py tells the vCPUs apart
    names = ["-name", "e1kx-bench,debug-threads=on"]
    qemu_args = names + ["-trace", f"events={events},file={trace}",
                         "-msg", "timestamp=on"]
    if profile:
        ctlfile = os.path.join(logdir, "tbprof.ctl")
        snaps = os.path.join(logdir, "tbprof")
        open(ctlfile, "w").close()
        os.makedirs(snaps)
        cmd += f" --profile {ctlfile}:{snaps}"
        qemu_args = names + ["-plugin", f"{profile},ctl={ctlfile}"]
    budget = 240 + (len(WORKLOADS) + 4) * (prof["window"] +
                                           prof["trace_window"] + 6) \
        + 3 * (prof["tcp_reps"] - 1) * (prof["window"] + 4) \
        + (prof["pings"] + prof["trace_pings"]) * 0.1
    t0 = time.monotonic()
    with open(os.path.join(logdir, "output.log"), "wb") as lf:
        tee = Tee(f"r{rnd} {driver}", lf)
        rc = e1kxvm.run_vm(cmd, nics=1, wiring="tap", smp=2, mem=1024,
                           timeout=budget, logdir=logdir, cwd=REPO, out=tee,
                           qemu_args=qemu_args,
                           append=prof.get("append", ""))
    wall = time.monotonic() - t0
    sample = None
    for ln in tee.buf.getvalue().splitlines():
        if ln.startswith(JSON_MARK):
            sample = json.loads(ln[len(JSON_MARK):])
    if sample is None:
        # Died before the first result: count it as dying in the first one.
        sample = {"driver": driver, "workloads": {}, "errors": []}
    sample.update(round=rnd, guest_rc=rc, wall_s=round(wall, 1))
    want_clock = prof.get("guest_clock")
    if want_clock and sample.get("clocksource") not in (None, want_clock):
        sample["errors"].append(f"guest clocksource {sample['clocksource']}"
                                f", wanted {want_clock}")
    if not sample.get("complete"):
        done = set(sample["workloads"])
        left = [n for n in only.split(",") if n not in done]
        sample["errors"].append(
            f"guest died (exit status {rc}) during {left[0]}"
            f"{console_report(logdir)}; logs in {logdir}")
    for name, w in sample["workloads"].items():
        span = w.get("trace_span")
        if profile and span:
            # At 20 pings/s the guest's background work outweighs the
            # frames: no profile for ping
            w.pop("trace_span")
            if name in PROFILE_UNIT:
                w["profile"] = profile_per_unit(name, span, w["traced"])
            continue
        if not span:
            continue
        c, icr = count_trace(trace, span)
        if name == "ping":
            w["timeline"] = ping_timeline(trace, span)
        tr = w["traced"]
        pk = sum(tr[k] for k in w["pkts_key"].split("+"))
        reads = sum(v for (k, _), v in c.items() if k == "read")
        # Reads of the clear-on-read statistics block come from the
        # periodic stats/watchdog work, not from the packet path.
        hot_reads = sum(v for (k, o), v in c.items() if k == "read" and
                        not STATS_FIRST <= o <= STATS_LAST)
        writes = sum(v for (k, _), v in c.items() if k == "write")
        per = {f"{k} {reg_label(o)}": v for (k, o), v in
               sorted(c.items(), key=lambda kv: -kv[1])}
        w["regs"] = {"packets": pk, "reads": reads, "writes": writes,
                     "per_pkt": (reads + writes) / pk if pk else None,
                     "reads_per_pkt": reads / pk if pk else None,
                     "hot_reads_per_pkt": hot_reads / pk if pk else None,
                     "writes_per_pkt": writes / pk if pk else None,
                     "irq_per_pkt": tr["irqs"] / pk if pk else None,
                     "by_register": per,
                     # which causes the ICR reads returned (0x... -> count)
                     "icr_read_values": dict(icr.most_common(8))}
    if not keep_traces:
        os.unlink(trace)
        if profile:
            shutil.rmtree(snaps, ignore_errors=True)
    return sample


def profile_per_unit(name, p, traced):
    """A guest profile window (guest.py Profiler) per unit of the workload's
    work (PROFILE_UNIT): per frame, or per KiB for TCP"""
    unit = PROFILE_UNIT[name]
    if unit == "rx":
        n = p["calls"].get("eth_type_trans", 0)
    elif unit == "tx":
        n = sum(p["calls"].get(f, 0) for f in XMIT_FNS)
    elif unit == "rx_pkts":
        n = traced["rx_packets"]
    elif unit == "tx_pkts":
        n = traced["tx_packets"]
    else:
        n = (traced["rx_bytes"] + traced["tx_bytes"]) / 1024
    if not n:
        return {"units": 0}
    return {"unit": "KiB" if unit == "KiB" else "frame", "units": n,
            "insns_per_unit": p["insns"] / n,
            "blocks_per_unit": p["blocks"] / n,
            "by_symbol": [[sym, v / n, b / n] for sym, v, b in
                          p["by_symbol"]]}


def build_profiler(workdir):
    """Build the tbprof plugin; its path, or None (profiles skipped)."""
    so = os.path.join(workdir, "tbprof.so")
    r = subprocess.run(["cc", "-O2", "-Wall", "-shared", "-fPIC",
                        "-fvisibility=hidden", "-o", so,
                        os.path.join(BENCH_DIR, "tbprof.c"), "-lpthread"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        log(f"tbprof plugin did not build, no profiles: {r.stderr[-300:]}")
        return None
    return so


# --------------------------------------------------------------------------
# Summary, table, chart, results file
# --------------------------------------------------------------------------

def summarize(samples, metrics=None):
    out = {}
    for key, label, unit, hib, target, get in metrics or METRICS:
        row = {"label": label, "unit": unit, "higher_is_better": hib,
               "target": target}
        for d in DRIVERS:
            vals = [get(s) for s in samples if s["driver"] == d]
            vals = [v for v in vals if v is not None]
            row[d] = {"samples": vals,
                      "median": statistics.median(vals) if vals else None,
                      "min": min(vals) if vals else None,
                      "max": max(vals) if vals else None}
        a, b = row["e1kx"]["median"], row["e1000e"]["median"]
        row["ratio"] = a / b if a is not None and b else None
        rounds = round_values(samples, get)
        row["round_ratios"] = [x / y for x, y in rounds
                               if x is not None and y]
        row["round_e1kx"] = [x for x, _ in rounds if x is not None]
        row["rounds"] = len(rounds_judged(rounds, target))
        row["rounds_met"] = sum(1 for x, y in rounds_judged(rounds, target)
                                if meets(target, x, y))
        row["status"] = status(row, target)
        out[key] = row
    return out


def summarize_all(samples, profiles):
    """The rounds' metrics, and the profile boots' if there were any."""
    summary = summarize(samples)
    if profiles:
        summary.update(summarize(profiles, PROFILE_METRICS))
    return summary


def round_values(samples, get):
    """(e1kx, e1000e) of the two boots of each round, in round order
    (None where one has no value): boots minutes apart share the host's
    load of the moment, so how many rounds cross a target says whether a
    miss of the medians is the driver's or the host's."""
    by = collections.defaultdict(dict)
    for s in samples:
        v = get(s)
        if v is not None:
            by[s.get("round", 0)][s["driver"]] = v
    return [(r.get("e1kx"), r.get("e1000e")) for _, r in sorted(by.items())]


def own_target(target):
    """A target on e1kx's own value (not on the ratio)"""
    return bool(target) and target[0] in ("zero", "lt", "max")


def rounds_judged(rounds, target):
    """The rounds that have what target needs"""
    if own_target(target):
        return [(x, y) for x, y in rounds if x is not None]
    return [(x, y) for x, y in rounds if x is not None and y]


def meets(target, e1kx, e1000e):
    """Whether one round's (or the medians') values meet target"""
    if target is None:
        return False
    kind, x = target
    if kind in ("zero", "lt"):
        return e1kx is not None and e1kx < x
    if kind == "max":
        return e1kx is not None and e1kx <= x
    if e1kx is None or not e1000e:
        return False
    return ratio_meets(e1kx / e1000e, target)


def ratio_meets(r, target):
    if target is None or own_target(target):
        return False
    return r >= target[1] if target[0] == "ge" else r <= target[1]


def status(row, target):
    """ok when the medians meet the target and so do most rounds"""
    if target is None:
        return ""
    a, b = row["e1kx"]["median"], row["e1000e"]["median"]
    if a is None or (not own_target(target) and not b):
        return "n/a"
    if not meets(target, a, b):
        return "MISS"
    return "ok" if 2 * row["rounds_met"] > row["rounds"] else "MISS"


def target_text(target):
    if target is None:
        return ""
    kind, x = target
    return {"ge": f">= {x}x", "le": f"<= {x}x", "zero": "e1kx ~0",
            "lt": f"e1kx < {x:g}", "max": f"e1kx <= {x:g}"}[kind]


def fmt(v, unit=""):
    if v is None:
        return "-"
    if unit in ("pps", "Mbit/s", "us") or abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"


def spread(cell, unit):
    if cell["min"] is None:
        return "-"
    if len(cell["samples"]) == 1:
        return "1 sample"
    med = cell["median"]
    if med:
        return f"{fmt(cell['min'], unit)}..{fmt(cell['max'], unit)} " \
               f"(±{50 * (cell['max'] - cell['min']) / med:.0f}%)"
    return f"{fmt(cell['min'], unit)}..{fmt(cell['max'], unit)}"


def table_rows(summary, main_only=False):
    rows = []
    for key, r in summary.items():
        if main_only and key.endswith((".writes", ".irqs", ".blocks")):
            continue
        ratio = ratio_text(r)
        rows.append([r["label"], r["unit"], fmt(r["e1kx"]["median"],
                                                r["unit"]),
                     spread(r["e1kx"], r["unit"]),
                     fmt(r["e1000e"]["median"], r["unit"]),
                     spread(r["e1000e"], r["unit"]), ratio,
                     per_round(r), target_text(r["target"]), r["status"]])
    return rows


def ratio_text(row):
    """Two decimals, or three where two would print the target itself on
    the wrong side of it (1.196 against >= 1.2x)."""
    r, t = row["ratio"], row["target"]
    if r is None:
        return "-"
    text = f"{r:.2f}"
    if t and not own_target(t) and text == f"{t[1]:.2f}" and \
            not ratio_meets(r, t):
        text = f"{r:.3f}"
    return text


def per_round(row):
    """The per-round ratios (for a target on e1kx's own value: e1kx's
    values), and how many rounds meet the target."""
    rr = row.get("round_ratios") or []
    own = own_target(row["target"]) and row["target"][0] != "zero"
    if own:
        rr = row.get("round_e1kx") or []
    if len(rr) < 2:
        return ""
    text = " ".join(f"{x:.3g}" if own else f"{x:.2f}" for x in rr)
    if row["target"] and row["target"][0] != "zero":
        text += f" ({row['rounds_met']}/{row.get('rounds', len(rr))} met)"
    return text


HEAD = ["metric", "unit", "e1kx", "e1kx spread", "e1000e", "e1000e spread",
        "e1kx/e1000e", "per round", "target", ""]


def text_table(rows):
    w = [max(len(str(x)) for x in col) for col in zip(HEAD, *rows)]
    line = lambda r: "  ".join(str(x).ljust(n) if i in (0, 1, 3, 5, 7, 8)
                               else str(x).rjust(n)
                               for i, (x, n) in enumerate(zip(r, w)))
    return "\n".join([line(HEAD), line(["-" * n for n in w])] +
                     [line(r) for r in rows])


def md_table(rows):
    out = ["| " + " | ".join(HEAD[:-1] + ["met?"]) + " |",
           "|" + "|".join(["---", "---", "--:", "---", "--:", "---", "--:",
                           "---", "---", "---"]) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(x).replace("|", "/") for x in r)
                   + " |")
    return "\n".join(out)


def register_breakdown(samples, top=6):
    """Per workload and driver: the most frequent accesses per packet,
    summed over all rounds."""
    lines = []
    for name, label in WORKLOADS:
        lines.append(f"{label}:")
        for d in DRIVERS:
            c = collections.Counter()
            pk = 0
            for s in samples:
                r = (s["workloads"].get(name) or {}).get("regs")
                if s["driver"] != d or not r:
                    continue
                pk += r["packets"]
                c.update(r["by_register"])
            if not pk:
                lines.append(f"  {d:7s} -")
                continue
            items = ", ".join(f"{k} {v / pk:.3g}"
                              for k, v in c.most_common(top))
            lines.append(f"  {d:7s} {items}")
    return "\n".join(lines)


def host_cpu_breakdown(samples, ncpu):
    """Per workload and driver: each host thread group's share of one host
    CPU in the untraced window (median over the rounds), busiest first,
    and the whole host's busy time on the same scale."""
    lines = []
    for name, label in WORKLOADS:
        lines.append(f"{label}:")
        for d in DRIVERS:
            hc = [(s["workloads"].get(name) or {}).get("host_cpu")
                  for s in samples if s["driver"] == d]
            hc = [x for x in hc if x]
            if not hc:
                lines.append(f"  {d:7s} -")
                continue
            groups = {g for x in hc for g in x if g != "host busy"}
            med = {g: statistics.median(x.get(g, 0.0) for x in hc)
                   for g in groups}
            items = ", ".join(f"{g} {v:.0f}" for g, v in
                              sorted(med.items(), key=lambda kv: -kv[1])
                              if v >= 1)
            busy = statistics.median(x["host busy"] for x in hc)
            lines.append(f"  {d:7s} {items}; host busy {busy:.0f} of "
                         f"{ncpu * 100}")
    return "\n".join(lines)


def profile_breakdown(profiles, top=8):
    """Per workload and driver: the functions with the most guest kernel
    instructions per frame or KiB (profile boots)."""
    lines = []
    for name, label in WORKLOADS:
        if name not in PROFILE_UNIT:
            continue
        u = "KiB" if PROFILE_UNIT[name] == "KiB" else "frame"
        lines.append(f"{label}, per {u}:")
        for d in DRIVERS:
            p = [(s["workloads"].get(name) or {}).get("profile")
                 for s in profiles if s["driver"] == d]
            p = [x for x in p if x and x.get("units")]
            if not p:
                lines.append(f"  {d:7s} -")
                continue
            items = ", ".join(f"{sym} {v:.0f}"
                              for sym, v, _ in p[0]["by_symbol"][:top])
            lines.append(f"  {d:7s} {p[0]['insns_per_unit']:.0f} in all: "
                         f"{items}")
    return "\n".join(lines)


def find_matplotlib_python():
    for py in (sys.executable, "/usr/bin/python3"):
        if py and os.path.exists(py) and subprocess.run(
                [py, "-c", "import matplotlib"], capture_output=True
        ).returncode == 0:
            return py
    return None


def ensure_matplotlib():
    py = find_matplotlib_python()
    if py:
        return py
    log("python3-matplotlib missing: installing it with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-qq",
                    "--no-install-recommends", "python3-matplotlib"],
                   env=env, stdout=subprocess.DEVNULL)
    return find_matplotlib_python()


def chart(py, results_json, png):
    r = subprocess.run([py, os.path.join(BENCH_DIR, "chart.py"),
                        results_json, png], capture_output=True, text=True)
    if r.returncode != 0:
        log(f"chart failed: {r.stderr.strip()[-500:]}")
        return False
    return True


def md_name(res):
    """results.md for a full run, results-quick.md for a quick one, so a
    smoke run never replaces the table of the last full run."""
    return "results.md" if res["meta"]["profile"] == "full" \
        else "results-quick.md"


def png_name(res):
    """The chart's file, by the same rule as md_name()"""
    return "ratios.png" if res["meta"]["profile"] == "full" \
        else "ratios-quick.png"


def write_md(res, out):
    path = os.path.join(out, md_name(res))
    with open(path, "w") as f:
        f.write(md_block(res))
    log(f"wrote {os.path.relpath(path, os.getcwd())}")


def report(res, out, have_png):
    """Print the table and breakdowns of a results dict and write them to
    OUT/results.md (OUT/results-quick.md for a quick run)."""
    meta, summary = res["meta"], res["summary"]
    samples, profiles = res["samples"], res["profiles"]
    failures, wall = meta["failures"], meta["wall_s"]
    rj = os.path.join(out, "results.json")
    png = os.path.join(out, png_name(res))
    rows = table_rows(summary)
    nper = {d: sum(1 for s in samples if s["driver"] == d) for d in DRIVERS}
    hdr = (f"e1kx vs e1000e on QEMU {meta['qemu'].split()[-3]} 82574L "
           f"(TCG, 2 vCPUs, guest clock "
           f"{meta.get('guest_clock', 'hpet')}): {meta['rounds']} round(s), "
           f"{nper['e1kx']}+{nper['e1000e']} boots, {wall / 60:.1f} min. "
           "Absolute numbers are TCG artefacts; only ratios mean anything.")
    print(hdr)
    print(text_table(rows))
    print()
    print("Register accesses per packet by register (all rounds):")
    print(register_breakdown(samples))
    print()
    print("Host CPU per thread group, % of one CPU (median of rounds):")
    print(host_cpu_breakdown(samples, meta["host_cpus"]))
    if profiles:
        print()
        print("Guest kernel instructions per frame (TCP: per KiB) by "
              "function (profile boots):")
        print(profile_breakdown(profiles))
    if failures:
        print("\nFailures:")
        for f_ in failures:
            print(f"  {f_}")
    print(f"\nresults: {os.path.relpath(rj, os.getcwd())}" +
          (f", chart: {os.path.relpath(png, os.getcwd())}" if have_png
           else ""))
    if samples:
        write_md(res, out)


def rereport(rj):
    with open(rj) as f:
        res = json.load(f)
    res["summary"] = summarize_all(res["samples"], res["profiles"])
    with open(rj, "w") as f:
        json.dump(res, f, indent=1)
    out = os.path.dirname(os.path.abspath(rj))
    py_mpl = find_matplotlib_python()
    have_png = bool(py_mpl) and chart(py_mpl, rj,
                                      os.path.join(out, png_name(res)))
    report(res, out, have_png)
    return 0


def md_block(res):
    """The Markdown results file of a run: what ran, the table, the
    per-register and per-function breakdowns, failures."""
    meta, summary = res["meta"], res["summary"]
    samples, profiles = res["samples"], res["profiles"]
    failures = meta["failures"]
    return ("# e1kx/e1000e bench results\n\n"
            "Written by `scripts/bench/bench.py` (`make bench`); what each "
            "row measures and what limits it: "
            "[Documentation/performance.md](../Documentation/performance.md)."
            " Absolute numbers are TCG artefacts; read the ratios.\n\n"
            f"Commit `{meta['commit']}`, {meta['profile']} run: "
            f"{meta['rounds']} round(s), {meta['window']} s windows, "
            f"{meta['wall_s'] / 60:.1f} min wall, {meta['qemu']}, TCG, "
            f"2 vCPUs, guest clocksource {meta.get('guest_clock', 'hpet')}, "
            f"host with {meta['host_cpus']} CPUs.\n\n"
            + md_table(table_rows(summary, main_only=True)) +
            "\n\nRegister accesses per packet, most frequent first "
            "(offset in BAR0, summed over all rounds):\n\n```\n"
            + register_breakdown(samples) + "\n```\n"
            "\nHost CPU in each untraced window, % of one host CPU by "
            "thread group (median of the rounds; see "
            "`scripts/bench/hostcpu.py`):\n\n```\n"
            + host_cpu_breakdown(samples, meta["host_cpus"]) + "\n```\n"
            + ("\nGuest kernel instructions per frame (TCP: per KiB), "
               "most first, by function (one profile boot per driver, "
               "QEMU's tbprof plugin):\n\n```\n" + profile_breakdown(profiles)
               + "\n```\n" if profiles else "")
            + ("\nFailures:\n\n" + "\n".join(f"- {x}" for x in failures)
               + "\n" if failures else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="one short round (smoke test, < 5 min)")
    ap.add_argument("--rounds", type=int, help="A/B rounds (default 3)")
    ap.add_argument("--out", default=os.path.join(REPO, "bench"),
                    help="results directory (default bench/)")
    ap.add_argument("--keep-traces", action="store_true",
                    help="keep the QEMU trace logs in OUT/work/")
    ap.add_argument("--only", help="comma-separated workloads (debugging)")
    ap.add_argument("--guest-clock", choices=sorted(GUEST_CLOCKS),
                    default="tsc",
                    help="guest clocksource, the same for both drivers "
                         "(default tsc; hpet: the guest kernel's own choice "
                         "under TCG, see performance.md)")
    ap.add_argument("--append", default="",
                    help="extra guest kernel arguments, for both drivers "
                         "(experiments)")
    ap.add_argument("--no-profile", action="store_true",
                    help="no profile boots (quick runs have none)")
    ap.add_argument("--report", metavar="RESULTS_JSON",
                    help="no run: re-summarize a saved results.json (its "
                         "summary, chart and results.md are rewritten) and "
                         "print it")
    args = ap.parse_args()
    if args.report:
        return rereport(args.report)
    if os.geteuid() != 0:
        ap.error("must run as root (network namespaces, taps)")
    prof = dict(PROFILES["quick" if args.quick else "full"])
    if args.rounds:
        prof["rounds"] = args.rounds
    prof["guest_clock"] = args.guest_clock
    prof["append"] = " ".join(a for a in (GUEST_CLOCKS[args.guest_clock],
                                          args.append) if a)
    ko = os.path.join(REPO, "e1kx.ko")
    if not os.path.exists(ko):
        sys.exit("bench: e1kx.ko not built (run make)")
    xsk = {"xsk_tool": os.path.join(REPO, "build", "xsk", "xsk_test"),
           "xsk_prog": os.path.join(REPO, "build", "xdp", "xsk_redirect.o")}
    for path in xsk.values():
        if not os.path.exists(path):
            sys.exit(f"bench: {os.path.relpath(path, REPO)} not built "
                     "(run make xdp-progs)")
    if not shutil.which("xdp-bench"):
        sys.exit("bench: no xdp-bench (Debian's xdp-tools; "
                 "scripts/install-deps.sh installs it)")
    try:
        # The guests boot the default kernel, Debian's stock 6.1
        e1kxvm.check_module(ko, e1kxvm.pick_kernel()[2])
    except (RuntimeError, OSError) as e:
        sys.exit(f"bench: {e}")
    py_mpl = ensure_matplotlib()
    if not py_mpl:
        log("no matplotlib: the chart will be skipped")

    # Not under build/: `make clean` (run by other work in this tree)
    # removes build/, and kbuild's M= clean removes every *.ko below the
    # tree -- hence also the module copy's odd name.
    workdir = os.path.join(os.path.abspath(args.out), "work")
    # The guest sees the host root read-only with tmpfs over these: the
    # work directory (module copy, job files) must be outside them.
    if re.match(r"/(tmp|run|var/tmp|var/log|var/lib|root|mnt|home|media)"
                r"(/|$)", os.path.realpath(workdir)):
        ap.error(f"--out {args.out}: hidden from the guest (tmpfs there)")
    os.makedirs(workdir, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)
    # Every e1kx boot loads this copy: the working tree's e1kx.ko may be
    # rebuilt while the bench runs.
    ko_copy = os.path.join(workdir, "e1kx.ko-bench")
    shutil.copyfile(ko, ko_copy)
    with open(ko_copy, "rb") as f:
        ko_sha = hashlib.sha256(f.read()).hexdigest()[:16]
    # The AF_XDP tool and its XDP program too (names kbuild's clean keeps)
    for key, name in (("xsk_tool", "xsk_test-bench"),
                      ("xsk_prog", "xsk_redirect.bpf-bench")):
        prof[key] = os.path.join(workdir, name)
        shutil.copy2(xsk[key], prof[key])
    e1kxvm.cleanup_stale()
    t0 = time.monotonic()
    started = datetime.datetime.now(datetime.timezone.utc)
    samples, failures = [], []
    for rnd in range(prof["rounds"]):
        order = DRIVERS if rnd % 2 == 0 else DRIVERS[::-1]
        for d in order:
            log(f"round {rnd + 1}/{prof['rounds']}: {d}")
            try:
                s = run_one(d, rnd, prof, workdir, args.keep_traces, ko_copy,
                            args.only)
                samples.append(s)
                for e in s.get("errors", []):
                    failures.append(f"round {rnd + 1} {d}: {e}")
                log(f"round {rnd + 1} {d}: done in {s['wall_s']:.0f}s")
            except (RuntimeError, OSError, ValueError) as e:
                failures.append(str(e))
                log(f"FAILED: {e}")
    # One profile boot per driver: instruction profiles of the guest kernel
    # (the rates of these boots are not used: the plugin slows the guest)
    profiles = []
    so = None if args.quick or args.no_profile else build_profiler(workdir)
    for d in DRIVERS if so else ():
        log(f"profile boot: {d}")
        try:
            s = run_one(d, 0, dict(prof, window=1, tcp_reps=1), workdir,
                        args.keep_traces, ko_copy, args.only, profile=so)
            profiles.append(s)
            for e in s.get("errors", []):
                failures.append(f"profile boot {d}: {e}")
        except (RuntimeError, OSError, ValueError) as e:
            failures.append(f"profile boot {d}: {e}")
            log(f"FAILED: {e}")
    wall = time.monotonic() - t0

    summary = summarize_all(samples, profiles)
    try:
        commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short",
                                 "HEAD"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ""
    meta = {"started": started.isoformat(timespec="seconds"),
            "wall_s": round(wall, 1), "profile": "quick" if args.quick
            else "full", **prof, "commit": commit,
            "qemu": subprocess.run(["qemu-system-x86_64", "--version"],
                                   capture_output=True, text=True)
            .stdout.split("\n")[0],
            "host_cpus": os.cpu_count(), "e1kx_ko_sha256": ko_sha,
            "host_load_before": os.getloadavg(),
            "accel": "tcg (KVM unusable)", "failures": failures,
            "note": "TCG on a shared, noisy host: absolute numbers are "
                    "meaningless; compare the e1kx/e1000e ratios only."}
    res = {"meta": meta, "summary": summary, "samples": samples,
           "profiles": profiles}
    rj = os.path.join(args.out, "results.json")
    with open(rj, "w") as f:
        json.dump(res, f, indent=1)
    png = os.path.join(args.out, png_name(res))
    have_png = bool(py_mpl) and chart(py_mpl, rj, png)

    report(res, args.out, have_png)
    # A quick run proves the bench works: fail if any headline metric is
    # missing for either driver.
    missing = [k for k, r in summary.items() if "." not in k and
               (r["e1kx"]["median"] is None or r["e1000e"]["median"] is None)]
    if missing:
        log(f"no numbers for: {', '.join(missing)}")
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
