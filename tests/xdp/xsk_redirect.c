// SPDX-License-Identifier: GPL-2.0
/*
 * XDP program for tests/xsk/xsk_test.c (dp_xsk.sh): IPv4 UDP datagrams to
 * ports 5800-5809 go to the AF_XDP socket of the queue they arrived on,
 * if one is in the map; those to ports 5810-5819 go back out of the port
 * they came in on (XDP_TX, Ethernet addresses swapped); everything else
 * (ARP, other traffic) passes.
 */
#include "udp4.h"
#include <bpf/bpf_helpers.h>

#define PORT_FIRST	5800
#define PORT_END	5810
#define TX_PORT_END	5820

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

SEC("xdp")
int xsk_redirect(struct xdp_md *ctx)
{
	struct ethhdr *eth;
	struct udphdr *udp;
	struct iphdr *ip;
	__u16 port;

	udp = udp4_hdr(ctx, &eth, &ip);
	if (!udp)
		return XDP_PASS;
	port = bpf_ntohs(udp->dest);
	if (port < PORT_FIRST || port >= TX_PORT_END)
		return XDP_PASS;
	if (port >= PORT_END) {
		unsigned char mac[ETH_ALEN];

		__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
		__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
		__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
		return XDP_TX;
	}
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
