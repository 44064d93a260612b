#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host side of `make check`: run the e1kx kselftests in QEMU guests.

Reads the "# e1kx-topology:" and "# e1kx-timeout:" headers of every test in
tests/Makefile's TEST_PROGS, groups tests by topology, boots one guest per
group (sequentially) running tests/guest-runner.sh, and aggregates all
results into one TAP stream.  Logs go to build/check/ (one directory per
group with the console log, results.tap).  The last line printed is
"N passed, N failed, N skipped" (whole tests), after the count of skipped
tests and sub-tests, one "# skipped ..." line per skipped test or sub-test
with its reason, one "# lockdep turned itself off ..." line if the kernel's
lock checking ended during a test (debug kernels), and one "# failed in
<test>: ..." line per failed subtest (so that a log's tail says what was
not checked and what failed); the exit status is 1 on any failure.

Topology keys: nics=N, wiring=none|tap|b2b, pcihp=native|acpi (how the
root ports hot-plug: the harness default is native PCIe hotplug, acpi is
QEMU's ACPI hotplug), mem=MiB (guest RAM, default 1024), root=disk (the
guest boots like an installed system: a writable root whose upper layer
is a disk image of the group's, udevd at boot; e1kx-vm --root-disk),
firmware=uefi (Secure Boot capable UEFI firmware with a variable store
of the group's, empty at first: setup mode; e1kx-vm --uefi), boots=N
(with root=disk: the guest boots N times in a row with the same disk and
variable store, each boot running the group's tests again with
E1KX_BOOT=1..N and E1KX_BOOTS=N in their environment; a test's result is
its worst over the boots; after a boot in which every test of the group
skipped its whole plan, the later boots are not run),
append=<kernel arguments, rest of the line> (a unique e1kx.isolate=<name>
gives a test a guest of its own).

    scripts/check.py [--tests a,b] [--kernel SPEC [--modules DIR]]
                     [--append ARGS] [--timeout-scale N] [--kmemleak]
                     [--logdir DIR]

--kernel is make's KERNEL (scripts/e1kx-kernel): 6.1, 6.12, a release or a
bzImage; the default is Debian's stock 6.1.  The module under test
($E1KX_KO, else ./e1kx.ko) must be built for that kernel: one whose
vermagic names another release is refused before any guest boots.

A test that ends its guest in a way it cannot report on itself (ev_pm's
ACPI S4 power-off) prints, on its result channel before that,
"@@E1KX-CONSOLE-REQUIRE <test> <description>@@ <regex>": once the guest
has exited, the test fails unless the regex matches a line of the guest's
console log.

--append adds kernel arguments to every guest (before the tests' own).
Debug kernels (make check KERNEL=debug) are slower: --timeout-scale
multiplies every timeout.  --kmemleak makes each guest end with a kmemleak
scan, reported as one more result per group, "kmemleak[<group>]".
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

SCRIPTS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, SCRIPTS_DIR)
import e1kxvm  # noqa: E402

REPO = os.path.dirname(SCRIPTS_DIR)
TESTS_DIR = os.path.join(REPO, "tests")
OUT_DIR = os.path.join(REPO, "build", "check")

RESULT_RE = re.compile(r"^(ok|not ok) (\d+) (\S+)(?: # (.*))?$")
SUBFAIL_RE = re.compile(r"^# not ok \d+ ")
SUBSKIP_RE = re.compile(r"^# subtest-skip (\S+) ok \d+ (.*?) # SKIP ?(.*)$")
LOCKDEP_RE = re.compile(r"^# lockdep-off (\S+): (.*)$")
REQUIRE_RE = re.compile(r"^@@E1KX-CONSOLE-REQUIRE (\S+) (.+?)@@ (.+)$")
BOOT_SLACK = 90  # seconds per guest on top of the tests' own timeouts
KMEMLEAK_SLACK = 600  # two kmemleak scans at the end of a debug guest


def test_programs():
    """TEST_PROGS from tests/Makefile, in order."""
    with open(os.path.join(TESTS_DIR, "Makefile")) as f:
        text = f.read().replace("\\\n", " ")
    progs = []
    for op, val in re.findall(r"^TEST_PROGS\s*(\+|:)?=(.*)$", text, re.M):
        progs = progs + val.split() if op == "+" else val.split()
    if not progs:
        sys.exit("check.py: no TEST_PROGS in tests/Makefile")
    return progs


def read_headers(name):
    """(topology dict, timeout) from a test's header lines."""
    topo = {"nics": "1", "wiring": "none", "append": "", "pcihp": "native",
            "mem": "1024", "root": "host", "boots": "1",
            "firmware": "bios"}
    timeout = 120
    with open(os.path.join(TESTS_DIR, name)) as f:
        for line in f:
            m = re.match(r"#\s*e1kx-topology:\s*(.*)$", line)
            if m:
                # key=value pairs; append= takes the rest of the line.
                rest = m.group(1)
                am = re.search(r"\bappend=(.*)$", rest)
                if am:
                    topo["append"] = am.group(1).strip()
                    rest = rest[:am.start()]
                for kv in rest.split():
                    k, _, v = kv.partition("=")
                    topo[k] = v
            m = re.match(r"#\s*e1kx-timeout:\s*(\d+)", line)
            if m:
                timeout = int(m.group(1))
    return topo, timeout


class Group:
    """Tests sharing one guest."""

    def __init__(self, key, topo):
        self.key = key
        self.topo = topo
        self.tests = []
        self.timeout = 0
        self.results = {}  # test -> (ok, directive)
        self.subfails = {}  # failed test -> its "not ok" subtest lines
        self.subskips = {}  # test -> [(subtest, reason)]
        self.lockdep = []  # (test, the kernel's line) lockdep turned off
        self.pending = []  # "not ok" subtests since the last test's result
        self.note = None

    @property
    def label(self):
        t = self.topo
        app = "-" + re.sub(r"[^A-Za-z0-9]+", "_", t["append"]) \
            if t["append"] else ""
        hp = "-acpihp" if t["pcihp"] == "acpi" else ""
        mem = f"-{t['mem']}M" if t["mem"] != "1024" else ""
        disk = "-disk" if t["root"] == "disk" else ""
        disk += "-uefi" if t["firmware"] == "uefi" else ""
        boots = f"-boots{t['boots']}" if t["boots"] != "1" else ""
        return f"nics{t['nics']}-{t['wiring']}{hp}{mem}{disk}{boots}{app}"

    def record(self, test, ok, directive, subfails):
        """One boot's result of test: the group keeps the worst (a failure
        over a skip over a pass) and every boot's failed subtests."""
        if not ok:
            self.subfails.setdefault(test, []).extend(subfails)
        prev = self.results.get(test)
        rank = (lambda r: 0 if not r[0] else
                1 if r[1].upper().startswith("SKIP") else 2)
        if prev is None or rank((ok, directive)) < rank(prev):
            self.results[test] = (ok, directive)

    def feed(self, line, kmemleak, seen, requires):
        """One line of the guest runner's output: a test's result (with
        the "not ok" subtests before it), a skipped subtest, lockdep
        turning off, a console requirement."""
        if SUBFAIL_RE.match(line):
            self.pending.append(line)
        m = RESULT_RE.match(line)
        if m and (m.group(3) in self.tests or
                  (kmemleak and m.group(3) == "kmemleak")):
            seen.add(m.group(3))
            self.record(m.group(3), m.group(1) == "ok", m.group(4) or "",
                        self.pending)
            self.pending = []
        m = SUBSKIP_RE.match(line)
        if m and m.group(1) in self.tests:
            self.subskips.setdefault(m.group(1), []).append(m.group(2, 3))
        m = LOCKDEP_RE.match(line)
        if m and m.group(1) in self.tests:
            self.lockdep.append(m.groups())
        m = REQUIRE_RE.match(line)
        if m and m.group(1) in self.tests:
            requires.append(m.groups())


class Summary:
    """Every group's results, numbered in order: the TAP lines, the
    counts, and the lines the run ends with (each skipped test and
    sub-test with its reason, lockdep turning off, each failure)."""

    def __init__(self):
        self.lines = []
        self.failures = []  # repeated at the end, where a log's tail shows
        self.skips = []  # every skipped test and sub-test, with its reason
        self.lockdep = []
        self.passed = self.failed = self.skipped = self.nsubskips = 0

    def add(self, g, kmemleak):
        """Count group g's results; returns its TAP result lines."""
        out = []
        for t in g.tests + (["kmemleak"] if kmemleak else []):
            name = t[:-3] if t.endswith(".sh") else t
            if t == "kmemleak":
                name = f"kmemleak[{g.label}]"
            ok, directive = g.results.get(
                t, (False, g.note or "no result from the guest"))
            if ok and directive.upper().startswith("SKIP"):
                self.skipped += 1
                self.skips.append(f"# skipped {name}: "
                                  f"{directive[4:].strip()}")
            elif ok:
                self.passed += 1
            else:
                self.failed += 1
            line = f"{'ok' if ok else 'not ok'} {len(self.lines) + 1} {name}"
            if directive:
                line += f" # {directive}"
            self.lines.append(line)
            out.append(line)
            for sub, why in g.subskips.get(t, []):
                self.nsubskips += 1
                self.skips.append(f"# skipped in {name}: {sub}: {why}")
            self.lockdep += [f"# lockdep turned itself off during {name} "
                             f"[{g.label}]: {msg}; lock checking ended there"
                             for test, msg in g.lockdep if test == t]
            if not ok:
                self.failures += [f"# failed in {name}: {x.lstrip('# ')}"
                                  for x in g.subfails.get(t, [])] or \
                                 [f"# failed in {name}: "
                                  f"{directive or 'no result'}"]
        return out

    def count(self):
        return (f"{self.passed} passed, {self.failed} failed, "
                f"{self.skipped} skipped")

    def tail(self):
        """The lines the run ends with, the counts last."""
        return ([f"# {self.skipped} tests skipped, {self.nsubskips} "
                 f"sub-tests skipped{':' if self.skips else ''}"] +
                self.skips + self.lockdep + self.failures + [self.count()])


def run_group(g, idx, args, tap_out):
    """Boot the group's guest (boots= times), stream its output, collect
    results."""
    logdir = os.path.join(OUT_DIR, f"{idx:02d}-{g.label}")
    os.makedirs(logdir, exist_ok=True)
    disk = (os.path.join(logdir, "root-disk.img")
            if g.topo["root"] == "disk" else None)
    uefi_vars = (os.path.join(logdir, "uefi-vars.fd")
                 if g.topo["firmware"] == "uefi" else None)
    boots = int(g.topo["boots"])
    try:
        for boot in range(1, boots + 1):
            bootdir = (os.path.join(logdir, f"boot{boot}") if boots > 1
                       else logdir)
            run_boot(g, bootdir, args, tap_out, disk, uefi_vars, boot, boots)
            # A test skips all of its plan only for what the environment
            # lacks (the guest kernel, the firmware, a tool), which the
            # next boot lacks too: boots after one where every test of
            # the group skipped would only skip again.
            if boot < boots and all(
                    g.results.get(t, (False, ""))[1].upper()
                    .startswith("SKIP") for t in g.tests):
                print(f"# group {g.label}: every test skipped in boot "
                      f"{boot}: boots {boot + 1}..{boots} not run",
                      flush=True)
                break
    finally:
        for f in (disk, uefi_vars):
            if f and os.path.exists(f):
                os.unlink(f)
    return logdir


def run_boot(g, logdir, args, tap_out, disk, uefi_vars, boot, boots):
    """One boot of the group's guest."""
    os.makedirs(logdir, exist_ok=True)
    slack = BOOT_SLACK * args.timeout_scale + (KMEMLEAK_SLACK if args.kmemleak
                                               else 0)
    cmd = [os.path.join(SCRIPTS_DIR, "e1kx-vm"), "--nics", g.topo["nics"],
           "--wiring", g.topo["wiring"], "--mem", g.topo["mem"],
           "--logdir", logdir,
           "--timeout", str(g.timeout + slack)]
    if disk:
        cmd += ["--root-disk", disk]
    if uefi_vars:
        cmd += ["--uefi", uefi_vars]
    append = " ".join(a for a in (args.append, g.topo["append"]) if a)
    if append:
        cmd += ["--append", append]
    if g.topo["pcihp"] == "acpi":
        # QEMU's own default for q35 root ports; the harness turns it off
        # (native PCIe hotplug, scripts/e1kxvm.py), the later -global wins.
        cmd += ["--qemu-arg=-global", "--qemu-arg=ICH9-LPC."
                "acpi-pci-hotplug-with-bridge-support=on"]
    if args.kernel:
        cmd += ["--kernel", args.kernel]
        if args.modules:
            cmd += ["--modules", args.modules]
    cmd += ["--", "tests/guest-runner.sh " + " ".join(g.tests)]
    # e1kx-vm passes every E1KX_* variable into the guest
    env = dict(os.environ, E1KX_BOOT=str(boot), E1KX_BOOTS=str(boots))
    what = f" boot {boot} of {boots}" if boots > 1 else ""
    print(f"# group {g.label}{what}: {' '.join(g.tests)}", flush=True)
    t0 = time.monotonic()
    seen = set()
    g.pending = []  # a boot that died mid-test leaves none for the next
    requires = []
    with open(os.path.join(logdir, "output.log"), "w") as log:
        p = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             errors="replace", env=env)
        for line in p.stdout:
            log.write(line)
            log.flush()
            line = line.rstrip("\n")
            g.feed(line, args.kmemleak, seen, requires)
            print(f"# {line}", file=tap_out, flush=True)
        rc = p.wait()
    dt = time.monotonic() - t0
    print(f"# group {g.label}{what}: guest exit status {rc} after {dt:.0f}s",
          flush=True)
    note = None
    if rc == 124:
        note = "guest timed out"
    elif rc == 125:
        note = "guest died or never ran the tests (see console.log)"
    elif rc not in (0, 1):
        note = f"guest runner exited with status {rc}"
    if boots > 1:
        # A test without a result in one boot fails, whatever the others
        for t in g.tests + (["kmemleak"] if args.kmemleak else []):
            if t not in seen:
                g.record(t, False, f"boot {boot}: "
                         f"{note or 'no result from the guest'}", [])
    g.note = g.note or note
    check_console(g, requires, os.path.join(logdir, "console.log"), tap_out)
    check_console_gaps(g, os.path.join(logdir, "console.log"), tap_out)


def lib_re(name):
    """A regex tests/lib.sh defines (NAME='ERE'), as Python reads it."""
    with open(os.path.join(REPO, "tests", "lib.sh"), errors="replace") as f:
        m = re.search(rf"^{name}='([^']*)'", f.read(), re.M)
    return re.compile(m.group(1).replace("[[:space:]]", r"\s"))


MARK_RE = re.compile(r"e1kx-runner: (\S+) (start|end) (\S+)\s*$")
ALLOC_RE = re.compile(r"page allocation failure: order:|"
                      r"sysctl could not get directory")


def console_gaps(lines, report_re, timeout_re):
    """Kernel reports on the console outside every test's log window, as
    (the test whose window ended last before it, or None at boot, line).
    Windows nest (a runner inside a test); an allocation failure's stack
    dump is skipped as kernel_reports (lib.sh) does; lines the runner's
    self-test injects are not kernel output."""
    open_marks = []
    last = None
    skip = 0
    found = []
    for raw in lines:
        line = re.sub(r"^.*?\[\s*\d+\.\d+\] ", "", raw)
        m = MARK_RE.search(line)
        if m:
            if m.group(2) == "start":
                open_marks.append(m.group(1))
            elif m.group(1) in open_marks:
                open_marks.remove(m.group(1))
                if not open_marks:
                    last = m.group(3)
            skip = 0
            continue
        if open_marks or "e1kx-harness-injected" in line:
            continue
        if ALLOC_RE.search(line):
            skip = 80
            continue
        is_report = report_re.search(line) or timeout_re.search(line)
        if skip and (not is_report or "Call Trace:" in line):
            skip = 0 if "</TASK>" in line else skip - 1
            continue
        skip = 0
        if is_report:
            found.append((last, line.strip()))
    return found


def check_console_gaps(g, console_log, tap_out):
    """Fail a test for a kernel report on the console after its log window
    ended (late work of its teardown), the group's first test for one
    before any window (at boot)."""
    try:
        with open(console_log, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return
    blamed = set()
    for test, line in console_gaps(lines, lib_re("E1KX_REPORT_RE"),
                                   lib_re("E1KX_TX_TIMEOUT_RE")):
        name = test if test in g.tests else g.tests[0]
        where = f"after {name} ended" if test else "at boot"
        print(f"# kernel report on the console {where}: {line}",
              file=tap_out, flush=True)
        if name not in blamed:
            blamed.add(name)
            g.record(name, False,
                     f"kernel report on the console {where}: {line}", [])


def summary_self_test():
    """The summary on a sample of the guest runner's output: a skipped
    test, a skipped sub-test in a passing one, lockdep turning off, a
    failure with its failed sub-test, a test with no result at all."""
    g = Group("k", dict(nics="1", wiring="none", append="", pcihp="native",
                        mem="1024", root="host", boots="1",
                        firmware="bios"))
    g.tests = ["a.sh", "b.sh", "c.sh", "d.sh", "e.sh"]
    for line in [
        "ok 1 a.sh",
        "# ok 1 rxvlan on",
        "# subtest-skip b.sh ok 2 rxvlan off # SKIP no VLAN filter here",
        "ok 2 b.sh",
        "ok 3 c.sh # SKIP no /dev/net/tun",
        "# not ok 3 ping after reset",
        "# lockdep-off d.sh: turning off the locking correctness validator.",
        "not ok 4 d.sh # exit=1",
    ]:
        g.feed(line, False, set(), [])
    res = Summary()
    got = res.add(g, False) + res.tail()
    want = [
        "ok 1 a", "ok 2 b", "ok 3 c # SKIP no /dev/net/tun",
        "not ok 4 d # exit=1",
        "not ok 5 e # no result from the guest",
        "# 1 tests skipped, 1 sub-tests skipped:",
        "# skipped in b: rxvlan off: no VLAN filter here",
        "# skipped c: no /dev/net/tun",
        "# lockdep turned itself off during d [nics1-none]: turning off the "
        "locking correctness validator.; lock checking ended there",
        "# failed in d: not ok 3 ping after reset",
        "# failed in e: no result from the guest",
        "2 passed, 2 failed, 1 skipped",
    ]
    print(f"summary self-test: {'ok' if got == want else 'FAILED'}")
    if got != want:
        print("  got\n    " + "\n    ".join(got) +
              "\n  want\n    " + "\n    ".join(want))
    return got == want


def self_test():
    """The console scan on sample console lines and the summary on sample
    runner output; exit status 1 if either is wrong."""
    lines = [
        "[    1.0] WARNING: CPU: 0 PID: 1 at boot",
        "[    2.0] e1kx-runner: 7.1.1 start a.sh",
        "[    3.0] WARNING: CPU: 1 PID: 9 inside a's window",
        "[    3.5] e1kx-runner: 8.1.1 start harness/x.sh",
        "[    3.6] e1kx-runner: 8.1.1 end harness/x.sh",
        "[    3.7] BUG: inside a's window, after a nested one",
        "[    4.0] e1kx-runner: 7.1.1 end a.sh",
        "[    5.0] x: page allocation failure: order:0, mode:0x820",
        "[    5.1] Call Trace:",
        "[    5.2] INFO: task kworker/0:1:12 blocked for more than 120 s",
        "[    5.3]  </TASK>",
        "[    6.0] WARNING: CPU: 0 e1kx-harness-injected",
        "[    7.0] NETDEV WATCHDOG: eth0 (e1kx): transmit queue 0 timed out",
        "[    8.0] e1kx-runner: 7.2.1 start b.sh",
    ]
    want = [(None, "WARNING: CPU: 0 PID: 1 at boot"),
            ("a.sh", "INFO: task kworker/0:1:12 blocked for more than 120 s"),
            ("a.sh", "NETDEV WATCHDOG: eth0 (e1kx): transmit queue 0 "
             "timed out")]
    got = console_gaps(lines, lib_re("E1KX_REPORT_RE"),
                       lib_re("E1KX_TX_TIMEOUT_RE"))
    print(f"console scan self-test: {'ok' if got == want else 'FAILED'}")
    if got != want:
        print(f"  got  {got}\n  want {want}")
    return 0 if summary_self_test() and got == want else 1


def check_console(g, requires, console_log, tap_out):
    """Fail tests whose @@E1KX-CONSOLE-REQUIRE lines the console lacks."""
    if not requires:
        return
    try:
        with open(console_log, errors="replace") as f:
            console = f.read()
    except OSError:
        console = ""
    for test, desc, regex in requires:
        seen = re.search(regex, console, re.M) is not None
        print(f"# console check for {test}: {desc}: "
              f"{'seen' if seen else 'NOT seen'}", file=tap_out, flush=True)
        if not seen:
            g.record(test, False, f"not on the console: {desc}", [])


def main():
    ap = argparse.ArgumentParser(description="run e1kx kselftests in QEMU")
    ap.add_argument("--tests", help="comma-separated test names (a or a.sh)")
    ap.add_argument("--kernel",
                    help="6.1, 6.12, a release or a bzImage to boot "
                         "(default: Debian's stock 6.1)")
    ap.add_argument("--modules",
                    help="DIR with lib/modules/<ver> for --kernel")
    ap.add_argument("--append", default="",
                    help="kernel arguments for every guest")
    ap.add_argument("--timeout-scale", type=int, default=1,
                    help="multiply every timeout by N (debug kernels)")
    ap.add_argument("--kmemleak", action="store_true",
                    help="kmemleak scan after each guest's tests")
    ap.add_argument("--logdir", help="log directory (default build/check)")
    ap.add_argument("--self-test", action="store_true",
                    help="check the console scan and the summary on sample "
                         "lines, no guest")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    global OUT_DIR
    if args.logdir:
        OUT_DIR = os.path.abspath(args.logdir)
    if args.timeout_scale < 1:
        ap.error("--timeout-scale must be >= 1")
    # Read by tests/guest-runner.sh in the guest (e1kx-vm passes E1KX_*).
    if args.timeout_scale > 1:
        os.environ["E1KX_TIMEOUT_SCALE"] = str(args.timeout_scale)
    if args.kmemleak:
        os.environ["E1KX_KMEMLEAK"] = "1"
    try:
        args.kernel, args.modules, kver = e1kxvm.pick_kernel(args.kernel,
                                                             args.modules)
        ko = os.environ.get("E1KX_KO") or os.path.join(REPO, "e1kx.ko")
        if os.path.exists(ko):
            e1kxvm.check_module(ko, kver)
    except (RuntimeError, OSError) as e:
        sys.exit(f"check.py: {e}")

    tests = test_programs()
    if args.tests:
        want = {t if t.endswith(".sh") else t + ".sh"
                for t in args.tests.split(",") if t}
        unknown = want - set(tests)
        if unknown:
            ap.error(f"unknown tests: {', '.join(sorted(unknown))}")
        tests = [t for t in tests if t in want]

    groups = {}
    for t in tests:
        topo, tmo = read_headers(t)
        if topo["pcihp"] not in ("native", "acpi"):
            sys.exit(f"check.py: {t}: pcihp must be native or acpi")
        if topo["firmware"] not in ("bios", "uefi"):
            sys.exit(f"check.py: {t}: firmware must be bios or uefi")
        if topo["root"] not in ("host", "disk"):
            sys.exit(f"check.py: {t}: root must be host or disk")
        if not topo["boots"].isdigit() or not 1 <= int(topo["boots"]) <= 9 \
                or (topo["boots"] != "1" and topo["root"] != "disk"):
            sys.exit(f"check.py: {t}: boots must be 1..9, more than 1 only "
                     "with root=disk")
        if not topo["mem"].isdigit() or not 256 <= int(topo["mem"]) <= 8192:
            sys.exit(f"check.py: {t}: mem must be 256..8192 (MiB)")
        key = (topo["nics"], topo["wiring"], topo["append"], topo["pcihp"],
               topo["mem"], topo["root"], topo["boots"], topo["firmware"],
               args.kernel)
        if key not in groups:
            groups[key] = Group(key, topo)
        groups[key].tests.append(t)
        groups[key].timeout += tmo * args.timeout_scale + 10

    shutil.rmtree(OUT_DIR, ignore_errors=True)  # logs of the previous run
    os.makedirs(OUT_DIR)
    subprocess.run([os.path.join(SCRIPTS_DIR, "e1kx-vm"), "--cleanup-stale"],
                   stdout=subprocess.DEVNULL)
    t0 = time.monotonic()
    total = len(tests) + (len(groups) if args.kmemleak else 0)
    print("TAP version 13")
    print(f"1..{total}", flush=True)
    print(f"# guest kernel {kver} ({args.kernel})", flush=True)
    res = Summary()
    for idx, g in enumerate(groups.values()):
        run_group(g, idx, args, sys.stdout)
        for line in res.add(g, args.kmemleak):
            print(line, flush=True)
    with open(os.path.join(OUT_DIR, "results.tap"), "w") as f:
        f.write(f"TAP version 13\n1..{total}\n")
        f.write("\n".join(res.lines) + "\n")
        f.write(f"# {res.count()} in {time.monotonic() - t0:.0f}s\n")
    print(f"# logs in {os.path.relpath(OUT_DIR, os.getcwd())}, "
          f"{time.monotonic() - t0:.0f}s", flush=True)
    print("\n".join(res.tail()), flush=True)
    return 1 if res.failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
