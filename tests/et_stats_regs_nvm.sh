#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ethtool -S, -S --groups, -d, -e/-E.
#  - -S lists the per-queue, driver and hardware counters; 60 pings move
#    the per-queue packet counters, the hardware counters (rx/tx_packets_hw,
#    rx_bytes_hw) and the standard groups (eth-mac FramesReceivedOK /
#    FramesTransmittedOK, rmon 65..127 bucket); hardware counters are
#    clear-on-read in the device but never go backwards in ethtool -S; the
#    error counters stay 0.
#  - -d: the dump is 61 u32 (raw and hex agree), the ETHTOOL_GREGS version
#    stamp is 1<<24 | rev<<16 | 0x10d3, and the values are the live state
#    (RAL0/RAH0 = MAC with AV, STATUS.LU, RCTL.EN, TCTL.EN, RDLEN0).
#  - -e: 128 bytes, first 6 = MAC, words 0..0x3F sum to 0xBABA.  -E writes
#    a byte (read back) and fixes the checksum word; a write to the
#    checksum word itself is kept as written (sum no longer 0xBABA) until
#    restored; a wrong magic and an out-of-range offset are refused and
#    leave the NVM unchanged.
#
# e1kx-topology: nics=1 wiring=tap append=
# e1kx-timeout: 240
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=lib_net.sh
source "$(dirname "$0")/lib_net.sh"
# shellcheck source=lib_et.sh
source "$(dirname "$0")/lib_et.sh"

MAGIC=0x10d38086
ktap_plan 35
unload_e1kx
et_setup || ktap_bail "cannot set up NIC 0 / peer unreachable"

# --- -S -------------------------------------------------------------------
names=$(ethtool -S "$IF" | awk -F: 'NR > 1 {gsub(/^[ \t]+/, "", $1); print $1}')
miss=
for q in 0 1; do
	for n in packets bytes restarts drops; do
		grep -qx "tx_queue_${q}_$n" <<<"$names" || miss+="tx_queue_${q}_$n "
	done
	for n in packets bytes drops errors length_errors csum_err alloc_fail; do
		grep -qx "rx_queue_${q}_$n" <<<"$names" || miss+="rx_queue_${q}_$n "
	done
done
for n in tx_timeouts resets link_changes rx_crc_errors rx_packets_hw tx_packets_hw rx_bytes_hw tx_bytes_hw; do
	grep -qx "$n" <<<"$names" || miss+="$n "
done
ktap_check "-S lists per-queue, driver and hardware counters${miss:+ (missing: $miss)}" test -z "$miss"

S() { ethtool_stat "$IF" "$1"; }
G() { ethtool -S "$IF" --groups eth-mac eth-ctrl rmon 2>/dev/null | awk -F: -v k="$1" '$1 == k {gsub(/ /, "", $2); print $2; exit}'; }
qsum() { echo $(($(S "$1_queue_0_packets") + $(S "$1_queue_1_packets"))); }
grp=$(ethtool -S "$IF" --groups eth-mac eth-ctrl rmon 2>&1)
ktap_check "--groups eth-mac eth-ctrl rmon works" \
	sh -c "grep -q eth-mac-FramesReceivedOK <<'E'
$grp
E
grep -q eth-ctrl-MACControlFramesReceived <<'E'
$grp
E
grep -q rx-rmon-etherStatsPkts65to127Octets <<'E'
$grp
E"

