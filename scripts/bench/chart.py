#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Draw the e1kx/e1000e ratios of a bench results.json as a PNG.

    chart.py bench/results.json bench/ratios.png

Run by bench.py with an interpreter that has matplotlib (Debian's
python3-matplotlib).  Top left: throughput and latency ratios of the skb
paths (higher is better for throughput, lower for latency); top right:
the fast paths (XDP, AF_XDP), each driver in its best mode; bottom left:
register accesses per packet ratios (lower is better); bottom right, when
the run had profile boots: guest kernel instructions per frame of the
fast paths, both drivers, against e1kx's targets.  The ratios of the
other workloads' instruction counts are in results.md.  Dashed lines
mark the targets; error bars span the per-round min..max of the ratio.
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
    tops = [r["target"][1] for r in rows
            if r.get("target") and r["target"][0] in ("ge", "le")]
    if log:
        ax.set_xscale("log")
        got = [v for v in vals if v > 0]
        ax.set_xlim(min(got + [0.1]) / 1.5, max(got + tops + [2.0]) * 1.5)
    else:
        ax.set_xlim(0, max(vals + tops + [1.8]) * 1.15)


SKB_ROWS = ("tx_pps_b1", "tx_pps_b32", "rx_pps", "rx_pps_rss", "tcp_tx",
            "tcp_rx", "tcp_rx_8", "ping_p50", "ping_p99")
FAST_ROWS = ("xdp_drop", "xdp_tx", "xsk_rx", "xsk_tx", "xsk_tx_pktgen")
FAST = ("xdp_drop", "xdp_tx", "xsk_rx", "xsk_tx")


def insns_panel(ax, rows):
    """Absolute instructions per frame, e1kx and e1000e side by side, with
    e1kx's targets"""
    ys = list(range(len(rows)))[::-1]
    for off, d, col in ((0.2, "e1kx", "tab:blue"),
                        (-0.2, "e1000e", "tab:gray")):
        vals = [r[d]["median"] or 0 for r in rows]
        ax.barh([y + off for y in ys], vals, height=0.38, color=col,
                label=d)
        for y, v in zip(ys, vals):
            ax.text(v, y + off, f" {v:,.0f}", va="center", fontsize=7)
    for y, r in zip(ys, rows):
        t = r.get("target")
        if t and t[0] in ("lt", "max"):
            c = "tab:green" if r.get("status") == "ok" else "tab:red"
            ax.plot([t[1], t[1]], [y - 0.45, y + 0.45], "--", color=c,
                    lw=1.5)
    ax.set_yticks(ys)
    ax.set_yticklabels([r["label"].split(": guest kernel")[0]
                        for r in rows], fontsize=8)
    ax.set_xlabel("guest kernel instructions per frame")
    ax.set_title("Fast paths: instructions per frame (dashed: e1kx target,"
                 " green met)", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")


def main():
    src, png = sys.argv[1], sys.argv[2]
    with open(src) as f:
        res = json.load(f)
    s = res["summary"]
    perf = [s[k] for k in SKB_ROWS if k in s]
    fast = [s[k] for k in FAST_ROWS if k in s]
    regs = [s[k] for k in s if k.endswith(".regs")]
    insns = [s[k] for k in (f"{n}.insns" for n in FAST) if k in s]
    fig, axes = plt.subplots(2, 2, figsize=(17, 11))
    panel(axes[0][0], perf, "skb paths: rates (higher is better; ping: "
          "lower)")
    if fast:
        panel(axes[0][1], fast, "Fast paths, 64B (e1kx native XDP, AF_XDP "
              "zero-copy; e1000e skb mode, copy)")
    else:
        axes[0][1].axis("off")
    for r in regs:
        r["label"] = r["label"].replace(": reg accesses/pkt", "")
    panel(axes[1][0], regs, "Register accesses per packet (lower is better)",
          log=True)
    if insns:
        insns_panel(axes[1][1], insns)
    else:
        axes[1][1].axis("off")
    m = res["meta"]
    fig.suptitle(f"e1kx vs e1000e, QEMU 82574L model under TCG, "
                 f"{m['rounds']} round(s), {m['started']} "
                 f"({m.get('commit', '')}). Green: target met, red: missed; "
                 f"dashed: target", fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    return 0


if __name__ == "__main__":
    sys.exit(main())
