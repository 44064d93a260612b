#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Traffic helpers for the e1kx datapath kselftests (guest and host peer).

  nettool.py tcp-send HOST PORT NBYTES [--seed S] [--retry SECS]
        [--dstopts LEN]
  nettool.py tcp-recv PORT [--bind ADDR] [--timeout SECS]
        Stream NBYTES of seeded pseudo-random data over one TCP connection;
        both ends print "BYTES SHA256" (the sender retries connect()).
        --dstopts puts an IPv6 Destination Options header of LEN bytes
        (a multiple of 8, 8..2048) in every segment the sender sends.
  nettool.py udp-echo PORT [--bind ADDR] [--idle SECS]
  nettool.py udp-sizes HOST PORT [--min 1] [--max 1472]
        Echo every payload size MIN..MAX; prints "ok=N bad=N lost=N",
        exit 0 only if every size came back intact.
  nettool.py udp-count PORT [--group G --ifaddr A] [--idle SECS] [--ready F]
        [--until PAYLOAD]
        Count datagrams (optionally after joining multicast group G) until
        one carries PAYLOAD (exit 2 if it never came) or SECS of silence.
  nettool.py udp-send HOST PORT COUNT [--size N] [--mcast-if ADDR] [--gap S]
        [--payload TEXT]
  nettool.py udp-bounce HOST PORT COUNT [--size N] [--gap S] [--wait S]
        Send COUNT numbered datagrams (SIZE >= 4 bytes) to HOST:PORT and
        count those that come back from there intact (an echo, or XDP sending them back); prints
        "sent=N back=N bad=N".
  nettool.py raw-send IFACE --dst-mac M --src-mac M --src-ip A --dst-ip A
        [--dport P] [--proto udp|tcp] [--vlan VID] [--bad-csum] [--count N]
        Craft Ethernet[/802.1Q]/IPv4/UDP|TCP frames on an AF_PACKET socket.
  nettool.py pick-group [--x X] MAC...
        Print a group 239.X.y.z whose multicast-table hash (any of the four
        82574 MO modes) differs from that of every MAC given.
