# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the e1kx kselftests (sourced; bash).  They run inside an
# e1kx-vm guest, which exports E1KX_NICS, E1KX_WIRING, E1KX_MACS, E1KX_CTL.
#
# TAP:      ktap_plan N, ktap_ok DESC, ktap_fail DESC [REASON],
#           ktap_skip DESC REASON, ktap_check DESC CMD..., ktap_bail REASON,
#           ktap_skip_all REASON, ktap_finish,
#           ktap_e1kx_gap DESC REASON (fail for e1kx, skip for another driver)
# Driver:   e1kx_ko, load_e1kx, unload_e1kx, driver_loaded, debugfs_ready
# NICs:     nic_mac K, nic_bdf K, nic_if K, nic_by_mac MAC, nic_driver BDF,
#           e1kx_bdfs
# Link:     wait_carrier IF [SECS], wait_no_carrier IF [SECS]
# Log:      kmsg_mark [TEXT] (prints a unique marker after writing it to
#           the kernel log), dmesg_since MARK, dmesg_report [MARK]
#           (E1KX_TEST_MARK: the marker written when this file was sourced)
# Runner:   kmsg_capture FILE START STOP, kernel_reports, tap_count FILE,
#           runner_verdict N NAME RC OUTFILE TMO KLOG, runner_kmemleak N TMPFILE
# Host:     ctl ARGS... (e1kx-ctl), peer CMD... (shell command on the host)
#
# E1KX_DRIVER selects the driver under test (default e1kx; "e1000e" lets the
# tests be developed against the in-tree driver).

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

E1KX_TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E1KX_REPO=${E1KX_REPO:-$(dirname "$E1KX_TESTS_DIR")}
E1KX_DRIVER=${E1KX_DRIVER:-e1kx}
E1KX_NICS=${E1KX_NICS:-0}
E1KX_MACS=${E1KX_MACS:-}
export PATH="$E1KX_REPO/scripts:$PATH"

# Intel 82574L PCI IDs bound by e1kx.
E1KX_PCI_IDS="8086:10d3 8086:10f6"

_ktap_n=0
_ktap_failed=0
_ktap_passed=0
_ktap_skipped=0
_ktap_plan=

ktap_plan() {
	_ktap_plan=$1
	echo "TAP version 13"
	echo "1..$1"
}

ktap_ok() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_passed=$((_ktap_passed + 1))
	echo "ok $_ktap_n $1"
}

# ktap_fail DESC [REASON]
ktap_fail() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_failed=$((_ktap_failed + 1))
	echo "not ok $_ktap_n $1${2:+ # $2}"
}

# ktap_skip DESC REASON
ktap_skip() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_skipped=$((_ktap_skipped + 1))
	echo "ok $_ktap_n $1 # SKIP $2"
}

# ktap_check DESC CMD...: ok if CMD succeeds.
ktap_check() {
	local desc=$1
	shift
	if "$@"; then
		ktap_ok "$desc"
	else
		ktap_fail "$desc" "failed: $*"
	fi
}

# ktap_status DESC [REASON]: ok if the command just before it succeeded.
ktap_status() {
	local rc=$?
	if [ "$rc" = 0 ]; then
		ktap_ok "$1"
	else
		ktap_fail "$1" "${2:-}"
	fi
}

ktap_bail() {
	echo "Bail out! $*"
	exit $KSFT_FAIL
}

# ktap_e1kx_gap DESC REASON: a feature the driver under test lacks.  e1kx
# must have it (a failure); another driver (E1KX_DRIVER=e1000e) may not (a
# skip).
ktap_e1kx_gap() {
	if [ "$E1KX_DRIVER" = e1kx ]; then
		ktap_fail "$1" "$2"
	else
		ktap_skip "$1" "$E1KX_DRIVER: $2"
	fi
}

