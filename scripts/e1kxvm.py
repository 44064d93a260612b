# SPDX-License-Identifier: GPL-2.0
"""Reusable pieces of the e1kx QEMU test harness (host side).

- build_initramfs(): a cached busybox initramfs that mounts the host root
  over virtio-9p and runs a job chrooted into it (see e1kx-init.sh).
- Netns: a per-run network namespace holding the tap backends of the guest
  NICs, wired as "none", "tap" (addressed host peers) or "b2b" (bridges).
- Relay: serves the guest control channel (virtio-serial port org.e1kx.ctl):
  HMP/QMP commands and shell commands run in the host-side netns.
- run_vm(): boots a guest, streams the command output, returns its status.
"""

import gzip
import hashlib
import json
import os
import re
import select
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

SCRIPTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(SCRIPTS_DIR)
INIT_SCRIPT = os.path.join(SCRIPTS_DIR, "e1kx-init.sh")
CACHE_DIR = os.environ.get("E1KX_CACHE", "/var/cache/e1kx")
BUSYBOX = "/bin/busybox"
NS_PREFIX = "e1kx-"

# Exit statuses of run_vm() besides the command's own.
RC_TIMEOUT = 124
RC_NO_RESULT = 125

START_MARKER = b"@@E1KX-START@@"
# How long QEMU gets to end after the exit marker (ev_pm's ACPI S4
# power-off runs every device's poweroff callbacks first; slow on debug).
POWEROFF_WAIT = 60
EXIT_RE = re.compile(rb"\n?@@E1KX-EXIT (\d+)@@\n?")

# Modules the initramfs needs (plus their dependencies from modules.dep).
INITRAMFS_MODULES = ["virtio_pci", "virtio_console", "9pnet_virtio", "9p"]

# Environment variables set by the harness itself in the guest.
RESERVED_ENV = {"E1KX_CTL", "E1KX_NICS", "E1KX_WIRING", "E1KX_MACS"}

WIRINGS = ("none", "tap", "b2b")

# The writable root's disk (run_vm(root_disk=...)): its virtio serial,
# which e1kx-init.sh looks for, and the size of a new one (sparse).
ROOT_DISK_SERIAL = "e1kx-root"
ROOT_DISK_SIZE = 4 << 30

# UEFI firmware (Debian's ovmf) for run_vm(uefi_vars=...): the build that
# can enforce Secure Boot, its variables guarded by SMM (as on a real
# machine: the OS reaches them only through the firmware), and the empty
# variable store a new guest's own copy starts from (no keys: setup mode,
# Secure Boot off until a platform key is enrolled).
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def log(msg):
    """Print a harness message to stderr."""
    print(f"e1kx-vm: {msg}", file=sys.stderr, flush=True)


def nic_mac(k):
    """MAC address given to guest NIC k."""
    return f"52:54:00:e1:00:{k:02x}"


# --------------------------------------------------------------------------
# Kernel and initramfs
# --------------------------------------------------------------------------