rq0=$(qsum rx) tq0=$(qsum tx) rh0=$(S rx_packets_hw) th0=$(S tx_packets_hw) rb0=$(S rx_bytes_hw)
fr0=$(G eth-mac-FramesReceivedOK) ft0=$(G eth-mac-FramesTransmittedOK) r650=$(G rx-rmon-etherStatsPkts65to127Octets)
sr0=$(if_stat "$IF" rx_packets)
ping -c 60 -i 0.05 -W 2 "$P4" >/dev/null 2>&1
ktap_check "60 pings answered" test $? -eq 0
rq=$(($(qsum rx) - rq0)) tq=$(($(qsum tx) - tq0))
rh=$(($(S rx_packets_hw) - rh0)) th=$(($(S tx_packets_hw) - th0)) rb=$(($(S rx_bytes_hw) - rb0))
fr=$(($(G eth-mac-FramesReceivedOK) - fr0)) ft=$(($(G eth-mac-FramesTransmittedOK) - ft0))
r65=$(($(G rx-rmon-etherStatsPkts65to127Octets) - r650)) sr=$(($(if_stat "$IF" rx_packets) - sr0))
echo "# deltas: rx_queue_* $rq tx_queue_* $tq rx_packets_hw $rh tx_packets_hw $th rx_bytes_hw $rb"
echo "#         FramesReceivedOK $fr FramesTransmittedOK $ft rx 65..127 $r65 sysfs rx_packets $sr"
ktap_check "rx_queue_*_packets grew by >= 60 ($rq)" test $rq -ge 60
ktap_check "tx_queue_*_packets grew by >= 60 ($tq)" test $tq -ge 60
# (read a few ms apart: background ND/ARP may add a frame or two)
ktap_check "rx_queue_* packets ~ sysfs rx_packets delta ($rq / $sr, within 3)" \
	test $((rq - sr)) -le 3 -a $((sr - rq)) -le 3
ktap_check "rx_packets_hw grew by >= 60 ($rh)" test $rh -ge 60
ktap_check "tx_packets_hw grew by >= 60 ($th)" test $th -ge 60
ktap_check "rx_bytes_hw grew by >= 60 * 98 ($rb)" test $rb -ge $((60 * 98))
ktap_check "eth-mac-FramesReceivedOK grew by >= 60 ($fr)" test $fr -ge 60
ktap_check "eth-mac-FramesTransmittedOK grew by >= 60 ($ft)" test $ft -ge 60
ktap_check "rmon rx 65..127 octets grew by >= 60 ($r65)" test $r65 -ge 60
a=$(S rx_packets_hw)
b=$(S rx_packets_hw)
ktap_check "hardware counters never go backwards (clear-on-read accumulated: $a -> $b)" test "$b" -ge "$a" -a "$a" -ge 60
errs=$(ethtool -S "$IF" | awk -F: '$1 ~ /(crc_errors|_errors$|tx_timeouts|alloc_fail|length_errors)/ && $2 + 0 != 0 {printf "%s=%s ", $1, $2}')
ktap_check "error counters are 0${errs:+ ($errs)}" test -z "$errs"

# --- -d -------------------------------------------------------------------
raw=$(ethtool -d "$IF" raw on | od -An -v -tx1 | wc -w)
hex=$(ethtool -d "$IF" | awk '/^0x/ {n += NF - 1} END {print n + 0}')
ktap_check "-d raw on: 264 bytes (got $raw), hex dump the same ($hex)" test "$raw/$hex" = 264/264
ver=$(python3 - "$IF" <<'PY'
import ctypes, fcntl, socket, struct, sys
buf = ctypes.create_string_buffer(12 + 4096)
struct.pack_into("III", buf, 0, 0x4, 0, 4096)           # ETHTOOL_GREGS
ifr = struct.pack("16sP", sys.argv[1].encode(), ctypes.addressof(buf))
fcntl.ioctl(socket.socket(), 0x8946, ifr)                 # SIOCETHTOOL
_, ver, ln = struct.unpack_from("III", buf)
print("%#010x %d" % (ver, ln))
PY
)
rev=$(cat "/sys/bus/pci/devices/$(nic_bdf 0)/revision")
want=$(printf '%#010x 264' $(((1 << 24) | (rev << 16) | 0x10d3)))
ktap_check "GREGS version stamp/len: $ver (want $want)" test "$ver" = "$want"
et_regs
mac=$(cat "/sys/class/net/$IF/address")
IFS=: read -r m0 m1 m2 m3 m4 m5 <<<"$mac"
ral=$((0x$m3$m2$m1$m0)) rah=$((0x$m5$m4 | 1 << 31))
ktap_check "RAL0/RAH0 = $mac with AV" test "${ET_REG[RAL0]}/$((ET_REG[RAH0] & 0x8000ffff))" = "$ral/$rah"
ktap_check "STATUS.LU, RCTL.EN, TCTL.EN set" \
	test $(((ET_REG[STATUS] >> 1) & 1))$(((ET_REG[RCTL] >> 1) & 1))$(((ET_REG[TCTL] >> 1) & 1)) = 111
