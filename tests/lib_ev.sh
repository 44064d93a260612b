# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the device-event kselftests (ev_*.sh; sourced after lib.sh and
# lib_net.sh, with net_tap_setup 0 and peer_tmp_init done).
#
# Traffic:  ev_iperf_start PORT SECS [IPERF3 ARGS]  guest -> peer iperf3 (TCP) in the
#                                  background, one report per second in
#                                  JSON; sets EV_IPID, EV_IPOUT
#           ev_iperf_wait SECS     wait for it; its exit status
#           ev_iperf_summary       "bytes=N intervals=N zero=N last_data=N
#                                  tail_bytes=N" (tail = the last 3 intervals)
#           ev_iperf_tail_ok       true if the last 3 intervals moved data
#           ev_iperf_once PORT SECS  a foreground run; true if it moved data
#                                  every second (see E1KX_TIMEOUT_SCALE)
# Link:     ev_flaps IF N          N QEMU set_link net0 off/on cycles from one
#                                  process (one e1kx-ctl per call costs
#                                  seconds in a TCG guest); waits for the
#                                  carrier each time, prints "lost=N
#                                  back=N worst_ms=N secs=N"
# Counters: ev_stat NAME           ethtool -S counter of NET_IF (0 if absent)
# Faults:   ev_fault_init          EV_FAULT: NIC 0's debugfs fault_inject
#                                  (the test is skipped without debugfs or
#                                  for another driver, bails out for e1kx)
# PCI:      ev_root_port BDF       PCI address of BDF's upstream port

EV_IPID=
EV_IPOUT=
EV_FAULT=

ev_iperf_start() {
	local port=$1 secs=$2
	shift 2
	EV_IPOUT=/tmp/ev_iperf_$port.json
	peer_bg "iperf$port" "timeout $((secs + 120)) iperf3 -s -1 -B $P4 -p $port"
	# The server must listen before the client connects (it takes
	# seconds to start on the debug kernel).
	e1kx-ctl peer --timeout 40 -- "t=0; while [ \$t -lt 150 ]; do ss -Hltn 'sport = :$port' | grep -q . && exit 0; sleep 0.2; t=\$((t + 1)); done; exit 1" ||
		echo "# iperf3 server on port $port not listening after 30 s"
	timeout $((secs + 90)) iperf3 -c "$P4" -p "$port" -t "$secs" -i 1 -J \
		--connect-timeout 30000 "$@" >"$EV_IPOUT" 2>&1 &
	EV_IPID=$!
}

ev_iperf_wait() {
	local rc=0
	guest_wait_pid "$EV_IPID" "$1" || kill "$EV_IPID" 2>/dev/null
	wait "$EV_IPID" 2>/dev/null || rc=$?
	return "$rc"
}

ev_iperf_summary() {
	python3 - "$EV_IPOUT" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("bytes=0 intervals=0 zero=0 last_data=-1 tail_bytes=0 error=%s"
          % type(e).__name__)
    sys.exit()
iv = [i["sum"]["bytes"] for i in d.get("intervals", [])]
nz = [k for k, b in enumerate(iv) if b > 0]
err = d.get("error", "")
print("bytes=%d intervals=%d zero=%d last_data=%d tail_bytes=%d%s"
      % (sum(iv), len(iv), iv.count(0), nz[-1] if nz else -1, sum(iv[-3:]),
         " error=" + err.replace(" ", "_") if err else ""))
PY
}

ev_iperf_tail_ok() {
	local s
	s=$(ev_iperf_summary)
	[[ "$s" =~ tail_bytes=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]
}

ev_iperf_once() {
	ev_iperf_start "$1" "$2"
	ev_iperf_wait $(($2 + 50))
	echo "# iperf3 ${2}s: $(ev_iperf_summary)"
	# Seconds without data: none on the stock kernel; the debug guest is
	# slow enough for a few (E1KX_TIMEOUT_SCALE - 1).
	local s max=$((${E1KX_TIMEOUT_SCALE:-1} - 1))
	s=$(ev_iperf_summary)
	ev_iperf_tail_ok && [[ "$s" =~ \ zero=([0-9]+)\  ]] &&
		[ "${BASH_REMATCH[1]}" -le "$max" ] && [[ "$s" != *error=* ]]
}

ev_stat() {
	local v
	v=$(ethtool_stat "$NET_IF" "$1")
	echo "${v:-0}"
}

ev_fault_init() {
	debugfs_ready || ktap_skip_all "kernel without debugfs"
	EV_FAULT=/sys/kernel/debug/e1kx/$(nic_bdf 0)/fault_inject
	[ -e "$EV_FAULT" ] && return
	[ "$E1KX_DRIVER" = e1kx ] || ktap_skip_all "$E1KX_DRIVER has no e1kx fault_inject file"
	ktap_bail "no $EV_FAULT"
}

ev_root_port() {
	local p
	p=$(cd -P "/sys/bus/pci/devices/$1/.." && pwd) || return 1
	echo "${p##*/}"
}

ev_flaps() {
	python3 - "$1" "$2" "$(command -v e1kx-ctl)" <<'PY'
import importlib.machinery, importlib.util, random, sys, time
ifn, n, ctlpath = sys.argv[1], int(sys.argv[2]), sys.argv[3]
loader = importlib.machinery.SourceFileLoader("e1kx_ctl", ctlpath)
spec = importlib.util.spec_from_loader("e1kx_ctl", loader)
ctl = importlib.util.module_from_spec(spec)
loader.exec_module(ctl)
random.seed(1)

def carrier():
    try:
        with open("/sys/class/net/%s/carrier" % ifn) as f:
            return f.read().strip() == "1"
    except OSError:
        return False

def hmp(cmd):
    r = ctl.request({"op": "hmp", "cmd": cmd}, None)
    if not r.get("ok"):
        sys.exit("hmp %s: %s" % (cmd, r.get("error")))

def wait(want, secs):
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        if carrier() == want:
            return time.monotonic() - t0
        time.sleep(0.05)
    return None

lost = back = 0
worst = 0.0
t0 = time.monotonic()
for i in range(1, n + 1):
    hmp("set_link net0 off")
    if wait(False, 5) is None:
        print("# flap %d: carrier still up 5 s after set_link off" % i)
    else:
        lost += 1
    time.sleep(random.random())
    hmp("set_link net0 on")
    dt = wait(True, 15)
    if dt is None:
        print("# flap %d: no carrier 15 s after set_link on" % i)
    else:
        back += 1
        worst = max(worst, dt)
    time.sleep(random.random())
print("lost=%d back=%d worst_ms=%d secs=%d"
      % (lost, back, worst * 1000, time.monotonic() - t0))
PY
}
