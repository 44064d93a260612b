#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""CPU time used so far by the processes of this network namespace.

Run on the host, inside a bench guest's namespace (guest.py runs it through
the e1kx-vm control channel at both ends of a rate window).  Prints one
JSON object: the host's monotonic time, its busy and total jiffies from
/proc/stat, and user+system clock ticks per thread group:

    qemu main    QEMU's main loop (tap reads, receive DMA, timers)
    qemu vcpuN   the thread of guest vCPU N ("CPU N/TCG", named by
                 QEMU's -name debug-threads=on), which also runs the
                 model's transmit inside each TDT write
    qemu other   QEMU's other threads (RCU, 9p workers)
    peer COMM    every other process of the namespace by name: the
                 traffic generator (trafgen, iperf3, ping) and helpers
"""

import json
import os
import re
import time

VCPU_RE = re.compile(r"CPU (\d+)/")


def ticks(stat_path):
    """utime + stime of one /proc stat file (comm may hold spaces)"""
    with open(stat_path) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])


def comm(path):
    with open(os.path.join(path, "comm")) as f:
        return f.read().strip()


def group_of(pid, tid, name, is_qemu):
    if not is_qemu:
        return f"peer {name}"
    if tid == pid:
        return "qemu main"
    m = VCPU_RE.match(name)
    return f"qemu vcpu{m.group(1)}" if m else "qemu other"


def main():
    mine = os.readlink("/proc/self/ns/net")
    me = os.getpid()
    groups = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        base = f"/proc/{pid}"
        try:
            if int(pid) == me or os.readlink(f"{base}/ns/net") != mine:
                continue
            is_qemu = comm(base).startswith("qemu-system")
            for tid in os.listdir(f"{base}/task"):
                t = f"{base}/task/{tid}"
                g = group_of(pid, tid, comm(t), is_qemu)
                groups[g] = groups.get(g, 0) + ticks(f"{t}/stat")
        except (OSError, IndexError, ValueError):
            continue        # exited while we looked
    with open("/proc/stat") as f:
        cpu = [int(x) for x in f.readline().split()[1:]]
    print(json.dumps({"t": time.monotonic(), "hz": os.sysconf("SC_CLK_TCK"),
                      "ncpu": os.cpu_count(),
                      "busy": sum(cpu) - cpu[3] - cpu[4],
                      "total": sum(cpu), "groups": groups}))


if __name__ == "__main__":
    main()
