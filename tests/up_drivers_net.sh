#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Linux's own NIC driver selftests against e1kx: the drivers/net tests of
# linux-source-6.12 (ping.py, stats.py, queues.py; hw/pp_alloc_fail.py,
# hw/rss_ctx.py, hw/loopback.sh, hw/ethtool_rmon.sh), unpacked by
# scripts/install-deps.sh and run unmodified from a copy in the guest's
# tmpfs.  NIC 0 and NIC 1 are cabled back to back.  The forwarding-style
# hw/ tests get both ports in the guest's root netns; the Python tests run
# in upstream's "HW mode": NETIF is NIC 0 (192.0.2.1, 2001:db8:2::1) and NIC 1
# in netns up-remote (192.0.2.2, 2001:db8:2::2) is the remote end
# (REMOTE_TYPE=netns).
#
# Each upstream case is one result here, in a fixed list (a case upstream
# did not report fails).  Upstream "ok" passes, a failure fails.  A skip or
# xfail is a skip only for what the environment or the 82574 does not have,
# each checked here and named in the reason: FEC, more than 2 queue pairs,
# additional RSS contexts and ntuple filters (82574); an ethtool with
# --json for -x/-c/-g (Debian 12 has 6.1: the upstream tests run with
# Debian 13's ethtool 6.14 first in PATH where scripts/install-deps.sh could
# fetch it); function error injection in the guest kernel (pp_alloc_fail:
# make check KERNEL=6.12-fi has it) and the RX rate its count of failures
# assumes (pp_slow_rate below); RMON size counters that include the CRC
# (QEMU 7.2's model leaves it out: ethtool_rmon.sh).  A skip of stats.pkt_byte_sum,
# stats.qstat_by_ifindex, stats.check_down or pp_alloc_fail for any other
# reason fails.  Kernels before 6.10 have no qstats: the test skips there.
#
# e1kx-topology: nics=2 wiring=b2b append=
# e1kx-timeout: 900
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

KSRC=${E1KX_LINUX_SRC:-/var/cache/e1kx/linux-source-6.12}
# Debian 13's ethtool, unpacked by scripts/install-deps.sh: first in the
# upstream tests' PATH (UP_PATH), not in this script's
UP_ETHTOOL=${E1KX_UP_ETHTOOL:-/var/cache/e1kx/ethtool-6.14/usr/sbin}
UP_PATH=$PATH
[ -x "$UP_ETHTOOL/ethtool" ] && UP_PATH=$UP_ETHTOOL:$PATH
RESULTS="$E1KX_TESTS_DIR/tools/upstream_results.py"
NS=up-remote
L4=192.0.2.1
R4=192.0.2.2
L6=2001:db8:2::1
R6=2001:db8:2::2

kver=$(uname -r)
IFS=. read -r kmaj kmin _ <<<"$kver"
if [ "$kmaj" -lt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -lt 10 ]; }; then
	ktap_skip_all "kernel $kver has no netdev qstats or queue/NAPI netlink (6.10+), which Linux's drivers/net tests need: run with KERNEL=6.12"
fi
for f in drivers/net/stats.py drivers/net/hw/pp_alloc_fail.py \
	 net/forwarding/lib.sh net/lib/py/ynl.py; do
	[ -f "$KSRC/tools/testing/selftests/$f" ] ||
		ktap_skip_all "no $f in $KSRC: run scripts/install-deps.sh"
done
[ -f "$KSRC/tools/net/ynl/lib/ynl.py" ] ||
	ktap_skip_all "no ynl in $KSRC: run scripts/install-deps.sh"

