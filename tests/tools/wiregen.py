#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Bad frames from the wire for the e1kx abuse test (host peer side).

  wiregen.py IFACE KIND --dst-mac M --src-mac M --dst-ip A --src-ip A
             [--dst-ip6 A --src-ip6 A] [--port P] [--count N] [--seed S]
             [--size N] [--vid V] [--end PAYLOAD]

Sends frames of one KIND on an AF_PACKET socket, prints "sent N" (frames
the kernel accepted) and, with --end, one last good UDP datagram carrying
PAYLOAD to --dst-ip:--port (the receiver's end marker).  Every choice comes
from random.Random(--seed): the same seed sends the same frames.

KINDs (UDP ones go to --port, which the guest listens on):
  runt       IPv4/UDP frames cut to 14..59 bytes; the IP total length says
             more than the (padded) frame holds, so nothing may be delivered
  giant      valid IPv4/UDP frames of exactly --size bytes (without FCS);
             a list (--size 1519,4000) is cycled through
  ip-csum    IPv4/UDP, valid UDP checksum, bad IPv4 header checksum
  udp-csum   IPv4/UDP with a bad UDP checksum
  tcp-csum   IPv4/TCP to --port with a bad TCP checksum
  udp6-csum  IPv6/UDP with a bad UDP checksum (needs --dst-ip6/--src-ip6)
  tcp6-csum  IPv6/TCP with a bad TCP checksum
  csum       the five above in turn (frame i is kind i % 5)
  vlan-good  valid IPv4/UDP tagged with --vid (a positive control)
  vlan-bad   valid IPv4/UDP with tags the guest has not configured: random
             VIDs (not --vid, not 0), VID 4095, 802.1ad outer tags, a
             double tag (outer --vid, inner random) and cut-off tags
  prio       valid IPv4/UDP priority-tagged (VID 0, PCP 1..7)
  garbage    random bytes (14..1514) behind random unicast (the guest),
             broadcast or multicast addresses and random or IPv4/IPv6/ARP/
             VLAN EtherTypes; IPv4 ones get a random but plausible header
"""

import argparse
import random
import socket
import struct
import sys
import time

from nettool import csum16  # same directory


def mac(m):
    return bytes(int(x, 16) for x in m.split(":"))


def l4(proto, sport, dport, payload, pseudo_src, pseudo_dst, bad):
    """UDP (17) or TCP (6) segment with its checksum (xor 0x5a5a if bad)."""
    if proto == 17:
        seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        off = 6
    else:
        seg = struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 5 << 4, 0x18,
                          65535, 0, 0) + payload
        off = 16
    if len(pseudo_src) == 4:
        pseudo = pseudo_src + pseudo_dst + struct.pack("!BBH", 0, proto,
                                                        len(seg))
    else:
        pseudo = pseudo_src + pseudo_dst + struct.pack("!IxxxB", len(seg),
                                                        proto)
    c = csum16(pseudo + seg)
    if proto == 17 and c == 0:
        c = 0xFFFF
    if bad:
        c ^= 0x5A5A
    return seg[:off] + struct.pack("!H", c) + seg[off + 2:]


def ipv4(src, dst, proto, seg, bad_hdr=False, tot_len=None, ident=0x1234):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0,
                     tot_len if tot_len is not None else 20 + len(seg),
                     ident, 0x4000, 64, proto, 0, src, dst)
    c = csum16(ip) ^ (0x5A5A if bad_hdr else 0)
    return ip[:10] + struct.pack("!H", c) + ip[12:] + seg


def ipv6(src, dst, nxt, seg):
    return struct.pack("!IHBB16s16s", 6 << 28, len(seg), nxt, 64, src,
                       dst) + seg


CSUM_KINDS = ("ip-csum", "udp-csum", "tcp-csum", "udp6-csum", "tcp6-csum")


class Gen:
    def __init__(self, a):
        self.a = a
        self.rnd = random.Random(a.seed)
        self.dmac, self.smac = mac(a.dst_mac), mac(a.src_mac)
        self.src = socket.inet_aton(a.src_ip)
        self.dst = socket.inet_aton(a.dst_ip)
        if a.dst_ip6:
            self.src6 = socket.inet_pton(socket.AF_INET6, a.src_ip6)
            self.dst6 = socket.inet_pton(socket.AF_INET6, a.dst_ip6)

    def eth(self, etype, tags=()):
        hdr = self.dmac + self.smac
        for tpid, tci in tags:
            hdr += struct.pack("!HH", tpid, tci)
        return hdr + struct.pack("!H", etype)

    def udp4(self, payload, bad=False, bad_hdr=False):
        seg = l4(17, self.rnd.randrange(1024, 65536), self.a.port, payload,
                 self.src, self.dst, bad)
        return ipv4(self.src, self.dst, 17, seg, bad_hdr)

    def payload(self, n=None):
        n = self.rnd.randrange(1, 200) if n is None else n
        return self.rnd.randbytes(n)

    def frames(self):
        make = getattr(self, "k_" + self.a.kind.replace("-", "_"))
        for i in range(self.a.count):
            yield make(i)

    def k_runt(self, i):
        full = self.eth(0x0800) + self.udp4(self.payload(64))
        return full[:self.rnd.randrange(14, 60)]

    def k_giant(self, i):
        hdr = 14 + 20 + 8
        size = self.a.sizes[i % len(self.a.sizes)]
        return self.eth(0x0800) + self.udp4(self.payload(size - hdr))

    def k_csum(self, i):
        return getattr(self, "k_" + CSUM_KINDS[i % 5].replace("-", "_"))(i)

    def k_ip_csum(self, i):
        return self.eth(0x0800) + self.udp4(self.payload(), bad_hdr=True)

    def k_udp_csum(self, i):
        return self.eth(0x0800) + self.udp4(self.payload(), bad=True)

    def k_tcp_csum(self, i):
        seg = l4(6, self.rnd.randrange(1024, 65536), self.a.port,
                 self.payload(), self.src, self.dst, True)
        return self.eth(0x0800) + ipv4(self.src, self.dst, 6, seg)

    def k_udp6_csum(self, i):
        seg = l4(17, self.rnd.randrange(1024, 65536), self.a.port,
                 self.payload(), self.src6, self.dst6, True)
        return self.eth(0x86DD) + ipv6(self.src6, self.dst6, 17, seg)

    def k_tcp6_csum(self, i):
        seg = l4(6, self.rnd.randrange(1024, 65536), self.a.port,
                 self.payload(), self.src6, self.dst6, True)
        return self.eth(0x86DD) + ipv6(self.src6, self.dst6, 6, seg)

    def k_vlan_good(self, i):
        return self.eth(0x0800, [(0x8100, self.a.vid)]) + \
            self.udp4(self.payload())

    def k_prio(self, i):
        return self.eth(0x0800, [(0x8100, self.rnd.randrange(1, 8) << 13)]) + \
            self.udp4(self.payload())

    def k_vlan_bad(self, i):
        r = self.rnd
        body = self.udp4(self.payload())
        c = i % 5
        if c == 0:
            vid = self.a.vid
            while vid in (self.a.vid, 0):
                vid = r.randrange(1, 4095)
            return self.eth(0x0800, [(0x8100, vid | r.randrange(8) << 13)]) + body
        if c == 1:
            return self.eth(0x0800, [(0x8100, 4095)]) + body
        if c == 2:
            return self.eth(0x0800, [(0x88A8, self.a.vid)]) + body
        if c == 3:
            return self.eth(0x0800, [(0x8100, self.a.vid),
                                     (0x8100, r.randrange(1, 4095))]) + body
        # a tag and nothing (or a few bytes) behind it
        return (self.dmac + self.smac +
                struct.pack("!HH", 0x8100, self.a.vid))[:r.randrange(14, 19)]

    def k_garbage(self, i):
        r = self.rnd
        d = r.random()
        if d < 0.7:
            dmac = self.dmac
        elif d < 0.85:
            dmac = b"\xff" * 6
        else:
            dmac = bytes([r.randrange(256) | 1]) + r.randbytes(5)
        etype = r.choice([0x0800, 0x0800, 0x86DD, 0x0806, 0x8100, 0x88A8,
                          r.randrange(0x0600, 0x10000), r.randrange(0, 0x600)])
        n = r.randrange(0, 1501)
        body = r.randbytes(n)
        if etype == 0x0800 and n >= 20 and r.random() < 0.7:
            ihl = r.choice([5, 5, 5, r.randrange(0, 16)])
            hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, r.randrange(256),
                              r.choice([n, r.randrange(65536)]),
                              r.randrange(65536), r.randrange(65536),
                              r.randrange(256), r.choice([6, 17, 1, 47, 50,
                                                          r.randrange(256)]),
                              0, self.src, self.dst)
            if r.random() < 0.5:
                hdr = hdr[:10] + struct.pack("!H", csum16(hdr)) + hdr[12:]
            body = hdr + body[20:]
        return dmac + self.smac + struct.pack("!H", etype) + body


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("iface")
    ap.add_argument("kind", choices=("runt", "giant", "ip-csum", "udp-csum",
                                     "tcp-csum", "udp6-csum", "tcp6-csum",
                                     "csum",
                                     "vlan-good", "vlan-bad", "prio",
                                     "garbage"))
    ap.add_argument("--dst-mac", required=True)
    ap.add_argument("--src-mac", required=True)
    ap.add_argument("--dst-ip", required=True)
    ap.add_argument("--src-ip", required=True)
    ap.add_argument("--dst-ip6")
    ap.add_argument("--src-ip6")
    ap.add_argument("--port", type=int, default=9)
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", default="2000")
    ap.add_argument("--vid", type=int, default=10)
    ap.add_argument("--gap", type=float, default=0.002)
    ap.add_argument("--end", help="finally one good UDP datagram with this")
    a = ap.parse_args()
    a.sizes = [int(x) for x in a.size.split(",")]
    if a.kind in ("udp6-csum", "tcp6-csum", "csum") and not (a.dst_ip6 and a.src_ip6):
        ap.error(f"{a.kind} needs --dst-ip6 and --src-ip6")
    g = Gen(a)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    sent = refused = 0
    for f in g.frames():
        try:
            s.send(f)
            sent += 1
        except OSError as e:
            refused += 1
            if refused == 1:
                print(f"send of {len(f)} bytes refused: {e}", file=sys.stderr)
        if a.gap:
            time.sleep(a.gap)
    print("sent", sent)
    if a.end:
        time.sleep(0.5)
        seg = l4(17, 40000, a.port, a.end.encode(), g.src, g.dst, False)
        s.send(g.eth(0x0800) + ipv4(g.src, g.dst, 17, seg))
    return 0 if sent == a.count else 1


if __name__ == "__main__":
    sys.exit(main())