"""

import argparse
import hashlib
import random
import socket
import struct
import sys
import time

CHUNK = 1 << 20


def dstopts_header(length):
    """An IPv6 Destination Options header of LENGTH bytes, filled with
    options of the experimental type 0x1e (RFC 4727): its two high bits say
    "skip if unknown", so any receiver accepts it."""
    if length % 8 or not 8 <= length <= 2048:
        raise ValueError("dstopts length must be a multiple of 8, 8..2048")
    opts = b""
    left = length - 2
    while left:
        if left == 1:
            opts += b"\x00"  # Pad1
            break
        n = min(left - 2, 255)
        if left - 2 - n == 1:  # never leave a single byte: Pad1 would do,
            n -= 1             # but keep to one option type plus padding
        opts += bytes([0x1E, n]) + bytes(n)
        left -= n + 2
    # next header is filled in by the kernel; hdr ext len in 8-byte units
    return bytes([0, length // 8 - 1]) + opts


def tcp_send(a):
    deadline = time.monotonic() + a.retry
    fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    while True:
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(60)
        if a.dstopts:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS,
                         dstopts_header(a.dstopts))
        try:
            s.connect((a.host, a.port))
            break
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    rnd = random.Random(a.seed)
    h = hashlib.sha256()
    left = a.nbytes
    while left:
        n = min(CHUNK, left)
        buf = rnd.randbytes(n)
        h.update(buf)
        s.sendall(buf)
        left -= n
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # wait for the receiver to close: all data was read
    s.close()
    print(a.nbytes, h.hexdigest())


def tcp_recv(a):
    fam = socket.AF_INET6 if ":" in a.bind else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.bind, a.port))
    ls.listen(1)
    ls.settimeout(a.timeout)
    c, _ = ls.accept()
    c.settimeout(a.timeout)
    h = hashlib.sha256()
    total = 0
    while True:
        buf = c.recv(CHUNK)
        if not buf:
            break
        h.update(buf)
        total += len(buf)
    c.close()
    print(total, h.hexdigest())


def udp_sock(bind, port, v6=None):
    v6 = ":" in bind if v6 is None else v6
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET,
                      socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((bind, port))
    return s


def udp_echo(a):
    s = udp_sock(a.bind, a.port)
    s.settimeout(a.idle)
    n = 0
    try:
        while True:
            buf, peer = s.recvfrom(65536)
            s.sendto(buf, peer)
            n += 1
    except socket.timeout:
        pass
    print("echoed", n)


def udp_sizes(a):
    fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect((a.host, a.port))
    s.settimeout(a.wait)
    ok = bad = lost = 0
    for size in range(a.min, a.max + 1):
        payload = random.Random(size).randbytes(size)
        got = None
        for _ in range(a.tries):
            s.send(payload)
            try:
                while True:
                    got = s.recv(65536)
                    if len(got) == size:
                        break
            except socket.timeout:
                got = None
                continue
            break
        if got is None:
            lost += 1
            print(f"size {size}: lost", file=sys.stderr)
        elif got != payload:
            bad += 1
            print(f"size {size}: corrupted", file=sys.stderr)
        else:
            ok += 1
    print(f"ok={ok} bad={bad} lost={lost}")
    sys.exit(0 if bad == 0 and lost == 0 else 1)


def udp_count(a):
    s = udp_sock("0.0.0.0" if a.group else a.bind, a.port)
    if a.group:
        mreq = socket.inet_aton(a.group) + socket.inet_aton(a.ifaddr)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    if a.ready:
        open(a.ready, "w").close()
    s.settimeout(a.idle)
    n = 0
    seen_end = False
    end = time.monotonic() + a.max_time
    until = a.until.encode() if a.until else None
    try:
        while time.monotonic() < end:
            buf, _ = s.recvfrom(65536)
            if until is not None and buf == until:
                seen_end = True
                break
            n += 1
    except socket.timeout:
        pass
    print(n)
    if until is not None and not seen_end:
        print(f"end marker {a.until!r} not received", file=sys.stderr)
        sys.exit(2)


def udp_send(a):
    fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if a.mcast_if:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                     socket.inet_aton(a.mcast_if))
    payload = a.payload.encode() if a.payload else b"x" * a.size
    for _ in range(a.count):
        s.sendto(payload, (a.host, a.port))
        if a.gap:
            time.sleep(a.gap)


def udp_bounce(a):
    fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    if a.size < 4:
        sys.exit("udp-bounce: --size must be >= 4 (sequence number)")
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.connect((a.host, a.port))
    s.setblocking(False)
    sent, seen, bad = {}, set(), 0

    def drain():
        nonlocal bad
        while True:
            try:
                buf = s.recv(65536)
            except (BlockingIOError, ConnectionRefusedError):
                return
            seq = int.from_bytes(buf[:4], "big") if len(buf) >= 4 else -1
            if sent.get(seq) == buf:
                seen.add(seq)
            else:
                bad += 1

    for seq in range(a.count):
        sent[seq] = (seq.to_bytes(4, "big") +
                     random.Random(seq).randbytes(a.size - 4))
        try:
            s.send(sent[seq])
        except ConnectionRefusedError:
            pass
        drain()
        if a.gap:
            time.sleep(a.gap)
    end = time.monotonic() + a.wait
    while time.monotonic() < end and len(seen) < a.count:
        drain()
        time.sleep(0.01)
    print(f"sent={a.count} back={len(seen)} bad={bad}")


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def raw_send(a):
    mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
    src, dst = socket.inet_aton(a.src_ip), socket.inet_aton(a.dst_ip)
    payload = a.payload.encode()
    if a.proto == "udp":
        proto = 17
        l4 = struct.pack("!HHHH", a.sport, a.dport, 8 + len(payload), 0)
        l4 += payload
        off = 6
    else:
        proto = 6
        # A bare ACK segment with data (to a closed port: elicits an RST
        # only if its checksum is accepted).
        l4 = struct.pack("!HHIIBBHHH", a.sport, a.dport, 1, 1, 5 << 4,
                         0x18, 65535, 0, 0) + payload
        off = 16
    pseudo = src + dst + struct.pack("!BBH", 0, proto, len(l4))
    c = csum16(pseudo + l4)
    if proto == 17 and c == 0:
        c = 0xFFFF
    if a.bad_csum:
        c ^= 0x5A5A
    l4 = l4[:off] + struct.pack("!H", c) + l4[off + 2:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0x1234, 0x4000,
                     64, proto, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum16(ip)) + ip[12:]
    eth = mac(a.dst_mac) + mac(a.src_mac)
    if a.vlan is not None:
        eth += struct.pack("!HH", 0x8100, a.vlan)
    frame = eth + struct.pack("!H", 0x0800) + ip + l4
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    for _ in range(a.count):
        s.send(frame)
        if a.gap:
            time.sleep(a.gap)
    print("sent", a.count)


def mta_hashes(mac):
    """12-bit 82574 multicast table hashes of MAC for MO=0..3."""
    b4, b5 = mac[4], mac[5]
    return {((b4 >> (4 - mo)) | (b5 << (4 + mo))) & 0xFFF if mo < 3 else
            (b4 | (b5 << 8)) & 0xFFF for mo in range(4)}


def pick_group(a):
    """Print a 239.x.y.z group whose MAC hashes differ from those of every
    address in a.macs under all four multicast-offset modes."""
    used = set()
    for m in a.macs:
        used |= mta_hashes(bytes(int(x, 16) for x in m.split(":")))
    for y in range(1, 255):
        for z in range(1, 255):
            mac = bytes([1, 0, 0x5E, a.x & 0x7F, y, z])
            if not mta_hashes(mac) & used:
                print(f"239.{a.x}.{y}.{z}")
                return
    sys.exit("no group found")


def udp_stream_parser(sub, name):
    """HOST PORT COUNT [--size N] [--gap S]: COUNT datagrams to HOST:PORT."""
    p = sub.add_parser(name)
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("count", type=int)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--gap", type=float, default=0.002)
    return p


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("tcp-send")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("nbytes", type=int)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--retry", type=float, default=30)
    p.add_argument("--dstopts", type=int, default=0)
    p.set_defaults(fn=tcp_send)
    p = sub.add_parser("tcp-recv")
    p.add_argument("port", type=int)
    p.add_argument("--bind", default="::")
    p.add_argument("--timeout", type=float, default=120)
    p.set_defaults(fn=tcp_recv)
    p = sub.add_parser("udp-echo")
    p.add_argument("port", type=int)
    p.add_argument("--bind", default="::")
    p.add_argument("--idle", type=float, default=30)
    p.set_defaults(fn=udp_echo)
    p = sub.add_parser("udp-sizes")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--min", type=int, default=1)
    p.add_argument("--max", type=int, default=1472)
    p.add_argument("--tries", type=int, default=5)
    p.add_argument("--wait", type=float, default=1.0)
    p.set_defaults(fn=udp_sizes)
    p = sub.add_parser("udp-count")
    p.add_argument("port", type=int)
    p.add_argument("--bind", default="0.0.0.0")
    p.add_argument("--group")
    p.add_argument("--ifaddr", default="0.0.0.0")
    p.add_argument("--idle", type=float, default=5)
    p.add_argument("--max-time", type=float, default=120)
    p.add_argument("--ready")
    p.add_argument("--until", help="stop at a datagram with this payload")
    p.set_defaults(fn=udp_count)
    p = udp_stream_parser(sub, "udp-send")
    p.add_argument("--mcast-if")
    p.add_argument("--payload")
    p.set_defaults(fn=udp_send)
    p = udp_stream_parser(sub, "udp-bounce")
    p.add_argument("--wait", type=float, default=3)
    p.set_defaults(fn=udp_bounce)
    p = sub.add_parser("raw-send")
    p.add_argument("iface")
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--src-mac", required=True)
    p.add_argument("--src-ip", required=True)
    p.add_argument("--dst-ip", required=True)
    p.add_argument("--sport", type=int, default=40000)
    p.add_argument("--dport", type=int, default=9)
    p.add_argument("--proto", choices=("udp", "tcp"), default="udp")
    p.add_argument("--vlan", type=int)
    p.add_argument("--bad-csum", action="store_true")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--gap", type=float, default=0.002)
    p.add_argument("--payload", default="e1kx-dp-test")
    p.set_defaults(fn=raw_send)
    p = sub.add_parser("pick-group")
    p.add_argument("--x", type=int, default=1)
    p.add_argument("macs", nargs="*")
    p.set_defaults(fn=pick_group)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
