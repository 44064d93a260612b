#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run e1kx kselftests inside a guest and print one TAP stream:
#
#   tests/guest-runner.sh load_bind.sh mac_addr.sh ...
#
# For each test: write a start marker to the kernel log and copy every
# kernel log record from there on (kmsg_capture, lib.sh), run the test under
# timeout (its "# e1kx-timeout:" header, default 120 s), print its output
# indented with "# ", write an end marker, then scan what the test's window
# of the log holds (runner_verdict): a kernel report, a TX watchdog timeout
# the test does not declare, or lost log records fail the test and dump its
# log, as do fewer or more results than the test planned, or none.  Then
# print "ok N name", "not ok N name # reason" or "ok N name # SKIP reason".
# The log is never cleared.  Exit status: 0 if nothing failed, 1 otherwise.
#
# Debug kernels (make check KERNEL=debug): E1KX_TIMEOUT_SCALE=N multiplies
# every test timeout; E1KX_KMEMLEAK=1 adds a last result "kmemleak": after
# the tests, two kmemleak scans, failing on any unreferenced object whose
# backtrace mentions e1kx (nested runners, e.g. harness_dmesg, do not scan).
#
# Each test sees E1KX_RUNNER_N (its number), E1KX_RUNNER_MARK (its start
# marker) and E1KX_RUNNER_KMEMLEAK: a test that must end the guest itself
# (ev_pm.sh: system sleep leaves the 9p root unusable) prints its own
# result line and the kmemleak result from them.
set -euo pipefail

TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
cd "$TESTS_DIR"

# Lines of kernel reports (matched after the timestamp is stripped).  Boot
# banners mentioning lockdep/DMA-API are not matched: only real reports.
# shellcheck source=lib.sh
source "$TESTS_DIR/lib.sh"

header() { # header FILE KEY: value of "# e1kx-KEY:" in FILE
	sed -n "s/^# e1kx-$2:[[:space:]]*//p" "$1" | head -n1
}

scale=${E1KX_TIMEOUT_SCALE:-1}
kmemleak=${E1KX_KMEMLEAK:-0}
unset E1KX_KMEMLEAK

echo "TAP version 13"
if [ "$kmemleak" = 1 ]; then
	echo "1..$(($# + 1))"
else
	echo "1..$#"
fi
n=0
failed=0
out=$(mktemp)
klog=$(mktemp)
# Keep the kernel's RX timestamp static key (netstamp_needed_key) on for
# the whole guest: otherwise every ping (SO_TIMESTAMP) turns it on and off,
# and each flip live-patches netif_receive_skb_list_internal() with an
# int3 while the other vCPU runs it.  Under QEMU's multi-threaded TCG that
# can leave a stale int3 behind ("int3: 0000 [#1]" in ksoftirqd, panic).
# One UDP socket with SO_TIMESTAMP (SOL_SOCKET 1,
# SO_TIMESTAMP 29) holds the key; later sockets only count.
perl -e 'socket(my $s, 2, 2, 0) or die "socket: $!\n";
	setsockopt($s, 1, 29, pack("i", 1)) or die "SO_TIMESTAMP: $!\n";
	sleep' &
tstamp_pid=$!
cap_pid=
trap 'rm -f "$out" "$klog"; kill "$tstamp_pid" $cap_pid 2>/dev/null' EXIT
# lockdep_state: 1 while lockdep checks locks, 0 once it turned itself
# off, empty on a kernel without lockdep.  The kernel log says when it
# turns off (runner_verdict reports that line); this also catches it off
# from boot or from between two tests' log windows.
lockdep_state() {
	awk '$1 == "debug_locks:" { print $2 }' /proc/lockdep_stats 2>/dev/null || true
}
lockdep_told=0
for t in "$@"; do
	n=$((n + 1))
	name=$t
	if [ ! -x "$t" ]; then
		echo "not ok $n $name # test program not found or not executable"
		failed=1
		continue
	fi
	tmo=$(header "$t" timeout)
	tmo=$((${tmo:-120} * scale))
	dl0=$(lockdep_state)
	mark="e1kx-runner: $$.$n.$RANDOM.$EPOCHREALTIME"
	echo "<6>$mark start $name" >/dev/kmsg
	kmsg_capture "$mark start $name" "$mark end $name" >"$klog" &
	cap_pid=$!
	start=$SECONDS
	set +e
	E1KX_RUNNER_N=$n E1KX_RUNNER_KMEMLEAK=$kmemleak \
		E1KX_RUNNER_MARK="$mark start $name" \
		timeout -k 5 "$tmo" "./$t" </dev/null 2>&1 | tee "$out" | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	set -e
	echo "# $name: $((SECONDS - start)) s"
	echo "<6>$mark end $name" >/dev/kmsg
	for ((i = 0; i < 300 * scale; i++)); do
		kill -0 "$cap_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$cap_pid" 2>/dev/null; then
		kill "$cap_pid"
		wait "$cap_pid" || true
		echo "e1kx-runner: kernel log records lost: end marker not read" >>"$klog"
	elif ! wait "$cap_pid"; then
		echo "e1kx-runner: kernel log records lost: start marker not read" >>"$klog"
	fi
	cap_pid=
	grep -qE "$E1KX_LOCKDEP_OFF_RE" "$klog" && lockdep_told=1
	if [ "$lockdep_told" = 0 ] && [ "$dl0" = 0 ]; then
		echo "# lockdep-off $name: lock checking was already off when it started (at boot or between tests)"
		lockdep_told=1
	elif [ "$lockdep_told" = 0 ] && [ "$dl0" = 1 ] && [ "$(lockdep_state)" = 0 ]; then
		echo "# lockdep-off $name: debug_locks went from 1 to 0 while it ran"
		lockdep_told=1
	fi
	runner_verdict "$n" "$name" "$rc" "$out" "$tmo" "$klog" || failed=1
done
if [ "$kmemleak" = 1 ]; then
	runner_kmemleak $((n + 1)) "$out" || failed=1
fi
exit $failed