# ktap_skip_all REASON: the environment cannot run this test at all.  Once
# a plan is out, the planned results still to come are skipped instead (one
# TAP header per test).
ktap_skip_all() {
	if [ -z "$_ktap_plan" ]; then
		echo "TAP version 13"
		echo "1..0 # SKIP $*"
		exit $KSFT_SKIP
	fi
	while [ "$_ktap_n" -lt "$_ktap_plan" ]; do
		ktap_skip "not run" "$*"
	done
	ktap_finish
}

# Summary and kselftest exit status: 1 on any failure or if fewer or more
# results than planned (or none) were reported, 4 if all skipped.
ktap_finish() {
	echo "# totals: pass:$_ktap_passed fail:$_ktap_failed skip:$_ktap_skipped"
	if [ -n "$_ktap_plan" ] && [ "$_ktap_n" -ne "$_ktap_plan" ]; then
		echo "# $_ktap_n results reported, $_ktap_plan planned"
		exit $KSFT_FAIL
	elif [ "$_ktap_n" -eq 0 ]; then
		echo "# no results reported"
		exit $KSFT_FAIL
	elif [ "$_ktap_failed" -gt 0 ]; then
		exit $KSFT_FAIL
	elif [ "$_ktap_passed" -eq 0 ] && [ "$_ktap_skipped" -gt 0 ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}

# --- driver ---------------------------------------------------------------

e1kx_ko() {
	echo "${E1KX_KO:-$E1KX_REPO/e1kx.ko}"
}

driver_loaded() {
	[ -d "/sys/module/${1:-$E1KX_DRIVER}" ]
}

# PCI addresses of every 82574L in the system, sorted.  (Shell builtins
# only: every exec costs ~60 ms in a TCG guest with a 9p root.)
e1kx_bdfs() {
	local d v id
	for d in /sys/bus/pci/devices/*; do
		read -r v <"$d/vendor"
		read -r id <"$d/device"
		case " $E1KX_PCI_IDS " in
		*" ${v#0x}:${id#0x} "*) echo "${d##*/}" ;;
		esac
	done
}

