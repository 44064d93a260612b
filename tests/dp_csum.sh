#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checksum offload: TCP transfers both ways are identical with rx/tx checksum
# offload on and off.  With RX checksumming on and off, UDP frames with a bad
# L4 checksum (crafted on the host tap with AF_PACKET) are not delivered to a
# guest UDP socket and raise Udp InCsumErrors (or the driver's csum_err
# counters); good ones are delivered.  A bad TCP segment to a closed port is
# dropped (Tcp InCsumErrors, no RST); a good one is answered with an RST.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 600
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"

MB=${E1KX_CSUM_MB:-16}
N=$((MB * 1024 * 1024))
CNT=20
ktap_plan 13
unload_e1kx
net_tap_setup 0 || ktap_bail "cannot set up NIC 0 (driver $E1KX_DRIVER)"
peer_tmp_init || ktap_bail "no host temp dir"
trap 'ethtool -K "$NET_IF" rx on tx on >/dev/null 2>&1; net_cleanup' EXIT
wait_ping "$P4" 30 || ktap_bail "peer $P4 unreachable"
ktap_ok "$NET_IF up, peer reachable"
gmac=$(cat "/sys/class/net/$NET_IF/address")
pmac=$(peer "cat /sys/class/net/$PEER_IF/address")

# Sum of the driver's checksum-error counters (per-queue and others).
csum_err_sum() {
	ethtool -S "$NET_IF" 2>/dev/null |
		awk -F: 'tolower($1) ~ /csum.*err|checksum.*err/ {s += $2} END {print s + 0}'
}

port=5200
for st in on off; do
	ethtool -K "$NET_IF" rx $st tx $st >/dev/null 2>&1
	rs=$(feature_state "$NET_IF" rx-checksumming)
	ts=$(feature_state "$NET_IF" tx-checksumming)
	echo "# rx-checksumming: $rs, tx-checksumming: $ts"
	sleep 1
	wait_ping "$P4" 30 >/dev/null
	port=$((port + 1))
	if [ "${rs%% *}" != "$st" ] || [ "${ts%% *}" != "$st" ]; then
		ktap_e1kx_gap "csum $st: TCP guest -> peer intact" "cannot set rx/tx $st"
		ktap_e1kx_gap "csum $st: TCP peer -> guest intact" "cannot set rx/tx $st"
	else
		ktap_check "csum $st: TCP $MB MiB guest -> peer intact" \
			xfer_to_peer "$P4" $port "$N" 300
		port=$((port + 1))
		ktap_check "csum $st: TCP $MB MiB peer -> guest intact" \
			xfer_from_peer "$G4" $port "$N" 300
	fi

	# UDP with a bad, then a good, checksum to a listening guest socket.
	for kind in bad good; do
		port=$((port + 1))
		out=$(mktemp)
		python3 "$NETTOOL" udp-count $port --bind "$G4" --idle 60 --until END --ready "$out.ready" >"$out" &
		pid=$!
		for ((i = 0; i < 50; i++)); do [ -e "$out.ready" ] && break; sleep 0.1; done
		u0=$(snmp_get Udp InCsumErrors)
		c0=$(csum_err_sum)
		flag=; [ $kind = bad ] && flag=--bad-csum
		# CNT test frames, then one good "END" datagram that stops the
		# receiver (frames on one link arrive in order).
		raw="python3 $NETTOOL raw-send $PEER_IF --dst-mac $gmac --src-mac $pmac --src-ip $P4 --dst-ip $G4 --dport $port"
		peer "$raw --count $CNT $flag && $raw --payload END" >/dev/null
		guest_wait_pid $pid 70
		wait $pid || echo "# receiver: end marker missing (exit $?)"
		got=$(cat "$out")
		rm -f "$out" "$out.ready"
		du=$(($(snmp_get Udp InCsumErrors) - u0))
		dc=$(($(csum_err_sum) - c0))
		echo "# rx $st, $kind UDP csum: delivered=$got Udp InCsumErrors +$du driver csum_err +$dc"
		if [ $kind = bad ]; then
			if [ "$got" = 0 ] && { [ $du -ge $CNT ] || [ $dc -ge $CNT ]; }; then
				ktap_ok "rx $st: $CNT bad-csum UDP not delivered, counted as csum errors"
			else
				ktap_fail "rx $st: bad-csum UDP not delivered, counted" "delivered=$got InCsumErrors+$du csum_err+$dc"
			fi
		else
			if [ "$got" = $CNT ] && [ $du -eq 0 ]; then
				ktap_ok "rx $st: $CNT good UDP delivered"
			else
				ktap_fail "rx $st: $CNT good UDP delivered" "delivered=$got InCsumErrors+$du"
			fi
		fi
	done

	# TCP segments to a closed port: answered by RST only if accepted.
	for kind in bad good; do
		port=$((port + 1))
		r0=$(snmp_get Tcp OutRsts)
		e0=$(snmp_get Tcp InCsumErrors)
		flag=; [ $kind = bad ] && flag=--bad-csum
		peer "python3 $NETTOOL raw-send $PEER_IF --proto tcp --dst-mac $gmac --src-mac $pmac --src-ip $P4 --dst-ip $G4 --dport $port --count $CNT --gap 0.05 $flag" >/dev/null
		sleep 2
		dr=$(($(snmp_get Tcp OutRsts) - r0))
		de=$(($(snmp_get Tcp InCsumErrors) - e0))
		echo "# rx $st, $kind TCP csum: Tcp OutRsts +$dr InCsumErrors +$de"
		if [ $kind = bad ]; then
			if [ $dr -lt $((CNT / 2)) ] && [ $de -ge $CNT ]; then
				ktap_ok "rx $st: $CNT bad-csum TCP segments dropped (InCsumErrors +$de)"
			else
				ktap_fail "rx $st: bad-csum TCP segments dropped" "OutRsts +$dr InCsumErrors +$de"
			fi
		else
			if [ $dr -ge $((CNT / 2)) ] && [ $de -eq 0 ]; then
				ktap_ok "rx $st: good TCP segments accepted (RSTs +$dr)"
			else
				ktap_fail "rx $st: good TCP segments accepted" "OutRsts +$dr InCsumErrors +$de"
			fi
		fi
	done
done
ethtool -K "$NET_IF" rx on tx on >/dev/null 2>&1

unload_e1kx
ktap_finish