# The upstream cases, by test program.
PY_ROOT=(ping.py stats.py queues.py)
PY_HW=(pp_alloc_fail.py rss_ctx.py)
declare -A CASES=(
	[ping.py]="test_v4 test_v6 test_tcp"
	[stats.py]="check_pause check_fec pkt_byte_sum qstat_by_ifindex check_down"
	[queues.py]="get_queues addremove_queues"
	[pp_alloc_fail.py]="test_pp_alloc"
	[rss_ctx.py]="test_rss_key_indir test_rss_queue_reconfigure test_rss_resize
		test_hitless_key_update test_rss_context test_rss_context4
		test_rss_context32 test_rss_context_dump
		test_rss_context_queue_reconfigure test_rss_context_overlap
		test_rss_context_overlap2 test_rss_context_out_of_order
		test_rss_context4_create_with_cfg"
	[loopback.sh]="loopback"
)
# The 82574's RMON size histogram: one upstream case per bucket, direction
# and port.
BUCKETS="64to64 65to127 128to255 256to511 512to1023 1024to1522"
# A skip of these for anything but a missing environment is a failure.
REQUIRED=" stats.pkt_byte_sum stats.qstat_by_ifindex stats.check_down pp_alloc_fail.test_pp_alloc "

ktap_plan $((3 + 5 + 2 + 1 + 13 + 1 + 24))

WORK=
cleanup() {
	ip netns del "$NS" 2>/dev/null
	[ -n "$WORK" ] && rm -rf "$WORK"
	unload_e1kx
}
trap cleanup EXIT

unload_e1kx
load_e1kx || ktap_bail "cannot load $E1KX_DRIVER"
IFA=$(nic_if 0) || ktap_bail "no netdev for NIC 0"
IFB=$(nic_if 1) || ktap_bail "no netdev for NIC 1"
up_ethtool_ver=$(PATH=$UP_PATH ethtool --version | awk '{print $3}')
echo "# NETIF $IFA, remote $IFB in netns $NS; upstream tests run ethtool" \
	"$up_ethtool_ver ($(PATH=$UP_PATH command -v ethtool))"

# The guest sees the host root read-only: the tests run from a tmpfs copy
# (ynl and the netlink specs are read in place through symlinks).
WORK=$(mktemp -d /tmp/up_drivers_net.XXXXXX)
mkdir -p "$WORK/ksrc/tools/testing"
cp -a "$KSRC/tools/testing/selftests" "$WORK/ksrc/tools/testing/" ||
	ktap_bail "cannot copy the selftests"
ln -s "$KSRC/tools/net" "$WORK/ksrc/tools/net"
ln -s "$KSRC/Documentation" "$WORK/ksrc/Documentation"
DN=$WORK/ksrc/tools/testing/selftests/drivers/net

# --- what the environment and the 82574 have ---------------------------

# ethtool options whose --json output the upstream tests' ethtool lacks
NOJSON=
for o in -x -c -g; do
	PATH=$UP_PATH ethtool --json "$o" "$IFA" >/dev/null 2>&1 || NOJSON+=" $o"
done
maxq=$(ethtool -l "$IFA" | awk '/^Combined/ {print $2; exit}')
ntuple=$(feature_state "$IFA" ntuple-filters)
if ctx_err=$(ethtool -X "$IFA" context new 2>&1); then
	ethtool -X "$IFA" context "${ctx_err##* }" delete
	ctx_err=
fi
ctx_err=$(tail -n1 <<<"$ctx_err")
debugfs_ready
fail_fn=no
[ -d /sys/kernel/debug/fail_function ] && fail_fn=yes
fi_cfg=$(grep -hE '^(# )?CONFIG_(FUNCTION_ERROR_INJECTION|FAIL_FUNCTION|FAULT_INJECTION)[= ]' \
	"/boot/config-$kver" 2>/dev/null | tr '\n' ';')
echo "# ethtool without --json for:${NOJSON:- none}; max combined channels $maxq;" \
	"ntuple-filters $ntuple; RSS context new: ${ctx_err:-created}"
echo "# fail_function in debugfs: $fail_fn (config-$kver: ${fi_cfg:-no fault-injection options})"

