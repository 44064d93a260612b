#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Data integrity: E1KX_INTEGRITY_MB (default 256) MiB of pseudo-random data
# over TCP in each direction arrive with the same sha256; UDP datagrams of
# every payload size 1..1472 are echoed back intact in both directions.
# (256 MiB: ~95 s guest -> peer, ~60 s peer -> guest under TCG; the whole
# test ~210 s.)
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 1200
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

MB=${E1KX_INTEGRITY_MB:-256}
N=$((MB * 1024 * 1024))
ktap_plan 5
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
trap net_cleanup EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"
ktap_ok "$NET_IF up, peer reachable"

t0=$SECONDS
if xfer_to_peer "$P4" 5001 "$N" 300; then
	ktap_ok "TCP $MB MiB guest -> peer: sha256 equal ($((SECONDS - t0)) s)"
else
	ktap_fail "TCP $MB MiB guest -> peer: sha256 equal" "mismatch or incomplete after $((SECONDS - t0)) s"
fi
t0=$SECONDS
if xfer_from_peer "$G4" 5002 "$N" 300; then
	ktap_ok "TCP $MB MiB peer -> guest: sha256 equal ($((SECONDS - t0)) s)"
else
	ktap_fail "TCP $MB MiB peer -> guest: sha256 equal" "mismatch or incomplete after $((SECONDS - t0)) s"
fi

# UDP: every size 1..1472 echoed (retried up to 5 times if lost).
# listening CMD PORT: wait (15 s at most) until a UDP socket is bound to PORT
listening() {
	"$1" "t=0; while [ \$t -lt 75 ]; do ss -Hlun 'sport = :$2' | grep -q . && exit 0; sleep 0.2; t=\$((t + 1)); done; exit 1"
}
on_guest() { sh -c "$1"; }
peer_bg echo5003 "python3 $NETTOOL udp-echo 5003 --bind $P4 --idle 30"
listening peer 5003 || echo "# peer echo server not listening after 15 s"
t0=$SECONDS
res=$(timeout 150 python3 "$NETTOOL" udp-sizes "$P4" 5003 2>&1)
rc=$?
echo "$res" | tail -n5 | sed 's/^/# /'
if [ $rc -eq 0 ]; then
	ktap_ok "UDP sizes 1..1472 guest -> peer -> guest intact ($((SECONDS - t0)) s)"
else
	ktap_fail "UDP sizes 1..1472 guest -> peer -> guest intact" "$(echo "$res" | tail -n1)"
fi
python3 "$NETTOOL" udp-echo 5004 --bind "$G4" --idle 30 >/dev/null &
epid=$!
listening on_guest 5004 || echo "# guest echo server not listening after 15 s"
t0=$SECONDS
res=$(e1kx-ctl peer --timeout 150 -- "python3 $NETTOOL udp-sizes $G4 5004" 2>&1)
rc=$?
echo "$res" | tail -n5 | sed 's/^/# /'
if [ $rc -eq 0 ]; then
	ktap_ok "UDP sizes 1..1472 peer -> guest -> peer intact ($((SECONDS - t0)) s)"
else
	ktap_fail "UDP sizes 1..1472 peer -> guest -> peer intact" "$(echo "$res" | tail -n1)"
fi
kill "$epid" 2>/dev/null

unload_e1kx
ktap_finish