ktap_check "RDLEN0 = rx ring * 16 ($((ET_REG[RDLEN0])))" test "${ET_REG[RDLEN0]}" -eq $(($(et_ring rx) * 16))

# --- -e / -E --------------------------------------------------------------
nvm() { ethtool -e "$IF" raw on 2>/dev/null | od -An -v -tu1 | tr -s ' \n' ' '; }
nvm_byte() { local -a b; read -r -a b <<<"$(nvm)"; echo "${b[$1]}"; }
nvm_sum() {
	local -a b
	local i s=0
	read -r -a b <<<"$(nvm)"
	for ((i = 0; i < 128; i += 2)); do s=$((s + b[i] + (b[i + 1] << 8))); done
	printf '%#06x' $((s & 0xffff))
}
n0=$(nvm)
read -r -a b <<<"$n0"
ktap_check "-e: 128 bytes (got ${#b[@]})" test "${#b[@]}" -eq 128
ktap_check "-e: first 6 bytes = MAC $mac" \
	test "$(printf '%02x:%02x:%02x:%02x:%02x:%02x' "${b[@]:0:6}")" = "$mac"
ktap_check "-e: checksum sum = 0xbaba ($(nvm_sum))" test "$(nvm_sum)" = 0xbaba
ck0=$(printf '%#x' "${b[0x7e]}")

orig=$(printf '%#x' "$(nvm_byte 0x70)")
new=$(printf '%#x' $(((orig ^ 0x5a) & 0xff)))
ethtool -E "$IF" magic $MAGIC offset 0x70 value "$new"
ktap_check "-E offset 0x70 value $new accepted" test $? -eq 0
ktap_check "offset 0x70 reads back $new" test "$(printf '%#x' "$(nvm_byte 0x70)")" = "$new"
ktap_check "checksum word fixed: sum 0xbaba ($(nvm_sum))" test "$(nvm_sum)" = 0xbaba
ktap_check "checksum byte 0x7e changed ($ck0 -> $(printf '%#x' "$(nvm_byte 0x7e)"))" \
	test "$(printf '%#x' "$(nvm_byte 0x7e)")" != "$ck0"
ethtool -E "$IF" magic $MAGIC offset 0x70 value "$orig"
ktap_check "restore offset 0x70: NVM identical to the original" test "$(nvm)" = "$n0"

bad=$(printf '%#x' $(((ck0 + 1) & 0xff)))
ethtool -E "$IF" magic $MAGIC offset 0x7e value "$bad"
ktap_check "-E checksum byte 0x7e = $bad kept as written" test "$(printf '%#x' "$(nvm_byte 0x7e)")" = "$bad"
ktap_check "checksum write: sum no longer 0xbaba ($(nvm_sum))" test "$(nvm_sum)" != 0xbaba
ethtool -E "$IF" magic $MAGIC offset 0x7e value "$ck0"
ktap_check "restore 0x7e: NVM identical to the original" test "$(nvm)" = "$n0"

et_refused "-E with a wrong magic refused" ethtool -E "$IF" magic 0x12345678 offset 0x70 value "$new"
ktap_check "wrong magic: NVM unchanged" test "$(nvm)" = "$n0"
et_refused "-E offset 0x80 (past the end) refused" ethtool -E "$IF" magic $MAGIC offset 0x80 value 1
ktap_check "offset 0x80: NVM unchanged" test "$(nvm)" = "$n0"
et_check_ping "ping after the NVM writes"

unload_e1kx
ktap_finish