# pp_slow_rate DETAIL: upstream wants 100 failed page_pool_alloc_pages()
# calls in 3 s while it fails one call in 511, which assumes one page per
# received frame.  e1kx cuts PP_BUFS_PER_PAGE RX buffers from each page
# (Documentation/datapath.md), so below 3 * 511 * 100 frames in those 3 s
# it cannot get there: the guest's RX rate is what is missing, not e1kx's
# failure path, as long as the failures it counted match that one in 511
# (at least 3/4 of it).  Empty if they do not: then the case fails.
PP_BUFS_PER_PAGE=3
pp_slow_rate() {
	local n pkts want
	read -r n pkts < <(sed -nE "s/.*too slowly', ([0-9]+), 'packets:', ([0-9]+)\).*/\1 \2/p" <<<"$1")
	[ -n "$pkts" ] || return 0
	want=$((pkts / (PP_BUFS_PER_PAGE * 511)))
	[ "$want" -lt 100 ] && [ "$n" -ge 1 ] && [ $((4 * n)) -ge $((3 * want)) ] &&
		echo "the guest received $pkts frames in upstream's 3 s: at one page_pool page per $PP_BUFS_PER_PAGE RX buffers, one in 511 allocations failing is $want failures, fewer than upstream's 100, and e1kx counted $n in rx-alloc-fail (the ring-size change under injection that follows did not run)"
}

# judge PROG CASE STATUS DETAIL: our result for one upstream case.
judge() {
	local prog=$1 case=$2 st=$3 detail=$4 key=${1%.*}.$2 desc why
	desc=$key
	[ "${prog##*.}" = sh ] && desc="$prog: $case"
	if [ "$st" = ok ]; then
		ktap_ok "$desc"
		return
	fi
	[ "$st" = missing ] && detail="no result reported"
	why=$(lack "$key" "$st" "$detail")
	if [ -n "$why" ]; then
		ktap_skip "$desc" "$why (upstream: $st${detail:+ $detail})"
	elif [ "$st" = missing ]; then
		ktap_fail "$desc" "upstream reported no result for this case"
	elif [ "$st" = fail ]; then
		ktap_fail "$desc" "upstream: $detail"
	elif [[ "$REQUIRED" == *" $key "* ]]; then
		ktap_e1kx_gap "$desc" "upstream $st: $detail"
	else
		ktap_skip "$desc" "upstream $st: $detail"
	fi
}

# lack KEY STATUS DETAIL: what the environment or the 82574 lacks that
# explains a case's skip, xfail or failure, checked above; empty if nothing
# does.
lack() {
	local key=$1 st=$2 detail=$3 o why
	if [[ "$detail" == ethtool-json:* ]]; then
		o=${detail%% *}
		o=${o#ethtool-json:}
		if [[ " $NOJSON " == *" $o "* ]]; then
			why="needs an ethtool with --json for $o, newer than $up_ethtool_ver (scripts/install-deps.sh fetches 6.14 from Debian 13's archive)"
			[[ "$key" == rss_ctx.test_rss_context* ]] && [ -n "$ctx_err" ] &&
				why+="; the 82574 has no additional RSS context either"
			echo "$why"
			return
		fi
	fi
	case "$key:$st" in
	stats.check_fec:xfail | stats.check_fec:skip)
		[[ "$detail" == *"FEC not supported"* ]] && echo "the 82574 has no FEC" ;;
	rss_ctx.test_rss_key_indir:skip)
		[ "${maxq:-0}" -lt 3 ] && [[ "$detail" == *"fewer than 3 queues"* ]] &&
			echo "the 82574 has $maxq queue pairs, the case needs 3" ;;
	rss_ctx.test_rss_queue_reconfigure:skip)
		[ "${maxq:-0}" -lt 4 ] && [[ "$detail" == *"Not enough queues"* ]] &&
			echo "the 82574 has $maxq queue pairs, the case needs 4" ;;
	rss_ctx.test_hitless_key_update:fail)
		# Only the wall-time check failed (the carrier and error checks
		# come after it), this guest has taken 0.2 s or more for a whole
		# ethtool command under the same load, and no system call of a
		# key change took half of the 0.2 s (strace's own scheduling
		# included): where ethtool starts in under 0.1 s the case passes.
		[[ "$detail" == *"Check failed "*" >= 0.2" ]] &&
			[ -n "$ETH_SYS_US" ] && [ "$ETH_SYS_US" -lt 100000 ] &&
			{ [ "${ETH_RO_MAX:-0}" -ge 200 ] || [ "${ETH_RW_MAX:-0}" -ge 200 ]; } &&
			echo "under iperf3 load this guest (TCG) takes 0.2 s or more for an ethtool command, almost all of it outside the kernel: a read-only ethtool -x took ${ETH_RO_MIN}..${ETH_RO_MAX} ms and ethtool -X hkey ${ETH_RW_MIN}..${ETH_RW_MAX} ms, and the slowest system call of a key change (strace -T, e1kx's part included) at most $ETH_SYS_US us" ;;
	rss_ctx.test_rss_context*:skip)
		[ -n "$ctx_err" ] && [[ "$ntuple" == *fixed* ]] &&
			echo "the 82574 has no additional RSS context (ethtool -X context new: $ctx_err) and no ntuple filters" ;;
	ethtool_rmon.*:fail | ethtool_rmon.*:missing)
		[ -n "$rmon_model" ] && echo "$rmon_model" ;;
	pp_alloc_fail.test_pp_alloc:skip)
		if [ "$fail_fn" = no ] && [[ "$detail" == *"without function error injection"* ]]; then
			echo "the guest kernel has no fail_function (config-$kver: $fi_cfg; make check KERNEL=6.12-fi has it)"
		elif [[ "$detail" == *"increasing too slowly"* ]]; then
			pp_slow_rate "$detail"
		fi ;;
	esac
}

