# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the e1kx ethtool-surface kselftests (et_*.sh; sourced after
# lib.sh and lib_net.sh).
#
# Setup:    et_setup             net_tap_setup 0 + peer reachable; sets IF
# Traffic:  et_ping [N]          N (default 3) pings to the peer, all answered
#                                (retries ARP/ND once for up to 15 s first)
#           et_check_ping DESC   ktap_check DESC et_ping
# Refusals: et_refused DESC CMD...  ok if CMD fails (output shown); sets
#                                ET_OUT to its output
#           et_refused_same DESC CMD...  et_refused + the settings in
#                                et_state are unchanged afterwards
#           et_state             ethtool -g -l -c -a -x and IF output + MTU
#                                (for "unchanged" checks)
# Getters:  et_ring rx|tx, et_combined, et_usecs rx|tx, et_adaptive_rx,
#           et_field CMD... -- KEY   value after "KEY:" in CMD's output
# Registers: et_regs             fill ET_REG[NAME] from `ethtool -d IF raw on`
#           (the u32 dump order of src/ethtool.c e1kx_dump_regs)
# Interrupts: et_irqs            sum of /proc/interrupts counts of IF-rxtx-*
# Debugfs:  et_fault_file        path of fault_inject for IF, or "" (mounts
#                                debugfs if needed)
# RX flows: et_iperf_server PORT, et_iperf_stop PORT, et_iperf_rx PORT N
#           SECS [rss_pick opts] (sets D0 D1 DT PRED0 PRED1 IPERF_OK), then
#           et_spread, et_as_predicted, et_only_q0, et_one_queue

ET_REG_NAMES=(CTRL STATUS CTRL_EXT EECD FCAL FCAH FCT VET FCTTV ITR IMS EIAC
	IAM IVAR EITR0 EITR1 EITR2 RCTL TCTL TIPG LEDCTL EXTCNF_CTRL PBA FCRTL
	FCRTH RDBAL0 RDBAH0 RDLEN0 RDH0 RDT0 RXDCTL0 RDBAL1 RDBAH1 RDLEN1 RDH1
	RDT1 RXDCTL1 RDTR RADV TDBAL0 TDBAH0 TDLEN0 TDH0 TDT0 TXDCTL0 TARC0
	TDBAL1 TDBAH1 TDLEN1 TDH1 TDT1 TXDCTL1 TARC1 TIDV TADV RXCSUM RFCTL MRQC
	MANC RAL0 RAH0 GCR GCR2 RSRPD WUC WUFC)
declare -A ET_REG=()
ET_OUT=
IF=

et_setup() {
	net_tap_setup 0 || return 1
	IF=$NET_IF
	wait_ping "$P4" 30
}

et_ping() {
	local n=${1:-3}
	wait_ping "$P4" 15 || return 1
	ping -c "$n" -i 0.2 -W 2 "$P4" >/dev/null 2>&1
}

et_check_ping() {
	ktap_check "$1" et_ping "${2:-3}"
}

# et_field CMD... -- KEY: first value after "KEY:" in CMD's output.
et_field() {
	local -a cmd=()
	while [ "$1" != -- ]; do
		cmd+=("$1")
		shift
	done
	"${cmd[@]}" 2>/dev/null |
		awk -v k="$2" -F: '{gsub(/^[ \t]+/, "", $1)} $1 == k {gsub(/^[ \t]+|[ \t]+$/, "", $2); print $2; exit}'
}

# ethtool -g has "Pre-set maximums:" then "Current hardware settings:".
et_ring() {
	local key=RX
	[ "$1" = tx ] && key=TX
	ethtool -g "$IF" 2>/dev/null |
		awk -v k="$key:" '/^Current/ {c = 1} c && $1 == k {print $2; exit}'
}

et_combined() {
	ethtool -l "$IF" 2>/dev/null |
		awk '/^Current/ {c = 1} c && $1 == "Combined:" {print $2; exit}'
}

et_usecs() {
	et_field ethtool -c "$IF" -- "$1-usecs"
}

et_adaptive_rx() {
	ethtool -c "$IF" 2>/dev/null | sed -n 's/^Adaptive RX: *\([a-z]*\).*/\1/p'
}

et_adaptive_tx() {
	ethtool -c "$IF" 2>/dev/null | sed -n 's/^Adaptive RX: .* TX: *\([a-z]*\).*/\1/p'
}

et_state() {
	local o
	for o in -g -l -c -a -x ""; do
		# shellcheck disable=SC2086
		ethtool $o "$IF" 2>&1
	done
	cat "/sys/class/net/$IF/mtu"
}

