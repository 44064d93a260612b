#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The runner's own checks (guest-runner.sh, lib.sh), each on a helper in
# tests/harness/ run by a nested runner that treats the helpers' tagged log
# lines as kernel output (E1KX_SCAN_INJECTED=1; any other scan skips them):
#   - a kernel WARNING fails a test that passes by itself, also when the
#     test clears the kernel log afterwards;
#   - a TX watchdog timeout line fails it, unless its header declares one;
#   - a test that plans results and reports none, or fewer than planned,
#     fails; so does ktap_finish in such a test;
#   - a skipped result inside a passing test is listed ("# subtest-skip");
#   - lockdep turning itself off is reported ("# lockdep-off");
#   - a clean test passes;
#   - kernel_reports skips an allocation failure's dump, not a report in
#     it; lost kernel log records fail a test; ktap_e1kx_gap fails for e1kx.
# And no test clears the kernel log or ends processes by name.
#
# e1kx-topology: nics=2 wiring=tap append=
# e1kx-timeout: 180
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

runner=$E1KX_TESTS_DIR/guest-runner.sh
ktap_plan 30

# run HELPER: the nested runner on harness/HELPER; sets OUT and RC.
run() {
	set +e
	OUT=$(E1KX_SCAN_INJECTED=1 "$runner" "harness/$1" 2>&1)
	RC=$?
	set -e
	echo "$OUT" | sed 's/^/# /'
}

# result HELPER RC REGEX DESC: the runner exited RC and its result line for
# HELPER matches REGEX (grep -E, anchored).
result() {
	local h=$1 want=$2 re=$3 desc=$4
	if [ "$RC" -ne "$want" ]; then
		ktap_fail "$desc" "runner exit status $RC, expected $want"
	elif grep -qE "^${re}\$" <<<"$OUT"; then
		ktap_ok "$desc"
	else
		ktap_fail "$desc" "no line matching '$re'"
	fi
}

h=harness
run inject_warning.sh
result inject_warning.sh 1 "not ok 1 $h/inject_warning.sh # kernel report in dmesg: WARNING: CPU: .* injected by inject_warning.sh.*" \
	"a WARNING fails the test"
ktap_check "the failing test's kernel log is dumped" \
	grep -q '^# ----- kernel log of harness/inject_warning.sh' <<<"$OUT"

run inject_tx_timeout.sh
result inject_tx_timeout.sh 1 "not ok 1 $h/inject_tx_timeout.sh # kernel report in dmesg: TX watchdog timeout: .*NETDEV WATCHDOG: eth9 \(e1kx\): transmit queue 1 timed out.*" \
	"a TX watchdog timeout fails the test"

run expect_tx_timeout.sh
result expect_tx_timeout.sh 0 "ok 1 $h/expect_tx_timeout.sh" \
	"a declared TX watchdog timeout (e1kx-expect: tx-timeout) passes"

run no_results.sh
result no_results.sh 1 "not ok 1 $h/no_results.sh # no results" \
	"a test with no results fails"

run short_plan.sh
result short_plan.sh 1 "not ok 1 $h/short_plan.sh # 2 results reported, 3 planned" \
	"a test with fewer results than planned fails"

run sub_skip.sh
result sub_skip.sh 0 "ok 1 $h/sub_skip.sh" "a test with a skipped result passes"
ktap_check "its skipped result is listed with the reason" \
	grep -qx "# subtest-skip $h/sub_skip.sh ok 2 never ran # SKIP harness: no such thing here" <<<"$OUT"

run lockdep_off.sh
result lockdep_off.sh 0 "ok 1 $h/lockdep_off.sh" "lockdep turning itself off is no failure by itself"
ktap_check "lockdep turning itself off is reported" \
	grep -q "^# lockdep-off $h/lockdep_off.sh: turning off the locking correctness validator" <<<"$OUT"

run clean_pass.sh
result clean_pass.sh 0 "ok 1 $h/clean_pass.sh" "a clean test passes"
ktap_check "no subtest-skip or lockdep-off line for a clean test" \
	test -z "$(grep -E '^# (subtest-skip|lockdep-off) ' <<<"$OUT")"

# The helpers' tagged lines are in the log now; this runner's own scan
# (E1KX_SCAN_INJECTED unset) must skip them, and only them.
ktap_check "an untagged scan skips the helpers' tagged lines" \
	test -z "$(dmesg_report)"
ktap_check "a tagged-line scan sees them" \
	test -n "$(E1KX_SCAN_INJECTED=1 dmesg_report)"

# Last: it clears the kernel log.
run clear_log.sh
result clear_log.sh 1 "not ok 1 $h/clear_log.sh # kernel report in dmesg: WARNING: .* injected by clear_log.sh.*" \
	"a WARNING fails the test even if the test clears the log"