# report PROG KIND OUTFILE CASE...: one result per case.
report() {
	local prog=$1 kind=$2 out=$3 st case detail
	shift 3
	while IFS=$'\t' read -r st case detail; do
		judge "$prog" "$case" "$st" "$detail"
	done < <(python3 "$RESULTS" "$kind" "$out" "$@")
}

# run_up DIR PROG TIMEOUT [ARGS...]: run one upstream test into
# $WORK/PROG.out and show its output.  At the timeout it gets SIGINT first:
# upstream's Python runner then prints where each case stood.
run_up() {
	local dir=$1 prog=$2 tmo=$3 rc t0=$SECONDS
	shift 3
	echo "# ----- $prog $* -----"
	(cd "$dir" && PATH=$UP_PATH PYTHONUNBUFFERED=1 \
		timeout -s INT -k 10 "$tmo" "./$prog" "$@") >"$WORK/$prog.out" 2>&1
	rc=$?
	sed 's/^/# /' "$WORK/$prog.out"
	echo "# ----- $prog: exit $rc after $((SECONDS - t0)) s -----"
}

# --- forwarding-style hw/ tests: both ports in this netns ---------------

both_up() {
	ip link set "$IFA" up && ip link set "$IFB" up &&
		wait_carrier "$IFA" 15 && wait_carrier "$IFB" 15
}
both_up || ktap_bail "no carrier on $IFA/$IFB"

# rmon_sum IF DIR [LOW]: packets in IF's RMON size histogram DIR (rx, tx),
# all buckets or the one starting at LOW.
rmon_sum() {
	ethtool --json -S "$1" --groups rmon |
		jq "[.[0].rmon[\"$2-pktsNtoM\"][] | select(${3:-.low} == .low) | .val] | add"
}

# The MAC sizes frames for its histogram from the Destination Address
# through the CRC.  QEMU 7.2's model leaves the CRC out, so every bucket
# of upstream's ethtool_rmon.sh (frames of each bucket's lowest size)
# lands one bucket low.  Shown here by 200 frames of 60 + 4 bytes (no
# bucket counts them, rx_packets does) and 200 of 124 + 4 bytes sent (65
# to 127, not 128 to 255).  On silicon rmon_model stays empty.
rmon_model=
n=200
r0=$(rmon_sum "$IFA" rx) p0=$(if_stat "$IFA" rx_packets)
mausezahn "$IFB" -q -c $n -p 60 -a own -b bcast -d 100us
sleep 1
r1=$(rmon_sum "$IFA" rx) p1=$(if_stat "$IFA" rx_packets)
t0=$(rmon_sum "$IFA" tx 65) u0=$(rmon_sum "$IFA" tx 128)
mausezahn "$IFA" -q -c $n -p 124 -a own -b bcast -d 100us
sleep 1
t1=$(rmon_sum "$IFA" tx 65) u1=$(rmon_sum "$IFA" tx 128)
echo "# RMON sizing: $n rx of 64 bytes: rx_packets +$((p1 - p0)), histogram +$((r1 - r0));" \
	"$n tx of 128 bytes: 65..127 +$((t1 - t0)), 128..255 +$((u1 - u0))"