# et_refused DESC CMD...: ok if CMD exits non-zero.
et_refused() {
	local desc=$1 rc
	shift
	ET_OUT=$("$@" 2>&1)
	rc=$?
	[ -n "$ET_OUT" ] && echo "$ET_OUT" | sed 's/^/#   /'
	if [ $rc -ne 0 ]; then
		ktap_ok "$desc (rc=$rc)"
	else
		ktap_fail "$desc" "'$*' succeeded"
	fi
}

# et_refused_same DESC CMD...: refused, and et_state is unchanged.
et_refused_same() {
	local desc=$1 before after
	shift
	before=$(et_state)
	et_refused "$desc" "$@"
	after=$(et_state)
	if [ "$before" = "$after" ]; then
		ktap_ok "$desc: settings unchanged"
	else
		diff <(echo "$before") <(echo "$after") | sed 's/^/# /'
		ktap_fail "$desc: settings unchanged" "state differs after '$*'"
	fi
}

# et_regs: ET_REG[NAME]=value (decimal) from the raw register dump.
et_regs() {
	local -a v
	local i
	ET_REG=()
	mapfile -t v < <(ethtool -d "$IF" raw on 2>/dev/null | od -An -v -tu4 -w4)
	[ "${#v[@]}" -eq "${#ET_REG_NAMES[@]}" ] || {
		echo "# raw register dump has ${#v[@]} words, expected ${#ET_REG_NAMES[@]}"
		return 1
	}
	for i in "${!ET_REG_NAMES[@]}"; do
		ET_REG[${ET_REG_NAMES[$i]}]=$((v[i]))
	done
}

et_irqs() {
	awk -v p="$IF-rxtx-" 'NR == 1 {n = NF} index($NF, p) == 1 {for (i = 2; i <= n + 1; i++) s += $i} END {print s + 0}' /proc/interrupts
}

et_fault_file() {
	local bdf f
	bdf=$(ethtool -i "$IF" 2>/dev/null | sed -n 's/^bus-info: //p')
	[ -d /sys/kernel/debug/e1kx ] ||
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
	f=/sys/kernel/debug/e1kx/$bdf/fault_inject
	[ -e "$f" ] && echo "$f"
	return 0
}

# et_iperf_server PORT: a one-shot-free iperf3 server in the guest on G4.
et_iperf_server() {
	iperf3 -s -D -B "$G4" -p "$1" -I "/tmp/et_iperf_$1.pid" >/dev/null 2>&1
	sleep 0.5
}

et_iperf_stop() {
	[ -s "/tmp/et_iperf_$1.pid" ] && kill "$(cat "/tmp/et_iperf_$1.pid")" 2>/dev/null
	rm -f "/tmp/et_iperf_$1.pid"
}

_et_q() {
	local v
	v=$(ethtool_stat "$IF" "rx_queue_$1_packets")
	echo "${v:-0}"
}

# et_iperf_rx PORT FLOWS SECS [rss_pick options]: peer -> guest TCP from
# client ports chosen by rss_pick (spread over queues 0/1 by default); sets
# D0 D1 (rx_queue_N packet deltas), DT (D0 + D1), PRED0 PRED1 (flows the
# Toeplitz hash predicts per queue) and IPERF_OK (1 if iperf3 reported a
# result).
et_iperf_rx() {
	local a0 a1 out pick base
	pick=$(rss_pick "$IF" "$1" "$2" "${@:4}") || pick=
	read -r base PRED0 PRED1 _ <<<"${pick:-- ? ?}"
	echo "# ports from $base, predicted per queue / per flow: ${pick#* }"
	a0=$(_et_q 0) a1=$(_et_q 1)
	out=$(e1kx-ctl peer --timeout $(($3 + 60)) -- \
		"iperf3 -c $G4 -p $1 -P $2 -t $3 ${pick:+--cport $base}" 2>&1)
	IPERF_OK=0
	grep -q receiver <<<"$out" && IPERF_OK=1
	grep -E 'receiver' <<<"$out" | tail -n1 | sed 's/^/# /'
	D0=$(($(_et_q 0) - a0)) D1=$(($(_et_q 1) - a1))
	DT=$((D0 + D1))
	echo "# $2 flow(s) ${3}s: rx_queue_0 +$D0 rx_queue_1 +$D1"
}

# et_spread: both queues got >= 5% of DT (and DT > 1000).
et_spread() {
	[ "$DT" -gt 1000 ] && [ $((D0 * 20)) -ge "$DT" ] && [ $((D1 * 20)) -ge "$DT" ]
}

