/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one frame shape the test XDP programs act on: Ethernet, IPv4 without
 * options, UDP. Everything else passes to the stack.
 */
#ifndef E1KX_TEST_UDP4_H
#define E1KX_TEST_UDP4_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>

/* The UDP header of an Ethernet/IPv4/UDP frame (null if it is none); sets *ethp, *ipp */
static __always_inline struct udphdr *udp4_hdr(struct xdp_md *ctx,
					       struct ethhdr **ethp,
					       struct iphdr **ipp)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct udphdr *udp;
	struct iphdr *ip;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return 0;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP)
		return 0;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return 0;
	*ethp = eth;
	*ipp = ip;
	return udp;
}

#endif
