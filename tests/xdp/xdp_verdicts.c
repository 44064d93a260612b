// SPDX-License-Identifier: GPL-2.0
/*
 * XDP program for dp_xdp.sh: the verdict follows the UDP destination port
 * of an IPv4 frame; everything else passes.
 *
 *   5706  XDP_ABORTED
 *   5707  XDP_TX: sent back with addresses and ports swapped
 *   5708  XDP_REDIRECT to the receiving interface (ndo_xdp_xmit), swapped
 *   5709  XDP_DROP
 *
 * Swapping keeps both checksums valid: they are sums over the same words.
 */
#include "udp4.h"
#include <bpf/bpf_helpers.h>

#define PORT_ABORT	5706
#define PORT_TX		5707
#define PORT_REDIRECT	5708
#define PORT_DROP	5709

static __always_inline void swap_addrs(struct ethhdr *eth, struct iphdr *ip,
				       struct udphdr *udp)
{
	unsigned char mac[ETH_ALEN];
	__be32 addr = ip->saddr;
	__be16 port = udp->source;

	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	udp->source = udp->dest;
	udp->dest = port;
}

SEC("xdp")
int xdp_verdicts(struct xdp_md *ctx)
{
	struct ethhdr *eth;
	struct udphdr *udp;
	struct iphdr *ip;

	udp = udp4_hdr(ctx, &eth, &ip);
	if (!udp)
		return XDP_PASS;

	switch (bpf_ntohs(udp->dest)) {
	case PORT_ABORT:
		return XDP_ABORTED;
	case PORT_TX:
		swap_addrs(eth, ip, udp);
		return XDP_TX;
	case PORT_REDIRECT:
		swap_addrs(eth, ip, udp);
		return bpf_redirect(ctx->ingress_ifindex, 0);
	case PORT_DROP:
		return XDP_DROP;
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
