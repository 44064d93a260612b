#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Results of one upstream selftest run, one line per expected case.

    upstream_results.py ktap|fwd OUTFILE CASE...

OUTFILE is what the upstream test printed.  "ktap": a drivers/net Python
test (KTAP: "ok N prog.case [# SKIP|XFAIL reason]", "not ok N prog.case",
its "# ..." lines before each result).  "fwd": a net/forwarding/lib.sh
style test ("TEST: name  [ OK |FAIL|SKIP|XFAIL]" and an indented message
line after a failure).

For each CASE, in the order given, prints one tab-separated line
"STATUS<TAB>CASE<TAB>DETAIL": STATUS is ok, fail, skip, xfail or missing
(the run reported no such case); DETAIL is upstream's reason (skip, xfail)
or the last lines that say why a case failed, with "ethtool-json:-X" in
front when a failure came from a command "ethtool --json -X ..." that the
installed ethtool rejects ("bad command line argument").
"""

import re
import sys

KTAP_RE = re.compile(r"^(not ok|ok) \d+ [^.\s]+\.(\S+)(?: # (SKIP|XFAIL) ?(.*))?$")
FWD_RE = re.compile(r"^TEST: (.*?)\s+\[\s*(OK|FAIL|SKIP|XFAIL)\s*\]$")
ETHTOOL_JSON_RE = re.compile(r"Command failed: ethtool --json (-\w)")


def why(block):
    """A short account of a failed case from the lines before its result."""
    text = "\n".join(block)
    tags = []
    m = ETHTOOL_JSON_RE.search(text)
    if m and "bad command line argument" in text:
        tags.append("ethtool-json:" + m.group(1))
    lines = [ln.lstrip("# ").strip() for ln in block]
    lines = [ln for ln in lines if ln and not ln.startswith("Exception|   ")]
    detail = " | ".join(lines[-3:])[:400]
    return " ".join(tags + [detail]).strip()


def parse_ktap(lines):
    res = {}
    block = []
    for line in lines:
        m = KTAP_RE.match(line)
        if not m:
            if line.startswith("#"):
                block.append(line)
            continue
        ok, case, directive, reason = m.groups()
        if directive:
            res[case] = (directive.lower(), reason or "")
        elif ok == "ok":
            res[case] = ("ok", "")
        else:
            res[case] = ("fail", why(block))
        block = []
    return res


def parse_fwd(lines):
    res = {}
    for i, line in enumerate(lines):
        m = FWD_RE.match(line)
        if not m:
            continue
        name, verdict = m.groups()
        msg = ""
        if i + 1 < len(lines) and lines[i + 1].startswith("\t"):
            msg = lines[i + 1].strip()
        res[name] = {"OK": ("ok", ""), "FAIL": ("fail", msg),
                     "SKIP": ("skip", msg),
                     "XFAIL": ("xfail", msg)}[verdict]
    return res


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("ktap", "fwd"):
        sys.exit(__doc__)
    with open(sys.argv[2], errors="replace") as f:
        lines = f.read().splitlines()
    res = (parse_ktap if sys.argv[1] == "ktap" else parse_fwd)(lines)
    for case in sys.argv[3:]:
        status, detail = res.get(case, ("missing", ""))
        detail = detail.replace("\t", " ").replace("\n", " ")
        print(f"{status}\t{case}\t{detail}")


if __name__ == "__main__":
    main()
