# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Kernel fault injection for the e1kx fi_*.sh kselftests (sourced after
# lib.sh).  Needs CONFIG_FAULT_INJECTION (/proc/<pid>/fail-nth),
# CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC and CONFIG_FAULT_INJECTION_DEBUG_FS:
# the debug kernel (make check KERNEL=debug) has them, Debian's does not.
#
#   fi_available       0 if usable; else prints why not (for ktap_skip_all)
#   fi_enable          failslab and fail_page_alloc: GFP_KERNEL, GFP_ATOMIC
#                      and order-0 allocations count for fail-nth; nothing
#                      fails on its own (probability 0, task filter on);
#                      one notice line per injected fault, no stack dump
#                      (a stack dump would read as a kernel report)
#   fi_restore         the kernel's defaults again
#   fi_sweep DESC OP ARGS...  run tests/tools/fi_nth.py OP ARGS (output
#                      indented), then one result: ok if no step left an
#                      unclean state and at least one fault fired;
#                      sets FI_SUMMARY to its summary line
#
#   fi_dma_debug_note  a diagnostic line if an injected failure hit
#                      dma-debug's own bookkeeping, which then switches
#                      DMA-API debugging off for the rest of the boot
#
# E1KX_FI_MAX: how many allocations of one operation are failed in turn at
# most (default 400; fi_probe: 1000).
#
# The fi_* tests share a guest of their own (topology append=
# e1kx.isolate=fi): failed allocations inside the kernel's ACPI and
# dma-debug code damage state the rest of the suite should not inherit.
# That guest boots with acpi=noirq: pci_enable_device() in the probe sweep
# would otherwise evaluate the ACPI _PRT method, and Linux 6.1's ACPI
# interpreter has a use-after-free after a failed allocation there (KASAN
# in acpi_ns_get_attached_object, seen on the debug kernel); e1kx uses
# MSI-X, legacy IRQ routing does not matter to it.

FI_DBG=/sys/kernel/debug
FI_TOOL="$E1KX_TESTS_DIR/tools/fi_nth.py"
FI_MAX=${E1KX_FI_MAX:-400}
FI_SUMMARY=

fi_available() {
	[ -d "$FI_DBG/failslab" ] || mount -t debugfs none "$FI_DBG" 2>/dev/null
	if [ ! -e /proc/self/fail-nth ]; then
		echo "kernel without fault injection (CONFIG_FAULT_INJECTION: no /proc/self/fail-nth)"
		return 1
	fi
	if [ ! -d "$FI_DBG/failslab" ] || [ ! -d "$FI_DBG/fail_page_alloc" ]; then
		echo "kernel without CONFIG_FAILSLAB/CONFIG_FAIL_PAGE_ALLOC/CONFIG_FAULT_INJECTION_DEBUG_FS"
		return 1
	fi
}

_fi_set() { # _fi_set ATTR KNOB VALUE
	echo "$3" >"$FI_DBG/$1/$2"
}

fi_enable() {
	local a
	for a in failslab fail_page_alloc; do
		_fi_set $a probability 0
		_fi_set $a task-filter Y
		_fi_set $a interval 1
		_fi_set $a times -1
		_fi_set $a space 0
		_fi_set $a verbose 1
		_fi_set $a ignore-gfp-wait N
	done
	_fi_set fail_page_alloc ignore-gfp-highmem N
	_fi_set fail_page_alloc min-order 0
}

fi_restore() {
	local a
	for a in failslab fail_page_alloc; do
		[ -d "$FI_DBG/$a" ] || continue
		_fi_set $a probability 0
		_fi_set $a task-filter N
		_fi_set $a verbose 2
		_fi_set $a ignore-gfp-wait Y
	done 2>/dev/null
	_fi_set fail_page_alloc ignore-gfp-highmem Y 2>/dev/null
	_fi_set fail_page_alloc min-order 1 2>/dev/null
	return 0
}

fi_sweep() {
	local desc=$1 out rc
	shift
	out=$(mktemp)
	# Streamed: a sweep that runs into the timeout still shows its steps.
	python3 "$FI_TOOL" "$@" --max "$FI_MAX" 2>&1 | tee "$out" | sed -u 's/^/#   /'
	rc=${PIPESTATUS[0]}
	FI_SUMMARY=$(grep '^summary:' "$out" | tail -n1)
	rm -f "$out"
	if [ "$rc" -ne 0 ] || [ -z "$FI_SUMMARY" ]; then
		ktap_fail "$desc" "${FI_SUMMARY:-fi_nth.py exit $rc}"
	elif grep -q ' failed=0 absorbed=0 ' <<<"$FI_SUMMARY"; then
		ktap_fail "$desc" "no fault fired: $FI_SUMMARY"
	else
		ktap_ok "$desc (${FI_SUMMARY#summary: })"
	fi
}

fi_dma_debug_note() {
	local l
	l=$(dmesg | grep -E -m1 'dma-debug disabled|DMA-API: debugging out of memory')
	[ -n "$l" ] || return 0
	echo "# note: an injected failure hit dma-debug itself: $l"
	echo "# note: DMA-API checks after that point in this boot did not run"
}