# et_as_predicted: a queue the hash predicts no flow for got < 5% of DT,
# a queue predicted to get flows got >= 1% (and DT > 1000).
et_as_predicted() {
	local q d p
	[ "$DT" -gt 1000 ] || return 1
	for q in 0 1; do
		d=$((q ? D1 : D0)) p=$((q ? PRED1 : PRED0))
		if [ "$p" -eq 0 ]; then
			[ $((d * 20)) -lt "$DT" ] || return 1
		else
			[ $((d * 100)) -ge "$DT" ] || return 1
		fi
	done
}

# et_only_q0: queue 1 got < 1% of DT (and DT > 1000).
et_only_q0() {
	[ "$DT" -gt 1000 ] && [ $((D1 * 100)) -lt "$DT" ]
}

# et_one_queue: one of the queues got < 5% (and DT > 1000).
et_one_queue() {
	local lo=$((D0 < D1 ? D0 : D1))
	[ "$DT" -gt 1000 ] && [ $((lo * 20)) -lt "$DT" ]
}

# et_nway_watch SECS: ETHTOOL_NWAY_RST (ethtool -r) on IF, then poll
# STATUS (ETHTOOL_GREGS word 1) and the carrier for SECS seconds in one
# process (fast enough to see QEMU's 0.5 s autoneg window).  Prints
# "rc=R lu_down_ms=T|- lu_up_ms=T|- carrier_down_ms=T|- samples=N".
et_nway_watch() {
	python3 - "$IF" "${1:-2}" <<'PY'
import ctypes, errno, fcntl, socket, struct, sys, time
ifn, secs = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def ioctl(buf):
    ifr = struct.pack("16sP", ifn.encode(), ctypes.addressof(buf))
    fcntl.ioctl(s, 0x8946, ifr)                          # SIOCETHTOOL
def status():
    buf = ctypes.create_string_buffer(12 + 4096)
    struct.pack_into("III", buf, 0, 0x4, 0, 4096)        # ETHTOOL_GREGS
    ioctl(buf)
    return struct.unpack_from("I", buf, 12 + 4)[0]
def carrier():
    with open("/sys/class/net/%s/carrier" % ifn) as f:
        return f.read().strip() == "1"
nway = ctypes.create_string_buffer(8)
struct.pack_into("II", nway, 0, 0x9, 0)                  # ETHTOOL_NWAY_RST
t0 = time.monotonic()
rc = 0
try:
    ioctl(nway)
except OSError as e:
    rc = e.errno
down = up = cdown = None
n = 0
while time.monotonic() - t0 < secs:
    lu = status() & 2
    n += 1
    ms = int((time.monotonic() - t0) * 1000)
    if not lu and down is None:
        down = ms
    if lu and down is not None and up is None:
        up = ms
    if not carrier() and cdown is None:
        cdown = ms
    time.sleep(0.005)
f = lambda v: "-" if v is None else str(v)
print("rc=%d lu_down_ms=%s lu_up_ms=%s carrier_down_ms=%s samples=%d"
      % (rc, f(down), f(up), f(cdown), n))
PY
}

# et_identify_watch SECS: run `ethtool -p IF SECS` and sample LEDCTL
# (ETHTOOL_GREGS word 20) meanwhile.  Prints "rc=R before=0x.. after=0x..
# led0_modes=M,M,..." (distinct LED0 modes seen while it ran).
et_identify_watch() {
	python3 - "$IF" "${1:-2}" <<'PY'
import ctypes, fcntl, socket, struct, subprocess, sys, time
ifn, secs = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def ledctl():
    buf = ctypes.create_string_buffer(12 + 4096)
    struct.pack_into("III", buf, 0, 0x4, 0, 4096)        # ETHTOOL_GREGS
    ifr = struct.pack("16sP", ifn.encode(), ctypes.addressof(buf))
    fcntl.ioctl(s, 0x8946, ifr)                          # SIOCETHTOOL
    return struct.unpack_from("I", buf, 12 + 20 * 4)[0]
before = ledctl()
p = subprocess.Popen(["ethtool", "-p", ifn, secs])
modes = []
while p.poll() is None:
    m = ledctl() & 0xf
    if m not in modes:
        modes.append(m)
    time.sleep(0.01)
print("rc=%d before=%#x after=%#x led0_modes=%s"
      % (p.returncode, before, ledctl(), ",".join("%#x" % m for m in modes)))
PY
}