def pick_kernel(spec=None, modules=None):
    """(bzImage, modules DIR or None, release) of the guest kernel.

    spec is make's KERNEL: empty for Debian's stock kernel, a series
    ("6.12"), a release, or a bzImage path. scripts/e1kx-kernel holds the
    rule, the same one that picks the headers e1kx is built against.
    modules: a directory with lib/modules/<release> (None: next to a
    bzImage given by path, else the host's /lib/modules).
    """
    def rule(what):
        p = subprocess.run([os.path.join(SCRIPTS_DIR, "e1kx-kernel"),
                            f"--{what}", spec or ""],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
        if p.returncode:
            raise RuntimeError(p.stderr.strip().removeprefix("e1kx-kernel: ")
                               or f"e1kx-kernel --{what} failed")
        return p.stdout.strip()

    if spec and os.path.isfile(spec):
        kernel = os.path.abspath(spec)
    else:
        kernel = rule("image")
    if modules:
        modules = os.path.abspath(modules)
    elif spec and os.path.isfile(spec):
        modules = rule("modules") or None
    kver = kernel_version(kernel)
    moddir = os.path.join(modules or "/", "lib/modules", kver)
    if not os.path.isdir(moddir):
        raise RuntimeError(f"no modules for {kver} at {moddir}")
    return kernel, modules, kver


def module_vermagic(ko):
    """The vermagic string of a kernel module file."""
    with open(ko, "rb") as f:
        m = re.search(rb"(?:^|\0)vermagic=([^\0]*)", f.read())
    if not m:
        raise RuntimeError(f"{ko}: no vermagic (not a kernel module?)")
    return m.group(1).decode(errors="replace").strip()


def check_module(ko, kver):
    """Refuse a module built for another kernel than the guest's."""
    built = module_vermagic(ko).split()[0]
    if built != kver:
        raise RuntimeError(
            f"{os.path.relpath(ko)} is built for {built} but the guest "
            f"boots {kver} (build and boot with the same make KERNEL=...)")


def kernel_version(bzimage):
    """Read the version string from a bzImage's setup header."""
    with open(bzimage, "rb") as f:
        hdr = f.read(0x400)
        if hdr[0x202:0x206] != b"HdrS":
            raise RuntimeError(f"{bzimage}: not a bzImage")
        off = int.from_bytes(hdr[0x20E:0x210], "little") + 0x200
        f.seek(off)
        return f.read(256).split(b"\0")[0].split()[0].decode()


def module_closure(moddir, names):
    """Relative .ko paths for names and their deps, in load order.

    Modules built into the kernel (modules.builtin) are skipped.
    """
    deps = {}
    by_name = {}
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            path, _, rest = line.partition(":")
            deps[path] = rest.split()
            base = os.path.basename(path).split(".ko")[0]
            by_name[base.replace("-", "_")] = path
    builtin = set()
    bpath = os.path.join(moddir, "modules.builtin")
    if os.path.exists(bpath):
        with open(bpath) as f:
            builtin = {os.path.basename(l.strip()).split(".ko")[0]
                       .replace("-", "_") for l in f}
    order = []

    def visit(path):
        if path in order:
            return
        for d in reversed(deps[path]):  # modules.dep lists deps top-down
            visit(d)
        order.append(path)

    for name in names:
        key = name.replace("-", "_")
        if key in builtin:
            continue
        if key not in by_name:
            raise RuntimeError(f"module {name} not found in {moddir}")
        visit(by_name[key])
    return order


def _cpio_newc(entries):
    """Serialize [(name, mode, data)] as a newc cpio archive."""
    out = bytearray()
    ino = 1
    for name, mode, data in entries + [("TRAILER!!!", 0, b"")]:
        nameb = name.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08x}" for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nameb), 0))
        ino += 1
        out += hdr.encode() + nameb
        out += b"\0" * (-len(out) % 4)
        out += data
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def build_initramfs(kver, moddir):
    """Build (or reuse from the cache) the guest initramfs; return its path."""
    with open(INIT_SCRIPT, "rb") as f:
        init = f.read()
    mods = module_closure(moddir, INITRAMFS_MODULES)
    key = hashlib.sha256(init + "\n".join(mods).encode()).hexdigest()[:16]
    path = os.path.join(CACHE_DIR, f"initramfs-{kver}-{key}.cpio.gz")
    if os.path.exists(path):
        return path

    shim = (b"#!/bin/sh\n# Module autoloader: run the real modprobe in the "
            b"9p root.\nexec chroot /newroot /sbin/modprobe \"$@\"\n")
    d, f, x = stat.S_IFDIR | 0o755, stat.S_IFREG | 0o644, stat.S_IFREG | 0o755
    entries = [(n, d, b"") for n in
               ("bin", "sbin", "dev", "proc", "sys", "tmp", "newroot", "lib",
                "lib/modules")]
    with open(BUSYBOX, "rb") as bf:
        entries.append(("bin/busybox", x, bf.read()))
    entries.append(("bin/sh", stat.S_IFLNK | 0o777, b"busybox"))
    entries.append(("init", x, init))
    entries.append(("sbin/e1kx-modprobe", x, shim))
    dirs = set()
    for m in mods:
        parts = os.path.dirname(m).split("/")
        for i in range(1, len(parts) + 1):
            sub = "lib/modules/" + "/".join(parts[:i])
            if sub not in dirs:
                dirs.add(sub)
                entries.append((sub, d, b""))
        with open(os.path.join(moddir, m), "rb") as mf:
            entries.append(("lib/modules/" + m, f, mf.read()))
    # Empty when the kernel has them all built in (modules.builtin).
    entries.append(("modules.order", f, "".join(m + "\n" for m in mods)
                    .encode()))

    os.makedirs(CACHE_DIR, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=CACHE_DIR, prefix=".initramfs-")
    with os.fdopen(fd, "wb") as out:
        out.write(gzip.compress(_cpio_newc(entries), compresslevel=1))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path