# Wait until every 82574L has a netdev (probe may be asynchronous).
wait_netdevs() {
	local secs=${1:-5} i bdf missing
	local -a nets
	for ((i = 0; i < secs * 10; i++)); do
		missing=0
		for bdf in $(e1kx_bdfs); do
			nets=("/sys/bus/pci/devices/$bdf/net/"*)
			[ -e "${nets[0]}" ] || missing=1
		done
		[ "$missing" -eq 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# Load the driver under test (e1kx from e1kx_ko; unloads e1000e first).
load_e1kx() {
	if [ "$E1KX_DRIVER" = e1kx ]; then
		if driver_loaded e1000e; then
			rmmod e1000e || return 1
		fi
		if ! driver_loaded e1kx; then
			local ko
			ko=$(e1kx_ko)
			if [ ! -f "$ko" ]; then
				echo "# load_e1kx: $ko not found (run make)" >&2
				return 1
			fi
			insmod "$ko" || return 1
		fi
	else
		modprobe "$E1KX_DRIVER" || return 1
	fi
	wait_netdevs 5
}

unload_e1kx() {
	if driver_loaded "$E1KX_DRIVER"; then
		rmmod "$E1KX_DRIVER"
	fi
}

# debugfs_ready: debugfs is mounted at /sys/kernel/debug (mounts it if
# needed); false if this kernel has none.
debugfs_ready() {
	mountpoint -q /sys/kernel/debug ||
		mount -t debugfs none /sys/kernel/debug 2>/dev/null
	mountpoint -q /sys/kernel/debug
}

# --- NICs -----------------------------------------------------------------

# MAC address QEMU gave guest NIC K.
nic_mac() {
	local -a macs
	read -r -a macs <<<"$E1KX_MACS"
	[ "$1" -lt "${#macs[@]}" ] || return 1
	echo "${macs[$1]}"
}

# Physical slot number of the PCIe port at sysfs path $1 (from the Slot
# Capabilities register of its PCI Express capability), empty if none.
_pcie_slot_nr() {
	local -a b
	local ptr off
	mapfile -t b < <(od -An -v -tu1 -w1 -N256 "$1/config")
	[ "${#b[@]}" -ge 64 ] || return 0
	ptr=${b[0x34]}
	while [ "$ptr" -ne 0 ] && [ "$ptr" -lt 252 ]; do
		if [ "${b[ptr]}" -eq 16 ]; then
			off=$((ptr + 0x14))
			echo $(((b[off + 1] >> 3) | (b[off + 2] << 5) | (b[off + 3] << 13)))
			return 0
		fi
		ptr=${b[ptr + 1]}
	done
}

# PCI address of guest NIC K: e1kx-vm puts NIC K behind the root port with
# physical slot number K+1.
# The mapping is computed once per shell (E1KX_BDF_MAP: "slot=bdf ...").
nic_bdf() {
	local k=$1 bdf parent m
	if [ -z "${E1KX_BDF_MAP:-}" ]; then
		for bdf in $(e1kx_bdfs); do
			parent=$(cd -P "/sys/bus/pci/devices/$bdf/.." && pwd)
			E1KX_BDF_MAP+="$(_pcie_slot_nr "$parent")=$bdf "
		done
	fi
	for m in $E1KX_BDF_MAP; do
		if [ "${m%%=*}" = "$((k + 1))" ]; then
			echo "${m#*=}"
			return 0
		fi
	done
	# Fallback (other machines): the K-th 82574L in PCI address order.
	local -a bdfs
	mapfile -t bdfs < <(e1kx_bdfs)
	[ "$k" -lt "${#bdfs[@]}" ] || return 1
	echo "${bdfs[$k]}"
}

# Netdev of guest NIC K (through its PCI device).
nic_if() {
	local bdf
	bdf=$(nic_bdf "$1") || return 1
	local n
	for n in "/sys/bus/pci/devices/$bdf/net/"*; do
		[ -e "$n" ] || return 1
		echo "${n##*/}"
		return 0
	done
}

# Netdev (with a parent device) whose MAC address is MAC.
nic_by_mac() {
	local d
	local want=${1,,} addr
	for d in /sys/class/net/*; do
		[ -e "$d/device" ] || continue
		read -r addr <"$d/address"
		if [ "$addr" = "$want" ]; then
			echo "${d##*/}"
			return 0
		fi
	done
	return 1
}

# Driver bound to PCI device BDF (empty if none).
nic_driver() {
	local l=/sys/bus/pci/devices/$1/driver
	if [ -e "$l" ]; then
		l=$(cd -P "$l" && pwd)
		echo "${l##*/}"
	fi
	return 0
}

# --- link -----------------------------------------------------------------

_carrier_is() {
	local c=
	read -r c <"/sys/class/net/$1/carrier" 2>/dev/null || true
	[ "$c" = "$2" ]
}

# wait_carrier IF [SECS]: wait until IF has carrier (default 10 s).
wait_carrier() {
	local i
	for ((i = 0; i < ${2:-10} * 10; i++)); do
		_carrier_is "$1" 1 && return 0
		sleep 0.1
	done
	return 1
}

# wait_no_carrier IF [SECS]: wait until IF has lost carrier (default 5 s).
wait_no_carrier() {
	local i
	for ((i = 0; i < ${2:-5} * 10; i++)); do
		_carrier_is "$1" 1 || return 0
		sleep 0.1
	done
	return 1
}

# --- kernel reports -------------------------------------------------------

# Lines of real kernel reports (matched after the timestamp is stripped).
# Boot banners that merely mention lockdep, KASAN or DMA-API do not match
# (KASAN reports start "BUG: KASAN:").
# ref_tracker (NET_DEV_REFCNT_TRACKER) reports leaks without a WARNING.
E1KX_REPORT_RE='^[[:space:]]*(WARNING:|BUG:|Oops|UBSAN:|Call Trace:|general protection fault|unreferenced object|kernel BUG|Kernel panic|INFO: task .* blocked|DMA-API: [^ ]+ [^ ]+: )|possible circular locking|possible recursive locking|suspicious RCU usage|inconsistent lock state|bad unlock balance|possible irq lock inversion|held lock freed|^leaked reference\.|^reference already released|unregister_netdevice: waiting for'

# TX watchdog timeouts: on Linux 6.1 a netdev_crit line, not a WARNING.
E1KX_TX_TIMEOUT_RE='NETDEV WATCHDOG|transmit queue [0-9]+ timed out'

# Lockdep switching itself off: no lock checking after that point.
E1KX_LOCKDEP_OFF_RE='debug_locks off|turning off the locking correctness validator'

# Kernel log lines written by the runner's self-test (tests/harness/) carry
# this tag.  Only a runner told to (E1KX_SCAN_INJECTED=1, as harness_dmesg
# runs its nested runner) treats them as kernel output; any other scan
# skips them, so the self-test's own fake reports fail nothing else.
E1KX_INJECTED_TAG=e1kx-harness-injected

# kmsg_mark [TEXT]: write a line unique to this call to the kernel log and
# print it (empty and status 1 if /dev/kmsg is not writable).
kmsg_mark() {
	local m="e1kx-mark: ${1:-mark} $$.$RANDOM.${EPOCHREALTIME:-$SECONDS}"
	echo "<6>$m" 2>/dev/null >/dev/kmsg || return 1
	echo "$m"
}

# dmesg_since MARK: the kernel log after the line MARK (a kmsg_mark
# output), without timestamps.  If MARK is empty or no longer in the log
# (overwritten), the whole log, after a line saying so: a window that
# cannot be found is never an empty one.
dmesg_since() {
	dmesg --notime 2>/dev/null | awk -v m="$1" '
		f { print; next }
		m != "" && $0 == m { f = 1; next }
		{ a[n++] = $0 }
		END {
			if (f)
				exit
			print "e1kx: marker \"" m "\" not in the kernel log, whole log follows"
			for (i = 0; i < n; i++)
				print a[i]
		}'
}

# kernel_reports: the first kernel report line on stdin (kernel log lines
# without timestamps), empty if none.  The stack dumps the kernel prints
# for an allocation that merely failed ("page allocation failure:
# order:N", and "sysctl could not get directory" when a netdev's sysctl
# table cannot be registered) are not reports: the fault-injection tests
# cause them on purpose.  The dump after such a line is skipped (up to its
# "</TASK>", at most 80 lines, and never past a line that starts a report:
# any line E1KX_REPORT_RE matches but the dump's own "Call Trace:").
kernel_reports() {
	local inj=$E1KX_INJECTED_TAG
	[ "${E1KX_SCAN_INJECTED:-0}" = 1 ] && inj=
	E1KX_RE=$E1KX_REPORT_RE awk -v inj="$inj" '
		inj != "" && index($0, inj) { next }
		/page allocation failure: order:|sysctl could not get directory/ {
			skip = 80; next
		}
		skip > 0 && ($0 !~ ENVIRON["E1KX_RE"] || /Call Trace:/) {
			skip--
			if ($0 ~ /<\/TASK>/)
				skip = 0
			next
		}
		{ skip = 0; print }' | grep -E -m1 "$E1KX_REPORT_RE" || true
}

# kernel_tx_timeouts: the first TX watchdog timeout line on stdin.
kernel_tx_timeouts() {
	local inj=$E1KX_INJECTED_TAG
	[ "${E1KX_SCAN_INJECTED:-0}" = 1 ] && inj=
	awk -v inj="$inj" '!(inj != "" && index($0, inj))' |
		grep -E -m1 "$E1KX_TX_TIMEOUT_RE" || true
}

# dmesg_report [MARK]: the first kernel report line since MARK (default:
# since this test sourced lib.sh), empty if none.
dmesg_report() {
	dmesg_since "${1-$E1KX_TEST_MARK}" | kernel_reports
}

# kmsg_capture START STOP: copy the kernel log records from the one whose
# text is START up to the one whose text is STOP to stdout (text only, one
# line per record line).  Reads /dev/kmsg, so it sees every record even if
# the ring buffer wraps later; records overwritten before they were read
# are reported with a line "e1kx-runner: N kernel log records lost".
kmsg_capture() {
	perl -e '
		my ($start, $stop) = @ARGV;
		open(my $k, "<", "/dev/kmsg") or die "/dev/kmsg: $!\n";
		$| = 1;
		my $on = 0;
		my $lost = 0;
		while (1) {
			my $n = sysread($k, my $rec, 16384);
			if (!defined $n) {
				die "/dev/kmsg: $!\n" unless $!{EPIPE};
				$lost++;
				$on = 1;
				next;
			}
			last if $n == 0;
			my (undef, $msg) = split(/;/, $rec, 2);
			next unless defined $msg;
			$msg =~ s/\n.*//s;	# the record dictionary, if any
			$msg =~ s/\\x([0-9a-f]{2})/chr(hex($1))/ge;
			if (!$on) {
				$on = 1 if $msg eq $start;
				next;
			}
			last if $msg eq $stop;
			print "$msg\n";
		}
		print "e1kx-runner: $lost kernel log records lost\n" if $lost;
		exit($on ? 0 : 1);
	' "$1" "$2"
}

# kmemleak_check: scan twice (objects must be older than 5 s to be
# reported), print every unreferenced object allocated by e1kx, and a last
# line saying what was found.  Fails if there is any such object or if
# kmemleak is not available.
#
# kmemleak stores raw return addresses and names them only when the report
# is read: once a module is unloaded (the tests end with rmmod e1kx) its
# frames print as bare addresses ("[<...>] 0xffffffffc0338042") and no
# longer say "e1kx".  So an object counts as ours if a backtrace frame
# names e1kx, or is a bare address in the module area (0xffffffffc...
# upwards on x86_64: code of a module that has been unloaded since; e1kx is
# the only module the tests load and unload besides in-tree ones).  Boot
# leftovers of the kernel itself never match either.
kmemleak_check() {
	local f=/sys/kernel/debug/kmemleak report all ours
	if [ ! -w "$f" ]; then
		echo "kmemleak not available ($f)"
		return 1
	fi
	sleep 5
	if ! { echo scan >"$f" && echo scan >"$f"; }; then
		echo "kmemleak scan failed (disabled after an error? see dmesg)"
		return 1
	fi
	report=$(cat "$f")
	all=$(grep -c '^unreferenced object' <<<"$report" || true)
	# One record per object, from "unreferenced object" to the next one;
	# keep those with an e1kx frame (or an unloaded module's) in their
	# backtrace.
	ours=$(awk '/^unreferenced object/ { if (hit) printf "%s", rec; rec = ""; hit = 0; bt = 0 }
		{ rec = rec $0 "\n" }
		/^ *backtrace:/ { bt = 1 }
		bt && /e1kx/ { hit = 1 }
		bt && /\] 0xffffffff[c-f][0-9a-f]+$/ { hit = 1 }
		END { if (hit) printf "%s", rec }' <<<"$report")
	if [ -n "$ours" ]; then
		printf '%s\n' "$ours"
		echo "$(grep -c '^unreferenced object' <<<"$ours") e1kx object(s) leaked ($all unreferenced in all)"
		return 1
	fi
	echo "no e1kx leaks ($all unreferenced objects in all, none from e1kx)"
}

# tap_count OUTFILE: "PLAN LAST" of a test's own TAP output: its plan
# ("1..PLAN", -1 if none) and the number of its last result (0 if none).
tap_count() {
	awk 'plan == "" && /^1\.\.[0-9]+/ { split($1, p, "\\.\\."); plan = p[2] }
		/^(not )?ok [0-9]+( |$)/ { last = ($1 == "ok") ? $2 : $3 }
		END { print (plan == "" ? -1 : plan), last + 0 }' "$1"
}

# runner_verdict N NAME RC OUTFILE TMO [KLOG]: the TAP line for test NAME
# (number N) that exited with RC, its output in OUTFILE, its kernel log in
# KLOG (default: the log since E1KX_RUNNER_MARK).  A kernel report, or a TX
# watchdog timeout the test does not declare ("# e1kx-expect: tx-timeout"),
# fails it and dumps its log; so do lost log records, fewer or more results
# than planned, or none.  4 is a skip (reason from its "# SKIP" line),
# 124/137 a timeout.  Before the result line: "# subtest-skip NAME ..." for
# each skipped result of a test that ran, and "# lockdep-off NAME: LINE" if
# lockdep turned itself off.  Returns 1 if the test failed.
runner_verdict() {
	local n=$1 name=$2 rc=$3 out=$4 tmo=${5:-} klog=${6:-} report reason
	local kl plan last expect
	kl=$(mktemp)
	if [ -n "$klog" ]; then
		cat "$klog"
	else
		dmesg_since "${E1KX_RUNNER_MARK:-}"
	fi | if [ "${E1KX_SCAN_INJECTED:-0}" = 1 ]; then
		cat
	else
		grep -vF "$E1KX_INJECTED_TAG"
	fi >"$kl"
	expect=$(sed -n 's/^# e1kx-expect:[[:space:]]*//p' "$E1KX_TESTS_DIR/$name" 2>/dev/null)
	report=$(kernel_reports <"$kl")
	if [ -z "$report" ] && [[ " $expect " != *" tx-timeout "* ]]; then
		report=$(kernel_tx_timeouts <"$kl")
		[ -z "$report" ] || report="TX watchdog timeout: $report"
	fi
	if [ -z "$report" ]; then
		report=$(grep -m1 '^e1kx-runner: .*kernel log records lost' "$kl" || true)
		[ -z "$report" ] || report="kernel log overflowed, not all of it scanned: $report"
	fi
	reason=$(grep -E -m1 "$E1KX_LOCKDEP_OFF_RE" "$kl" || true)
	[ -z "$reason" ] || echo "# lockdep-off $name: $reason"
	read -r plan last < <(tap_count "$out")
	if [ "$rc" -ne 4 ]; then
		grep -E '^ok [0-9]+ .* # SKIP' "$out" | sed "s|^|# subtest-skip $name |"
	fi
	if [ -n "$report" ]; then
		echo "not ok $n $name # kernel report in dmesg: $report"
		echo "# ----- kernel log of $name -----"
		sed 's/^/# /' "$kl"
		rm -f "$kl"
		return 1
	fi
	rm -f "$kl"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "not ok $n $name # TIMEOUT ${tmo:+${tmo}s}"
		return 1
	elif [ "$rc" -eq 4 ]; then
		reason=$(grep -o '# SKIP.*' "$out" | tail -n1 | sed 's/^# SKIP *//')
		echo "ok $n $name # SKIP ${reason:-skipped}"
	elif [ "$rc" -ne 0 ]; then
		echo "not ok $n $name # exit=$rc"
		return 1
	elif [ "$plan" -lt 0 ]; then
		echo "not ok $n $name # no TAP plan"
		return 1
	elif [ "$last" -eq 0 ]; then
		echo "not ok $n $name # no results"
		return 1
	elif [ "$last" -ne "$plan" ]; then
		echo "not ok $n $name # $last results reported, $plan planned"
		return 1
	else
		echo "ok $n $name"
	fi
}

# runner_kmemleak N TMPFILE: result N "kmemleak" (see kmemleak_check).
runner_kmemleak() {
	if kmemleak_check >"$2" 2>&1; then
		sed 's/^/# /' "$2"
		echo "ok $1 kmemleak"
	else
		sed 's/^/# /' "$2"
		echo "not ok $1 kmemleak # $(tail -n1 "$2")"
		return 1
	fi
}

# --- host side ------------------------------------------------------------

ctl() {
	e1kx-ctl "$@"
}

# peer CMD...: run a shell command in the host netns (the NICs' peer side).
peer() {
	e1kx-ctl peer -- "$*"
}

# The start of this test's window of the kernel log (see dmesg_since).
E1KX_TEST_MARK=$(kmsg_mark "${0##*/} start") || E1KX_TEST_MARK=
