#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Predict the RX queue of TCP/IPv4 flows from the interface's RSS state.

  rss_predict.py IFACE SRC DST DPORT NFLOWS [--toward Q]

Reads the key and the indirection table (ethtool -x IFACE) and the tcp4
hash fields (ethtool -n IFACE rx-flow-hash tcp4), and computes the
Toeplitz hash the 82574L computes for the flows SRC:p -> DST:DPORT with
p = BASE .. BASE+NFLOWS-1 (iperf3 -P NFLOWS --cport BASE uses these).
The queue is the indirection entry at the hash's 7 low bits.

Picks a random BASE in 20000..59999 whose flows are spread as evenly as
possible over queues 0 and 1 (tries up to 4000 bases); with --toward Q,
the BASE that puts the most flows on queue Q.
Kernels pick even ephemeral ports for connect(), so which queue N flows
with kernel-chosen ports hit depends on a few key bits and, with a random
key, 8 of them all land on one queue for about 7% of keys; tests
that want a spread choose their ports with this tool instead.

Output: "BASE N0 N1 Q..." (flows predicted per queue, then each flow's
queue).  Exit 1 if the RSS state cannot be read.
"""
import random
import socket
import subprocess
import sys

RETA_MASK = 0x7F


def rss_state(ifname):
    out = subprocess.run(["ethtool", "-x", ifname], capture_output=True,
                         text=True, check=True).stdout
    indir, key, want_key = [], None, False
    for line in out.splitlines():
        s = line.strip()
        if want_key:
            key = bytes(int(b, 16) for b in s.split(":"))
            want_key = False
        elif s.startswith("RSS hash key"):
            want_key = True
        elif s[:1].isdigit() and ":" in s:
            indir += [int(v) for v in s.split(":", 1)[1].split()]
    fh = subprocess.run(["ethtool", "-n", ifname, "rx-flow-hash", "tcp4"],
                        capture_output=True, text=True, check=True).stdout
    ports = "L4 bytes 0 & 1" in fh and "L4 bytes 2 & 3" in fh
    if not indir or not key or len(key) < 12:
        raise ValueError("no indirection table or key in ethtool -x")
    return indir, key, ports


def toeplitz(key, data):
    """Hash of data: XOR of the 32-bit key window at each set input bit."""
    kbits = int.from_bytes(key, "big")
    klen = len(key) * 8
    h = 0
    for i, byte in enumerate(data):
        for j in range(8):
            if byte & (0x80 >> j):
                h ^= (kbits >> (klen - 32 - 8 * i - j)) & 0xFFFFFFFF
    return h


def queues(state, src, dst, dport, base, n):
    indir, key, ports = state
    ips = socket.inet_aton(src) + socket.inet_aton(dst)
    out = []
    for p in range(base, base + n):
        data = ips
        if ports:
            data += p.to_bytes(2, "big") + dport.to_bytes(2, "big")
        out.append(indir[(toeplitz(key, data) & RETA_MASK) % len(indir)])
    return out


def pick(state, src, dst, dport, n, toward):
    """(base, queues): the best of up to 4000 random bases."""
    best = None
    for _ in range(4000):
        b = random.randrange(20000, 60000 - n)
        q = queues(state, src, dst, dport, b, n)
        if toward is None:
            score = min(q.count(0), q.count(1))
            done = 2 * score >= n - 1
        else:
            score = q.count(toward)
            done = score == n
        if best is None or score > best[0]:
            best = (score, b, q)
        # without the ports in the hash every base gives the same queues
        if done or not state[2]:
            break
    return best[1], best[2]


def main(argv):
    args = argv[1:]
    toward = None
    if "--toward" in args:
        i = args.index("--toward")
        toward = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    ifname, src, dst, dport, n = args[0], args[1], args[2], int(args[3]), \
        int(args[4])
    try:
        state = rss_state(ifname)
    except (OSError, ValueError, subprocess.CalledProcessError) as e:
        print("rss_predict: %s" % e, file=sys.stderr)
        return 1
    base, q = pick(state, src, dst, dport, n, toward)
    print(base, q.count(0), q.count(1), *q)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
