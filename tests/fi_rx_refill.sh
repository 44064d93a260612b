#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RX buffer allocation failures during traffic: with debugfs fault_inject
# bit 3 (E1KX_FAULT_RX_ALLOC) every RX page allocation of the driver fails
# while the peer floods pings at the guest.  The failures are counted in
# rx_queue_N_alloc_fail (ethtool -S), not in rx_dropped (a failed
# allocation drops no frame: the ring just runs short), the ring drains
# (pings go unanswered), nothing crashes; once the bit is cleared the
# ring refills by itself (the watchdog polls a starved ring) and traffic
# flows again (a 2000-ping flood: at least 99% answered, no new
# alloc_fail), also after a down/up.  Works on every kernel (a driver
# knob, not the kernel's fault injection).
#
# E1KX_FI_RX_SECS: how long allocations fail under traffic (default 5).
#
# e1kx-topology: nics=1 wiring=tap append=e1kx.isolate=fi acpi=noirq
# e1kx-timeout: 180
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_et.sh
source "$(dirname "$0")/lib_et.sh"

SECS=${E1KX_FI_RX_SECS:-5}
unload_e1kx
et_setup || ktap_bail "cannot set up NIC 0 / peer unreachable"
# A ring of known size, whatever the default: the flood below must use up
# every posted buffer within E1KX_FI_RX_SECS, also on a slow debug kernel.
ethtool -G "$IF" rx 256 && wait_ping "$P4" 30 ||
	ktap_bail "cannot set the RX ring to 256"
FAULT=$(et_fault_file)
if [ -z "$FAULT" ]; then
	debugfs_ready || ktap_skip_all "kernel without debugfs"
	[ "$E1KX_DRIVER" = e1kx ] || ktap_skip_all "$E1KX_DRIVER has no e1kx fault_inject file"
	ktap_bail "no /sys/kernel/debug/e1kx/<bdf>/fault_inject"
fi
trap '[ -e "$FAULT" ] && echo 0 >"$FAULT"' EXIT
ktap_plan 8

# alloc_fail_sum: rx_queue_N_alloc_fail summed over the queues.
alloc_fail_sum() {
	ethtool -S "$IF" | awk '$1 ~ /^rx_queue_[0-9]+_alloc_fail:$/ {s += $2} END {print s + 0}'
}

et_check_ping "ping before the fault"
af0=$(alloc_fail_sum)
drop0=$(if_stat "$IF" rx_dropped)

echo 8 >"$FAULT"
# A flood from the peer: every received frame uses up a posted buffer.
out=$(e1kx-ctl peer --timeout $((SECS + 30)) -- \
	"ping -f -w $SECS -s 1000 $G4" 2>&1)
echo "$out" | grep -E 'packets transmitted' | sed 's/^/# /'
af1=$(alloc_fail_sum)
drop1=$(if_stat "$IF" rx_dropped)
echo "# rx_queue_*_alloc_fail $af0 -> $af1, rx_dropped $drop0 -> $drop1"
if [ "$af1" -gt "$af0" ]; then
	ktap_ok "rx_queue_N_alloc_fail counts the failed allocations ($af0 -> $af1)"
else
	ktap_fail "rx_queue_N_alloc_fail counts the failed allocations" "$af0 -> $af1"
fi
if [ "$drop1" -eq "$drop0" ]; then
	ktap_ok "rx_dropped does not count them ($drop0 -> $drop1)"
else
	ktap_fail "rx_dropped does not count them" "$drop0 -> $drop1"
fi
# Every buffer used up while allocation fails: the ring runs dry.
if ! ping -c 3 -i 0.3 -W 1 "$P4" >/dev/null 2>&1; then
	ktap_ok "with allocations failing the ring runs dry (no ping reply)"
else
	ktap_fail "with allocations failing the ring runs dry" "pings still answered"
fi
if [ -n "$(ip -o link show dev "$IF" up)" ]; then
	ktap_ok "interface still up while starved"
else
	ktap_fail "interface still up while starved"
fi

echo 0 >"$FAULT"
# The watchdog (every 2 s) polls the starved ring, which refills.
if wait_ping "$P4" 20 && ping -c 5 -i 0.2 -W 2 "$P4" >/dev/null 2>&1; then
	ktap_ok "fault cleared: the ring refills and traffic flows"
else
	ktap_fail "fault cleared: the ring refills and traffic flows" "no ping reply within 20 s"
fi
af2=$(alloc_fail_sum)
out=$(e1kx-ctl peer --timeout 90 -- "ping -f -c 2000 -s 1000 $G4" 2>&1)
echo "$out" | grep -E 'packets transmitted' | sed 's/^/# /'
rcvd=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out")
af3=$(alloc_fail_sum)
# A flood may lose a packet or two at the host's tap on a slow guest; a
# ring that did not refill loses nearly all of them.
if [ "${rcvd:-0}" -ge 1980 ] && [ "$af3" -eq "$af2" ]; then
	ktap_ok "after refill: 2000-ping flood from the peer, $rcvd answered, no new alloc_fail"
else
	ktap_fail "after refill: 2000-ping flood from the peer" "answered ${rcvd:-0}/2000 (>= 1980 wanted), alloc_fail $af2 -> $af3"
fi
ip link set "$IF" down
ip link set "$IF" up
wait_carrier "$IF" 15
et_check_ping "after down/up: ping" 5
unload_e1kx
ktap_finish
