#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check what the netdev netlink family reports for one interface.

Uses ynl (tools/net/ynl) and netdev.yaml from linux-source-6.12, unpacked
by scripts/install-deps.sh. Each command prints one line saying what it
found and exits 0 when the check holds, 1 when it does not.

  nl_netdev.py IF links N    N RX and N TX queues, each with a NAPI; N NAPI
                             instances with an IRQ, the same ones the
                             queues name; 2N live page_pools on IF, each
                             with one of those NAPIs
  nl_netdev.py IF totals     device-level qstats read before and after the
                             rtnl counters bracket them (packets, bytes)
  nl_netdev.py IF queues N   N queues each way with their counters; the
                             queues add up to no more than the device
  nl_netdev.py IF get KEY    print a device-level qstats counter
"""
import os
import sys

SRC = os.environ.get('E1KX_LINUX_SRC',
                     '/var/cache/e1kx/linux-source-6.12')
sys.path.insert(0, os.path.join(SRC, 'tools/net/ynl'))
sys.dont_write_bytecode = True
from lib import NlError, YnlFamily  # noqa: E402

SPEC = os.path.join(SRC, 'Documentation/netlink/specs/netdev.yaml')
COUNTERS = ('rx-packets', 'rx-bytes', 'tx-packets', 'tx-bytes')
RX_KEYS = ('rx-packets', 'rx-bytes', 'rx-alloc-fail', 'rx-csum-bad')
TX_KEYS = ('tx-packets', 'tx-bytes', 'tx-stop', 'tx-wake')


def family():
    return YnlFamily(SPEC, '')      # '': no schema validation


def device_stats(nf, ifindex):
    rows = nf.dump('qstats-get', {'ifindex': ifindex})
    return rows[0] if rows else {}


def rtnl_stats(ifname):
    out = {}
    for key in COUNTERS:
        name = key.replace('-', '_')
        with open(f'/sys/class/net/{ifname}/statistics/{name}') as f:
            out[key] = int(f.read())
    return out


def links(nf, ifindex, n):
    queues = nf.dump('queue-get', {'ifindex': ifindex})
    napis = [x for x in nf.dump('napi-get', {'ifindex': ifindex})]
    pools = [p for p in nf.dump('page-pool-get', {})
             if p.get('ifindex') == ifindex and 'detach-time' not in p]
    rx = [q for q in queues if q['type'] == 'rx']
    tx = [q for q in queues if q['type'] == 'tx']
    napi_ids = {x['id'] for x in napis}
    q_napis = {q.get('napi-id') for q in queues}
    pool_napis = {p.get('napi-id') for p in pools}
    irqs = sorted(x.get('irq', 0) for x in napis)
    print(f'{len(rx)} rx + {len(tx)} tx queues, napi ids {sorted(q_napis)};'
          f' napis {sorted(napi_ids)} irqs {irqs};'
          f' {len(pools)} pools with napi ids {sorted(pool_napis)}')
    return (len(rx) == n and len(tx) == n and len(napis) == n and
            q_napis == napi_ids and all(irqs) and
            len(pools) == 2 * n and pool_napis == napi_ids)


def totals(nf, ifindex, ifname):
    before = device_stats(nf, ifindex)
    rtnl = rtnl_stats(ifname)
    after = device_stats(nf, ifindex)
    ok = True
    parts = []
    for key in COUNTERS:
        if key not in before or key not in after:
            parts.append(f'{key} missing')
            ok = False
            continue
        good = before[key] <= rtnl[key] <= after[key]
        ok = ok and good
        parts.append(f'{key} {before[key]}..{after[key]} rtnl {rtnl[key]}'
                     + ('' if good else ' MISMATCH'))
    extra = [f'{k} {before[k]}' for k in ('rx-hw-drops',
                                            'rx-hw-drop-overruns',
                                            'rx-alloc-fail', 'rx-csum-bad',
                                            'tx-stop', 'tx-wake')
             if k in before]
    print('; '.join(parts + extra))
    return ok


def queues(nf, ifindex, n):
    rows = nf.dump('qstats-get', {'ifindex': ifindex, 'scope': 'queue'})
    dev = device_stats(nf, ifindex)
    rx = {r['queue-id']: r for r in rows if r['queue-type'] == 'rx'}
    tx = {r['queue-id']: r for r in rows if r['queue-type'] == 'tx'}
    ok = sorted(rx) == list(range(n)) and sorted(tx) == list(range(n))
    missing = [f'rx{q}:{k}' for q, r in rx.items() for k in RX_KEYS
               if k not in r]
    missing += [f'tx{q}:{k}' for q, r in tx.items() for k in TX_KEYS
                if k not in r]
    ok = ok and not missing
    sums = {}
    for key in COUNTERS:
        src = rx if key.startswith('rx') else tx
        sums[key] = sum(r.get(key, 0) for r in src.values())
        ok = ok and sums[key] <= dev.get(key, -1)
    print(f'rx queues {sorted(rx)} packets '
          f'{[rx[q].get("rx-packets") for q in sorted(rx)]}, '
          f'tx queues {sorted(tx)} packets '
          f'{[tx[q].get("tx-packets") for q in sorted(tx)]}; '
          f'queue sums {sums}, device {[dev.get(k) for k in COUNTERS]}'
          + (f'; missing {missing}' if missing else ''))
    return ok


def main():
    ifname, cmd = sys.argv[1], sys.argv[2]
    with open(f'/sys/class/net/{ifname}/ifindex') as f:
        ifindex = int(f.read())
    nf = family()
    try:
        ok = run(nf, ifname, ifindex, cmd)
    except NlError as e:
        print(f'{cmd}: netlink error {e.nl_msg.error}: {e}'.split('\n')[0])
        ok = False
    sys.exit(0 if ok else 1)


def run(nf, ifname, ifindex, cmd):
    if cmd == 'links':
        ok = links(nf, ifindex, int(sys.argv[3]))
    elif cmd == 'totals':
        ok = totals(nf, ifindex, ifname)
    elif cmd == 'queues':
        ok = queues(nf, ifindex, int(sys.argv[3]))
    elif cmd == 'get':
        print(device_stats(nf, ifindex).get(sys.argv[3], ''))
        ok = True
    else:
        sys.exit(f'unknown command {cmd}')
    return ok


if __name__ == '__main__':
    main()
