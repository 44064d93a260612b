#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Draw the e1kx/e1000e ratios of a bench results.json as a PNG.

    chart.py bench/results.json bench/ratios.png

Run by bench.py with an interpreter that has matplotlib (Debian's
python3-matplotlib).  Left: throughput and latency ratios (higher is
better for throughput, lower for latency); right: register accesses per
packet ratios (lower is better); third, when the run had profile boots:
guest kernel instructions per frame (TCP: per KiB) ratios (lower is
better).  Dashed lines mark the targets; error bars span the per-round
min..max of the ratio.
"""

import json
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def color(row):
    st = row.get("status")
    return {"ok": "tab:green", "MISS": "tab:red"}.get(st, "tab:gray")


def ratio_range(row):
    """min..max over rounds of e1kx_i / e1000e_i (the two boots of a
    round; older results files without round_ratios: by sample order)."""
    rs = row.get("round_ratios")
    if rs is None:
        rs = [x / y for x, y in zip(row["e1kx"]["samples"],
                                    row["e1000e"]["samples"]) if y]
    return (min(rs), max(rs)) if rs else (None, None)


def panel(ax, rows, title, log=False):
    labels = [r["label"] for r in rows]
    vals = [r["ratio"] or 0 for r in rows]
    ys = list(range(len(rows)))[::-1]
    ax.barh(ys, vals, color=[color(r) for r in rows], alpha=0.8)
    for y, r in zip(ys, rows):
        lo, hi = ratio_range(r)
        if lo is not None and hi is not None and hi > lo:
            ax.plot([lo, hi], [y, y], color="black", lw=1)
        t = r.get("target")
        if t and t[0] in ("ge", "le"):
            ax.plot([t[1], t[1]], [y - 0.4, y + 0.4], "k--", lw=1.2)
        if r["ratio"] is not None:
            ax.text(r["ratio"], y, f" {r['ratio']:.2f}", va="center",
                    fontsize=8)
        else:
            ax.text(1.0, y, " no data", va="center", fontsize=8,
                    color="tab:red")
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel("e1kx / e1000e")
    ax.set_title(title, fontsize=10)
    if log:
        ax.set_xscale("log")
        got = [v for v in vals if v > 0]
        ax.set_xlim(min(got + [0.1]) / 1.5, max(got + [2.0]) * 1.5)
    else:
        ax.set_xlim(0, max(vals + [1.8]) * 1.15)


def main():
    src, png = sys.argv[1], sys.argv[2]
    with open(src) as f:
        res = json.load(f)
    s = res["summary"]
    perf = [s[k] for k in ("tx_pps_b1", "tx_pps_b32", "rx_pps", "rx_pps_rss",
                           "tcp_tx", "tcp_rx", "tcp_rx_8", "ping_p50",
                           "ping_p99")
            if k in s]
    regs = [s[k] for k in s if k.endswith(".regs")]
    insns = [s[k] for k in s if k.endswith(".insns")]
    fig, axes = plt.subplots(1, 3 if insns else 2,
                             figsize=(19 if insns else 13, 5.5))
    panel(axes[0], perf, "Rates (higher is better; ping: lower)")
    for r in regs:
        r["label"] = r["label"].replace(": reg accesses/pkt", "")
    panel(axes[1], regs, "Register accesses per packet (lower is better)",
          log=True)
    if insns:
        for r in insns:
            r["label"] = r["label"].split(": guest kernel")[0]
        panel(axes[2], insns, "Guest kernel insns per frame, TCP per KiB"
              " (lower is better)")
    m = res["meta"]
    fig.suptitle(f"e1kx vs e1000e, QEMU 82574L model under TCG, "
                 f"{m['rounds']} round(s), {m['started']} "
                 f"({m.get('commit', '')}). Green: target met, red: missed; "
                 f"dashed: target", fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main())
