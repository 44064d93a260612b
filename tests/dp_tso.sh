#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TSO: a bulk TCP send guest -> peer (E1KX_TSO_MB, default 48 MiB) over IPv4
# and IPv6 arrives intact (sha256), and with TSO on the NIC hands far fewer
# frames to the wire than bytes/MSS (QEMU passes each TSO frame to the vnet_hdr
# tap as one GSO packet: the host tap's rx_packets counts wire handoffs).
# With "ethtool -K tso off" that count and the driver's tx_packets must be
# ~bytes/MSS.  With TSO on the driver's tx_packets is only printed: drivers
# may count wire segments or TSO super-frames.
# Headers longer than the 82574's 8-bit TSO header length (an IPv6
# Destination Options header makes them 286 bytes) are segmented in
# software: 8 MiB arrive intact as ~bytes/MSS wire frames with TSO still on.
# (The core already keeps TSO6 off for extension headers on a device with
# NETIF_F_IPV6_CSUM; e1kx_features_check() guards every other sender.)
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 900
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

MB=${E1KX_TSO_MB:-48}
N=$((MB * 1024 * 1024))
ktap_plan 11
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
trap 'ethtool -K "$NET_IF" tso on >/dev/null 2>&1; net_cleanup' EXIT
wait_ping "$P4" 30 && wait_ping "$P6" 30 || ktap_bail "peer unreachable"
ktap_ok "$NET_IF up, peer reachable over IPv4 and IPv6"

port=5100
for fam in 4 6; do
	if [ $fam = 4 ]; then addr=$P4 mss=1448; else addr=$P6 mss=1428; fi
	segs=$((N / mss))
	for tso in on off; do
		port=$((port + 1))
		d="IPv$fam tso $tso"
		ethtool -K "$NET_IF" tso $tso >/dev/null 2>&1
		st=$(feature_state "$NET_IF" tcp-segmentation-offload)
		if [ "${st%% *}" != $tso ]; then
			ktap_e1kx_gap "$d: $MB MiB intact" "cannot set tso $tso (state: ${st:-unknown})"
			ktap_e1kx_gap "$d: frame count" "cannot set tso $tso (state: ${st:-unknown})"
			continue
		fi
		sleep 1
		r0=$(peer_stat "$PEER_IF" rx_packets)
		t0=$(if_stat "$NET_IF" tx_packets)
		s0=$SECONDS
		if xfer_to_peer "$addr" $port "$N" 600; then
			ktap_ok "$d: $MB MiB guest -> peer intact ($((SECONDS - s0)) s)"
		else
			ktap_fail "$d: $MB MiB guest -> peer intact" "sha256 mismatch/incomplete"
		fi
		r=$(($(peer_stat "$PEER_IF" rx_packets) - r0))
		t=$(($(if_stat "$NET_IF" tx_packets) - t0))
		echo "# $d: bytes/MSS=$segs host tap rx_packets delta=$r guest tx_packets delta=$t"
		if [ $tso = on ]; then
			if [ "$r" -gt 0 ] && [ "$r" -lt $((segs / 3)) ]; then
				ktap_ok "$d: wire frames $r << bytes/MSS $segs (TSO used)"
			else
				ktap_fail "$d: wire frames << bytes/MSS" "wire frames $r, bytes/MSS $segs"
			fi
		else
			# Without TSO every frame is one packet for the driver too.
			if [ "$r" -ge $((segs * 95 / 100)) ] && [ "$r" -le $((segs * 12 / 10 + 500)) ] &&
				[ "$t" -ge $((segs * 95 / 100)) ] && [ "$t" -le $((segs * 12 / 10 + 500)) ]; then
				ktap_ok "$d: wire frames $r, driver tx_packets $t ~ bytes/MSS $segs"
			else
				ktap_fail "$d: wire frames and driver tx_packets ~ bytes/MSS" "wire frames $r, tx_packets $t, bytes/MSS $segs"
			fi
		fi
	done
done
ethtool -K "$NET_IF" tso on >/dev/null 2>&1

# 14 (Ethernet) + 40 (IPv6) + 200 (Destination Options) + 32 (TCP with
# timestamps) = 286 header bytes: more than a TSO context can describe.
n=$((8 * 1024 * 1024)) mss=$((1428 - 200))
segs=$((n / mss))
d="IPv6 tso on, 286-byte headers"
sleep 1
r0=$(peer_stat "$PEER_IF" rx_packets)
if xfer_to_peer "$P6" 5111 $n 300 --dstopts 200; then
	ktap_ok "$d: 8 MiB guest -> peer intact"
else
	ktap_fail "$d: 8 MiB guest -> peer intact" "sha256 mismatch/incomplete"
fi
r=$(($(peer_stat "$PEER_IF" rx_packets) - r0))
echo "# $d: bytes/MSS=$segs host tap rx_packets delta=$r"
if [ "$r" -ge $((segs * 95 / 100)) ] && [ "$r" -le $((segs * 12 / 10 + 500)) ]; then
	ktap_ok "$d: software GSO, wire frames $r ~ bytes/MSS $segs"
else
	ktap_fail "$d: software GSO, wire frames ~ bytes/MSS" "wire frames $r, bytes/MSS $segs"
fi

unload_e1kx
ktap_finish