# ktap_finish (lib.sh) on its own: no results, fewer or more than planned,
# a failure, all skipped, all passed.
finish_rc() { # finish_rc PLAN NOK NSKIP NFAIL: exit status of ktap_finish
	local plan=$1 i
	(
		_ktap_n=0 _ktap_passed=0 _ktap_failed=0 _ktap_skipped=0 _ktap_plan=
		[ "$plan" = - ] || ktap_plan "$plan"
		for ((i = 0; i < $2; i++)); do ktap_ok "a$i"; done
		for ((i = 0; i < $3; i++)); do ktap_skip "s$i" "why"; done
		for ((i = 0; i < $4; i++)); do ktap_fail "f$i"; done
		ktap_finish
	) >/dev/null
}
st() { local rc=0; "$@" || rc=$?; echo "$rc"; }
ktap_check "ktap_finish: no results and no plan fails" test "$(st finish_rc - 0 0 0)" = 1
ktap_check "ktap_finish: plan 2, no results fails" test "$(st finish_rc 2 0 0 0)" = 1
ktap_check "ktap_finish: plan 3, 2 results fails" test "$(st finish_rc 3 2 0 0)" = 1
ktap_check "ktap_finish: plan 1, 2 results fails" test "$(st finish_rc 1 2 0 0)" = 1
ktap_check "ktap_finish: a failed result fails" test "$(st finish_rc 2 1 0 1)" = 1
ktap_check "ktap_finish: all skipped is a skip (4)" test "$(st finish_rc 2 0 2 0)" = 4
ktap_check "ktap_finish: all planned results, passes and skips, pass" \
	test "$(st finish_rc 3 2 1 0)" = 0

# kernel_reports (lib.sh) on its own: an allocation failure's stack dump
# is no report, a report inside that dump still is one.
dump=$'x: page allocation failure: order:0, mode:0x820\nCPU: 0 PID: 1\nCall Trace:\n <TASK>\n dump_stack_lvl+0x1\n </TASK>'
ktap_check "kernel_reports: an allocation failure's dump is no report" \
	test -z "$(kernel_reports <<<"$dump")"
got=$(printf '%s\n' "${dump% </TASK>}" "INFO: task kworker/0:1:12 blocked for more than 120 seconds." | kernel_reports)
ktap_check "kernel_reports: a report inside that dump is one (${got:-none})" \
	grep -q "INFO: task" <<<"$got"
# runner_verdict (lib.sh) on its own: kernel log records lost before the
# reader saw them fail a test that passed, as kmsg_capture reports them.
vd=$(mktemp -d)
printf '1..1\nok 1 x\n' >"$vd/out"
printf '%s\n' "e1kx: eth0 link up" "e1kx-runner: 3 kernel log records lost" >"$vd/klog"
set +e
got=$(runner_verdict 1 lost.sh 0 "$vd/out" 60 "$vd/klog")
rc=$?
set -e
ktap_check "lost kernel log records fail a passing test (rc $rc)" \
	grep -q "^not ok 1 lost.sh # kernel report in dmesg: kernel log overflowed.*3 kernel log records lost" <<<"$got"
printf '%s\n' "e1kx: eth0 link up" >"$vd/klog"
ktap_check "without lost records the same test passes" \
	grep -qx "ok 1 lost.sh" <<<"$(runner_verdict 1 lost.sh 0 "$vd/out" 60 "$vd/klog")"
rm -rf "$vd"
# ktap_e1kx_gap: what e1kx should do and does not is a failure for e1kx
gap_out=$(E1KX_DRIVER=e1kx ktap_e1kx_gap "x" "y")
ktap_check "ktap_e1kx_gap fails under e1kx" grep -q "^not ok .* x" <<<"$gap_out"

# No test hides its kernel log or ends processes it did not start.
bad=$(grep -lE 'dmesg +(-[a-zA-Z]*[cC]|--clear|--read-clear)|pkill|killall' \
	"$E1KX_TESTS_DIR"/*.sh | grep -v '/harness_dmesg\.sh$' || true)
ktap_check "no test clears the kernel log or kills by name (${bad:-none})" \
	test -z "$bad"

# kselftest conventions: settings holds the longest test timeout, and
# TEST_FILES ships every helper the runner's self-test uses.
tmo=$(sed -n 's/^timeout=//p' "$E1KX_TESTS_DIR/settings" 2>/dev/null)
max=$(sed -n 's/^# e1kx-timeout:[[:space:]]*//p' "$E1KX_TESTS_DIR"/*.sh | sort -n | tail -n1)
ktap_check "settings: timeout=${tmo:-none}, the longest test's ($max)" test "${tmo:-0}" = "$max"
missing=
for f in "$E1KX_TESTS_DIR"/harness/*.sh; do
	grep -q "harness/${f##*/}" "$E1KX_TESTS_DIR/Makefile" || missing+=" ${f##*/}"
done
ktap_check "TEST_FILES lists every harness helper (missing:${missing:- none})" test -z "$missing"

ktap_finish