# --------------------------------------------------------------------------
# Network namespace and taps
# --------------------------------------------------------------------------

def _ip(*args, check=True):
    """Run ip(8); raise RuntimeError with its message on failure if check."""
    r = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {r.stderr.strip()}")
    return r


def ns_pids(ns):
    """Pids of every process in netns ns."""
    r = _ip("netns", "pids", ns, check=False)
    return [int(p) for p in r.stdout.split() if p.isdigit()]


def kill_ns(ns):
    """Kill every process in netns ns, then delete it (taps/bridges go too)."""
    for _ in range(20):
        pids = ns_pids(ns)
        if not pids:
            break
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
    _ip("netns", "del", ns, check=False)


def cleanup_stale():
    """Remove e1kx-<pid> namespaces whose pid no longer exists."""
    r = _ip("netns", "list", check=False)
    removed = []
    for line in r.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.fullmatch(re.escape(NS_PREFIX) + r"(\d+)", name)
        if m and not os.path.exists(f"/proc/{m.group(1)}"):
            kill_ns(name)
            removed.append(name)
    return removed


class Netns:
    """The per-run netns e1kx-<pid> with one vnet_hdr tap per guest NIC."""

    def __init__(self, nics, wiring):
        self.name = f"{NS_PREFIX}{os.getpid()}"
        self.nics = nics
        self.wiring = wiring
        self.taps = [f"tap{k}" for k in range(nics)]

    def create(self):
        ns = self.name
        if os.path.exists(f"/run/netns/{ns}"):
            kill_ns(ns)
        _ip("netns", "add", ns)
        _ip("-n", ns, "link", "set", "lo", "up")
        for k, tap in enumerate(self.taps):
            _ip("-n", ns, "tuntap", "add", "dev", tap, "mode", "tap",
                "vnet_hdr")
            _ip("-n", ns, "link", "set", tap, "up")
            if self.wiring == "tap":
                _ip("-n", ns, "addr", "add", f"198.18.{k}.1/24", "dev", tap)
                _ip("-n", ns, "addr", "add", f"2001:db8:{k:x}::1/64", "dev",
                    tap, "nodad")
        if self.wiring == "b2b":
            for b in range((self.nics + 1) // 2):
                br = f"br{b}"
                _ip("-n", ns, "link", "add", br, "type", "bridge", "stp_state",
                    "0", "forward_delay", "0", "mcast_snooping", "0")
                # VLAN filtering is off by default (and a host kernel
                # without 802.1Q support rejects even "vlan_filtering 0").
                for tap in self.taps[2 * b:2 * b + 2]:
                    _ip("-n", ns, "link", "set", tap, "master", br)
                _ip("-n", ns, "link", "set", br, "up")
                if b == 0:
                    _ip("-n", ns, "addr", "add", "198.18.0.1/24", "dev", br)
                    _ip("-n", ns, "addr", "add", "2001:db8::1/64", "dev", br,
                        "nodad")

    def destroy(self):
        kill_ns(self.name)

    def wrap(self, argv):
        """argv run inside the netns."""
        return ["ip", "netns", "exec", self.name, *argv]


# --------------------------------------------------------------------------
# QMP client and control-channel relay
# --------------------------------------------------------------------------

class Qmp:
    """Minimal synchronous QMP client over a unix socket."""

    def __init__(self, path):
        self.path = path
        self.sock = None
        self.buf = b""
        self.lock = threading.Lock()

    def _readmsg(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def _connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)
        self._readmsg()  # greeting
        self.sock.sendall(b'{"execute":"qmp_capabilities"}\n')
        while "return" not in self._readmsg():
            pass

    def execute(self, cmd):
        """Run one QMP command (dict); return the full reply dict."""
        with self.lock:
            if self.sock is None:
                self._connect()
            self.sock.sendall(json.dumps(cmd).encode() + b"\n")
            while True:
                msg = self._readmsg()
                if "event" not in msg:  # skip asynchronous events
                    return msg

    def hmp(self, line):
        reply = self.execute({"execute": "human-monitor-command",
                              "arguments": {"command-line": line}})
        if "error" in reply:
            raise RuntimeError(reply["error"].get("desc", str(reply)))
        return reply["return"]

    def close(self):
        if self.sock:
            self.sock.close()


class Relay(threading.Thread):
    """Serves JSON-line requests from the guest's org.e1kx.ctl port.

    Requests: {"op":"hmp","cmd":"..."}, {"op":"qmp","cmd":{...}},
    {"op":"peer","cmd":"sh command","timeout":S}; an optional "id" is echoed.
    Replies: {"id":..,"ok":true,"output":..} (hmp), {"ok":true,"reply":..}
    (qmp), {"ok":true,"stdout":..,"stderr":..,"rc":..} (peer), or
    {"ok":false,"error":".."}.
    """

    def __init__(self, listener, qmp, netns, logf):
        super().__init__(daemon=True)
        self.listener = listener
        self.qmp = qmp
        self.netns = netns
        self.logf = logf

    def run(self):
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        buf = b""
        while True:
            try:
                chunk = conn.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if not line.strip():
                    continue
                reply = self.handle(line)
                try:
                    conn.sendall(json.dumps(reply).encode() + b"\n")
                except OSError:
                    return

    def handle(self, line):
        try:
            req = json.loads(line)
        except ValueError as e:
            return {"ok": False, "error": f"bad JSON: {e}"}
        rid = req.get("id")
        self.logf.write(f"ctl request: {json.dumps(req)}\n")
        self.logf.flush()
        try:
            op = req.get("op")
            if op == "hmp":
                rep = {"ok": True, "output": self.qmp.hmp(req["cmd"])}
            elif op == "qmp":
                rep = {"ok": True, "reply": self.qmp.execute(req["cmd"])}
            elif op == "peer":
                rep = {"ok": True, **self.peer(req["cmd"],
                                                float(req.get("timeout", 60)))}
            else:
                rep = {"ok": False, "error": f"unknown op {op!r}"}
        except Exception as e:  # report every failure to the guest
            rep = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        rep["id"] = rid
        return rep

    def peer(self, cmd, timeout):
        """Run sh -c cmd in the netns.  Output goes to files, not pipes, so
        that background children (iperf3 -s -D, tcpdump &) don't block us;
        they live on until teardown."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            p = subprocess.Popen(self.netns.wrap(["sh", "-c", cmd]),
                                 stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=err, start_new_session=True)
            try:
                rc = p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                rc = RC_TIMEOUT
            out.seek(0)
            err.seek(0)
            return {"rc": rc,
                    "stdout": out.read().decode(errors="replace"),
                    "stderr": err.read().decode(errors="replace")}


# --------------------------------------------------------------------------
# Running a guest
# --------------------------------------------------------------------------

class Timeout(Exception):
    pass


def _job_script(command, cwd, nics, wiring):
    """The shell script the guest init sources inside the chroot."""
    env = {
        "PATH": f"{SCRIPTS_DIR}:/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                "/usr/bin:/sbin:/bin",
        "HOME": "/root",
        "TERM": "dumb",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "E1KX_NICS": str(nics),
        "E1KX_WIRING": wiring,
        "E1KX_MACS": " ".join(nic_mac(k) for k in range(nics)),
        "E1KX_REPO": REPO_DIR,
    }
    # Pass the caller's other E1KX_* settings (E1KX_KO, E1KX_DRIVER, ...).
    for k, v in os.environ.items():
        if k.startswith("E1KX_") and k not in RESERVED_ENV and k not in env:
            env[k] = v
    lines = ["# SPDX-License-Identifier: GPL-2.0", "# e1kx guest job"]
    lines += [f"export {k}={shlex.quote(v)}" for k, v in env.items()]
    lines.append(f"cd {shlex.quote(cwd)} || exit {RC_NO_RESULT}")
    lines.append(f"exec /bin/sh -c {shlex.quote(command)}")
    return "\n".join(lines) + "\n"


def qemu_argv(kernel, initrd, append, nics, smp, mem, sock_out, sock_ctl,
              qmp_path, console_log, extra):
    argv = ["qemu-system-x86_64", "-M", "q35", "-accel", "tcg,thread=multi",
            "-cpu", "max", "-smp", str(smp), "-m", str(mem),
            "-nographic", "-no-reboot", "-nodefaults",
            "-kernel", kernel, "-initrd", initrd, "-append", append,
            # ttyS0: kernel console to a file; ttyS1: command output.
            "-chardev", f"file,id=con,path={console_log}",
            "-serial", "chardev:con",
            "-chardev", f"socket,id=out,path={sock_out}",
            "-serial", "chardev:out",
            # The host root, read-only.
            "-fsdev", "local,id=hostroot,path=/,security_model=none,"
                      "readonly=on,multidevs=remap",
            "-device", "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot",
            # Control channel and monitor.
            "-device", "virtio-serial-pci,id=vser",
            "-chardev", f"socket,id=ctl,path={sock_ctl}",
            "-device", "virtserialport,bus=vser.0,chardev=ctl,"
                       "name=org.e1kx.ctl",
            "-qmp", f"unix:{qmp_path},server=on,wait=off",
            # Native PCIe hotplug on the root ports (QEMU 7.2 defaults to
            # ACPI hotplug there): the slot model then reports presence and
            # Data Link Layer Link Active, which Linux waits for after the
            # secondary bus reset of AER fatal-error recovery.
            "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"]
    for k in range(nics):
        argv += ["-device", f"pcie-root-port,id=rp{k},chassis={k + 1},"
                            f"slot={k + 1}",
                 "-netdev", f"tap,id=net{k},ifname=tap{k},script=no,"
                            "downscript=no,vnet_hdr=on",
                 "-device", f"e1000e,netdev=net{k},mac={nic_mac(k)},"
                            f"id=nic{k},bus=rp{k},rombar=0,romfile="]
    return argv + list(extra)


def make_root_disk(path):
    """Create path as an empty ext4 image (sparse) for a writable root."""
    with open(path, "xb") as f:
        f.truncate(ROOT_DISK_SIZE)
    r = subprocess.run(["mkfs.ext4", "-q", "-F", "-L", ROOT_DISK_SERIAL,
                        path], capture_output=True, text=True)
    if r.returncode:
        os.unlink(path)
        raise RuntimeError(f"mkfs.ext4 {path}: {r.stderr.strip()}")


def run_vm(command, nics=1, wiring="none", append="", kernel=None,
           modules=None, timeout=600, smp=2, mem=1024, qemu_args=(),
           logdir=None, keep_logs=False, out=None, cwd=None, ko=None,
           root_disk=None, uefi_vars=None):
    """Boot a guest, run command in it, stream its output to out.

    kernel and modules as for pick_kernel(); ko: a module the command
    loads, refused before booting when built for another kernel.
    root_disk: an image file (an empty ext4 one is created if it does not
    exist) holding the upper layer of a writable root over the host's,
    kept for the next boot; the guest then boots like an installed system
    (udevd replays the boot's device events, e1kx-init.sh).
    uefi_vars: boot through UEFI firmware (OVMF, Secure Boot capable)
    instead of the BIOS, with this file as its variable store (a copy of
    the empty one, setup mode, is made if it does not exist), kept for the
    next boot.

    Returns the command's exit status, RC_TIMEOUT or RC_NO_RESULT.
    """
    out = out or sys.stdout.buffer
    cwd = cwd or os.getcwd()
    if wiring not in WIRINGS:
        raise ValueError(f"wiring must be one of {WIRINGS}")
    cleanup_stale()

    kernel, modules, kver = pick_kernel(kernel, modules)
    if ko:
        check_module(ko, kver)
    moddir = os.path.join(modules or "/", "lib/modules", kver)
    initrd = build_initramfs(kver, moddir)

    tmp_logdir = logdir is None
    logdir = os.path.abspath(logdir or tempfile.mkdtemp(prefix="e1kx-vm-"))
    os.makedirs(logdir, exist_ok=True)
    sockdir = tempfile.mkdtemp(prefix="e1kx-sock-")  # short unix socket paths
    sock_out = os.path.join(sockdir, "out")
    sock_ctl = os.path.join(sockdir, "ctl")
    qmp_path = os.path.join(sockdir, "qmp")
    console_log = os.path.join(logdir, "console.log")
    job = os.path.join(logdir, "job.sh")
    with open(job, "w") as f:
        f.write(_job_script(command, cwd, nics, wiring))

    # e1kx.repo: the working directory, made visible even when it lies
    # under a directory the guest covers with tmpfs (e.g. a CI clone in /tmp).
    kargs = ["console=ttyS0", "panic=-1", f"e1kx.job={job}",
             f"e1kx.repo={cwd}"]
    if modules:
        kargs.append(f"e1kx.modules={modules}")
    extra = list(qemu_args)
    if root_disk:
        if not os.path.exists(root_disk):
            make_root_disk(root_disk)
        kargs.append(f"e1kx.rootdisk={ROOT_DISK_SERIAL}")
        # After the NICs' root ports: their bus numbers stay the same.
        extra = ["-drive", f"if=none,id=rootdisk,format=raw,cache=unsafe,"
                           f"file={os.path.abspath(root_disk)}",
                 "-device", "virtio-blk-pci,drive=rootdisk,"
                            f"serial={ROOT_DISK_SERIAL}"] + extra
    if uefi_vars:
        if not os.path.exists(uefi_vars):
            shutil.copyfile(OVMF_VARS, uefi_vars)
        # (QEMU merges this -machine into the q35 one)
        extra = ["-machine", "smm=on",
                 "-global", "driver=cfi.pflash01,property=secure,value=on",
                 "-drive", f"if=pflash,format=raw,unit=0,readonly=on,"
                           f"file={OVMF_CODE}",
                 "-drive", f"if=pflash,format=raw,unit=1,"
                           f"file={os.path.abspath(uefi_vars)}"] + extra
    kargs.append(append)
    append_line = " ".join(a for a in kargs if a)

    listeners = []
    for path in (sock_out, sock_ctl):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.listen(1)
        listeners.append(s)
    l_out, l_ctl = listeners

    netns = Netns(nics, wiring)
    qemu = None
    qmp = Qmp(qmp_path)
    relay_log = open(os.path.join(logdir, "ctl.log"), "w")
    qemu_log = open(os.path.join(logdir, "qemu.log"), "wb")
    rc = RC_NO_RESULT
    started = False
    t0 = time.monotonic()
    try:
        netns.create()
        argv = netns.wrap(qemu_argv(kernel, initrd, append_line, nics, smp,
                                    mem, sock_out, sock_ctl, qmp_path,
                                    console_log, extra))
        with open(os.path.join(logdir, "qemu-cmdline.txt"), "w") as f:
            f.write(shlex.join(argv) + "\n")
        qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                stdout=qemu_log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        Relay(l_ctl, qmp, netns, relay_log).start()

        deadline = t0 + timeout
        conn = _accept(l_out, qemu, deadline)
        if conn is None:
            log(f"QEMU exited early with status {qemu.returncode}")
            _show_tail(os.path.join(logdir, "qemu.log"))
            return RC_NO_RESULT
        buf = b""
        exit_status = None
        while exit_status is None:
            now = time.monotonic()
            if now >= deadline:
                raise Timeout()
            r, _, _ = select.select([conn], [], [], min(1.0, deadline - now))
            if not r:
                if qemu.poll() is not None:
                    break
                continue
            chunk = conn.recv(65536)
            if not chunk:
                break
            buf += chunk
            if not started:
                i = buf.find(START_MARKER + b"\n")
                if i < 0:
                    continue
                started = True
                boot = time.monotonic() - t0
                relay_log.write(f"guest started command after {boot:.1f}s\n")
                relay_log.flush()
                buf = buf[i + len(START_MARKER) + 1:]
            m = EXIT_RE.search(buf)
            if m:
                out.write(buf[:m.start()])
                exit_status = int(m.group(1))
                break
            # Hold back only what could be the start of the exit marker.
            j = buf.rfind(b"\n")
            keep = buf[j:] if j >= 0 and b"@@E1KX-EXIT".startswith(
                buf[j + 1:j + 12]) else b""
            out.write(buf[:len(buf) - len(keep)])
            out.flush()
            buf = keep
        if exit_status is None:
            if started:
                out.write(buf)
            out.flush()
            qemu.wait(timeout=5) if qemu.poll() is None else None
            log("guest died before the command finished" if started else
                "guest never ran the command")
            _show_tail(console_log)
            _show_tail(os.path.join(logdir, "qemu.log"))
            rc = RC_NO_RESULT
        else:
            out.flush()
            rc = exit_status
            try:
                qemu.wait(timeout=POWEROFF_WAIT)
            except subprocess.TimeoutExpired:
                log("guest did not power off; killing QEMU")
    except Timeout:
        out.flush()
        log(f"timeout after {timeout}s")
        rc = RC_TIMEOUT
    finally:
        if qemu is not None and qemu.poll() is None:
            try:
                os.killpg(qemu.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            qemu.wait()
        netns.destroy()
        qmp.close()
        for s in listeners:
            s.close()
        relay_log.close()
        qemu_log.close()
        for name in os.listdir(sockdir):
            os.unlink(os.path.join(sockdir, name))
        os.rmdir(sockdir)
        if tmp_logdir and not keep_logs:
            for name in os.listdir(logdir):
                os.unlink(os.path.join(logdir, name))
            os.rmdir(logdir)
        elif tmp_logdir:
            log(f"logs kept in {logdir}")
    return rc


def _accept(listener, qemu, deadline):
    """Wait for QEMU to connect the output chardev."""
    listener.settimeout(0.5)
    while True:
        try:
            conn, _ = listener.accept()
            conn.setblocking(True)
            return conn
        except socket.timeout:
            if qemu.poll() is not None:
                return None
            if time.monotonic() >= deadline:
                raise Timeout()


def _show_tail(path, n=25):
    try:
        with open(path, errors="replace") as f:
            lines = f.readlines()[-n:]
    except OSError:
        return
    if not lines:
        return
    log(f"last lines of {path}:")
    for line in lines:
        sys.stderr.write("  " + line.rstrip("\n") + "\n")
    sys.stderr.flush()