if [ $((p1 - p0)) -ge $n ] && [ $((r1 - r0)) -lt $((n / 10)) ] &&
   [ $((t1 - t0)) -ge $n ] && [ $((u1 - u0)) -lt $((n / 10)) ]; then
	rmon_model="QEMU's 82574 model sizes frames without their 4-byte CRC in PRC64..1522 and PTC64..1522 ($n received 64-byte frames in no bucket, $n sent 128-byte frames in 65..127), so each bucket's lowest size lands one bucket low"
fi

export NETIF_CREATE=no
run_up "$DN/hw" loopback.sh 180 "$IFA" "$IFB"
report loopback.sh fwd "$WORK/loopback.sh.out" "${CASES[loopback.sh]}"
run_up "$DN/hw" ethtool_rmon.sh 600 "$IFA" "$IFB"
rmon=()
for d in rx tx; do
	for i in "$IFA" "$IFB"; do
		for b in $BUCKETS; do
			rmon+=("$d-pkts$b on $i")
		done
	done
done
report ethtool_rmon.sh fwd "$WORK/ethtool_rmon.sh.out" "${rmon[@]}"
unset NETIF_CREATE

# --- drivers/net Python tests, HW mode ----------------------------------

# remote_setup: NIC 1 into netns $NS, both ends addressed and reachable.
remote_setup() {
	ip netns del "$NS" 2>/dev/null
	ip netns add "$NS" || return 1
	ip link set "$IFB" netns "$NS" || return 1
	ip -n "$NS" link set lo up
	ip addr flush dev "$IFA"
	# stats.check_down takes NETIF down: keep its IPv6 address for the
	# tests after it
	sysctl -qw "net.ipv6.conf.$IFA.keep_addr_on_down=1" || return 1
	ip addr add "$L4/24" dev "$IFA" || return 1
	ip addr add "$L6/64" dev "$IFA" nodad || return 1
	ip link set "$IFA" up || return 1
	ip -n "$NS" addr add "$R4/24" dev "$IFB" || return 1
	ip -n "$NS" addr add "$R6/64" dev "$IFB" nodad || return 1
	ip -n "$NS" link set "$IFB" up || return 1
	wait_carrier "$IFA" 15 || return 1
	wait_carrier_ns "$NS" "$IFB" 15 || return 1
	wait_ping "$R4" 30 && wait_ping "$R6" 30
}
remote_setup || ktap_bail "cannot set up $IFB in netns $NS as the remote of $IFA"

# ms_of CMD...: wall milliseconds of one "sh -c CMD" (upstream's cmd()
# runs each command through a shell too)
ms_of() {
	local t0=${EPOCHREALTIME/./} t1

	PATH=$UP_PATH sh -c "$*" >/dev/null 2>&1
	t1=${EPOCHREALTIME/./}
	echo $(((t1 - t0) / 1000))
}

# sys_max_us CMD...: run CMD under strace; the slowest of its ioctl and
# netlink calls in microseconds: the kernel's share of an ethtool command
# (e1kx's ethtool ops run inside them), without its start and exit
sys_max_us() {
	PATH=$UP_PATH strace -qq -T -e trace=ioctl,sendto,recvfrom,sendmsg,recvmsg \
		-o "$WORK/strace.out" "$@" >/dev/null 2>&1 || return 1
	awk 'match($0, /<[0-9]+\.[0-9]+>$/) {
		t = substr($0, RSTART + 1, RLENGTH - 2) * 1e6
		n++; if (t > m) m = t
	} END { if (n) printf "%d\n", m + 0.999; else exit 1 }' "$WORK/strace.out"
}

# rss_ctx.test_hitless_key_update wants `ethtool -X hkey` done within
# 0.2 s, process start included, while iperf3 loads the link as upstream's
# GenerateTraffic does (16 streams from the remote).  The same load here,
# 8 rounds of: a read-only `ethtool -x` (the driver only copies its table
# and key) and `ethtool -X hkey` with a new random key, their wall times
# (ETH_RO_MIN..MAX, ETH_RW_MIN..MAX ms), and `ethtool -X hkey` once more
# under strace: the slowest of its system calls (ETH_SYS_US), what the key
# change costs in the kernel, e1kx's part included.
ETH_RO_MIN='' ETH_RO_MAX='' ETH_RW_MIN='' ETH_RW_MAX='' ETH_SYS_US=''
newkey() {
	od -An -tx1 -N"$1" /dev/urandom | tr -s ' \n' ':' | sed 's/^://; s/:$//'
}
key0=$(PATH=$UP_PATH ethtool -x "$IFA" | awk '/RSS hash key/ {getline; print; exit}')
iperf3 -s -1 -p 5299 >/dev/null 2>&1 &
srv=$!
sleep 0.5
ip netns exec "$NS" iperf3 -c "$L4" -P 16 -p 5299 -t 60 >/dev/null 2>&1 &
cli=$!
sleep 2
if [ -n "$key0" ] && command -v strace >/dev/null; then
	klen=$(($(tr -cd : <<<"$key0" | wc -c) + 1))
	for _ in 1 2 3 4 5 6 7 8; do
		ro=$(ms_of ethtool -x "$IFA")
		rw=$(ms_of ethtool -X "$IFA" hkey "$(newkey "$klen")")
		sys=$(sys_max_us ethtool -X "$IFA" hkey "$(newkey "$klen")")
		[ -z "$ETH_RO_MIN" ] || [ "$ro" -lt "$ETH_RO_MIN" ] && ETH_RO_MIN=$ro
		[ -z "$ETH_RO_MAX" ] || [ "$ro" -gt "$ETH_RO_MAX" ] && ETH_RO_MAX=$ro
		[ -z "$ETH_RW_MIN" ] || [ "$rw" -lt "$ETH_RW_MIN" ] && ETH_RW_MIN=$rw
		[ -z "$ETH_RW_MAX" ] || [ "$rw" -gt "$ETH_RW_MAX" ] && ETH_RW_MAX=$rw
		if [ -z "$sys" ]; then
			ETH_SYS_US=''
			break
		fi
		[ -z "$ETH_SYS_US" ] || [ "$sys" -gt "$ETH_SYS_US" ] && ETH_SYS_US=$sys
	done
fi
kill "$cli" "$srv" 2>/dev/null
wait "$cli" "$srv" 2>/dev/null
[ -n "$key0" ] && PATH=$UP_PATH ethtool -X "$IFA" hkey "$key0"
echo "# under iperf3 load (16 streams), 8 rounds: ethtool -x ${ETH_RO_MIN:-?}..${ETH_RO_MAX:-?} ms," \
	"ethtool -X hkey ${ETH_RW_MIN:-?}..${ETH_RW_MAX:-?} ms; the slowest system call of a key change ${ETH_SYS_US:-?} us"

export NETIF=$IFA LOCAL_V4=$L4 REMOTE_V4=$R4 LOCAL_V6=$L6 REMOTE_V6=$R6
export REMOTE_TYPE=netns REMOTE_ARGS=$NS
for p in "${PY_ROOT[@]}"; do
	run_up "$DN" "$p" 300
	# shellcheck disable=SC2086
	report "$p" ktap "$WORK/$p.out" ${CASES[$p]}
done
for p in "${PY_HW[@]}"; do
	# pp_alloc_fail takes ~15 s; 6.12's load.py waits without a timeout
	# for an iperf3 server that did not exit.
	tmo=300
	[ "$p" = pp_alloc_fail.py ] && tmo=120
	af0=$(ethtool -S "$IFA" | awk '/^ *rx_queue_[0-9]+_alloc_fail:/ {s += $2} END {print s + 0}')
	run_up "$DN/hw" "$p" "$tmo"
	[ "$p" = pp_alloc_fail.py ] &&
		echo "# rx_queue_*_alloc_fail of $IFA: +$(ethtool -S "$IFA" |
			awk -v a="$af0" '/^ *rx_queue_[0-9]+_alloc_fail:/ {s += $2} END {print s - a}')"
	# shellcheck disable=SC2086
	report "$p" ktap "$WORK/$p.out" ${CASES[$p]}
done

ktap_finish
