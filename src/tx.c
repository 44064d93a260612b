// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: transmit rings.
 *
 * One context descriptor per queue holds the checksum/TSO setup; it is
 * re-sent only when the setup changes (always for TSO, whose payload length
 * lives in it). Data descriptors follow; only the last one of a packet asks
 * for a status write-back (RS), and completion is detected from that DD bit,
 * never from TDH. Both the sender (at the end of each xmit batch) and the
 * vector's NAPI reclaim, each under the queue's TX lock.
 */
#include <linux/dma-mapping.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/ip6_checksum.h>

#include "e1kx.h"

static struct netdev_queue *e1kx_txq(const struct e1kx_tx_ring *ring)
{
	return netdev_get_tx_queue(ring->netdev, ring->qid);
}

/* Descriptors a packet needs, counting buffers split at E1KX_TX_MAX_BUF */
static unsigned int e1kx_tx_count_desc(const struct sk_buff *skb)
{
	const struct skb_shared_info *sh = skb_shinfo(skb);
	unsigned int n = DIV_ROUND_UP(skb_headlen(skb), E1KX_TX_MAX_BUF);
	unsigned int f;

	for (f = 0; f < sh->nr_frags; f++)
		n += DIV_ROUND_UP(skb_frag_size(&sh->frags[f]), E1KX_TX_MAX_BUF);
	return n;
}

netdev_features_t e1kx_features_check(struct sk_buff *skb,
				      struct net_device *netdev,
				      netdev_features_t features)
{
	unsigned int bound = skb_shinfo(skb)->nr_frags + 1 +
			     skb->len / E1KX_TX_MAX_BUF;

	/* Too many buffers for one packet: let the stack linearize it */
	if (unlikely(bound > E1KX_TX_MAX_PKT_DESC) &&
	    e1kx_tx_count_desc(skb) > E1KX_TX_MAX_PKT_DESC)
		features &= ~NETIF_F_SG;

	/* Context offsets and the TSO header length are 8 bits wide */
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    skb_checksum_start_offset(skb) + skb->csum_offset > U8_MAX)
		features &= ~(NETIF_F_CSUM_MASK | NETIF_F_GSO_MASK);
	else if ((skb_shinfo(skb)->gso_type &
		  (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)) &&
		 skb_tcp_all_headers(skb) > U8_MAX)
		features &= ~NETIF_F_GSO_MASK;

	return vlan_features_check(skb, features);
}

static int e1kx_tx_tso_ctx(struct sk_buff *skb, struct e1kx_tx_ctx *ctx,
			   u32 *popts)
{
	unsigned int l3 = skb_network_offset(skb);
	unsigned int l4 = skb_transport_offset(skb);
	unsigned int hdr_len = skb_tcp_all_headers(skb);
	int err;

	if (hdr_len > U8_MAX)
		return -EINVAL;
	err = skb_cow_head(skb, 0);
	if (err)
		return err;

	ctx->cmd_len = E1KX_TXD_CMD_DEXT | E1KX_TXD_CMD_TSE | E1KX_TXC_CMD_TCP |
		       FIELD_PREP(E1KX_TXC_PAYLEN, skb->len - hdr_len);
	ctx->tu_setup = FIELD_PREP(E1KX_TXC_CSS, l4) |
			FIELD_PREP(E1KX_TXC_CSO,
				   l4 + offsetof(struct tcphdr, check));
	ctx->seg_setup = FIELD_PREP(E1KX_TXC_HDRLEN, hdr_len) |
			 FIELD_PREP(E1KX_TXC_MSS, skb_shinfo(skb)->gso_size);
	*popts = E1KX_TXD_POPTS_TXSM;

	if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = 0;
		iph->check = 0;
		tcp_hdr(skb)->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr,
							 0, IPPROTO_TCP, 0);
		ctx->cmd_len |= E1KX_TXC_CMD_IP;
		ctx->ip_setup = FIELD_PREP(E1KX_TXC_CSS, l3) |
				FIELD_PREP(E1KX_TXC_CSO,
					   l3 + offsetof(struct iphdr, check)) |
				FIELD_PREP(E1KX_TXC_CSE, l4 - 1);
		*popts |= E1KX_TXD_POPTS_IXSM;
	} else {
		tcp_v6_gso_csum_prep(skb);
		ctx->ip_setup = FIELD_PREP(E1KX_TXC_CSS, l3);
	}
	return 0;
}

static void e1kx_tx_csum_ctx(struct sk_buff *skb, struct e1kx_tx_ctx *ctx,
			     u32 *popts)
{
	unsigned int css = skb_checksum_start_offset(skb);

	ctx->cmd_len = E1KX_TXD_CMD_DEXT;
	if (skb->csum_offset == offsetof(struct tcphdr, check))
		ctx->cmd_len |= E1KX_TXC_CMD_TCP;
	if (vlan_get_protocol(skb) == htons(ETH_P_IP))
		ctx->cmd_len |= E1KX_TXC_CMD_IP;
	ctx->ip_setup = FIELD_PREP(E1KX_TXC_CSS, skb_network_offset(skb));
	ctx->tu_setup = FIELD_PREP(E1KX_TXC_CSS, css) |
			FIELD_PREP(E1KX_TXC_CSO, css + skb->csum_offset);
	ctx->seg_setup = 0;
	*popts = E1KX_TXD_POPTS_TXSM;
}

/* Write a context descriptor at slot i; returns the next slot */
static u16 e1kx_tx_put_ctx(struct e1kx_tx_ring *ring, u16 i,
			   const struct e1kx_tx_ctx *ctx)
{
	struct e1kx_tx_ctx_desc *d = (struct e1kx_tx_ctx_desc *)&ring->desc[i];

	d->ip_setup = cpu_to_le32(ctx->ip_setup);
	d->tu_setup = cpu_to_le32(ctx->tu_setup);
	d->cmd_len = cpu_to_le32(ctx->cmd_len);
	d->seg_setup = cpu_to_le32(ctx->seg_setup);
	ring->buf[i].len = 0;
	return e1kx_tx_next(ring, i);
}

/*
 * Set up checksum/TSO offload. Writes a context descriptor at *i (and
 * advances it) unless the queue's current context already matches. Sets
 * the option bits for the data descriptors; returns a negative errno on
 * failure. Nothing is visible to the cleaner until e1kx_xmit() publishes.
 */
static int e1kx_tx_offload(struct e1kx_tx_ring *ring, struct sk_buff *skb,
			   u16 *i, u32 *dcmd, u32 *popts)
{
	struct e1kx_tx_ctx ctx;
	int err;

	*popts = 0;
	if (skb_is_gso(skb)) {
		err = e1kx_tx_tso_ctx(skb, &ctx, popts);
		if (err)
			return err;
		*dcmd |= E1KX_TXD_CMD_TSE;
		ring->ctx_valid = false;	/* payload length is per packet */
		*i = e1kx_tx_put_ctx(ring, *i, &ctx);
		return 0;
	}
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;

	e1kx_tx_csum_ctx(skb, &ctx, popts);
	if (ring->ctx_valid && !memcmp(&ctx, &ring->ctx, sizeof(ctx)))
		return 0;
	ring->ctx = ctx;
	ring->ctx_valid = true;
	*i = e1kx_tx_put_ctx(ring, *i, &ctx);
	return 0;
}

static void e1kx_tx_unmap(struct e1kx_tx_ring *ring, struct e1kx_tx_buf *buf)
{
	if (!buf->len)
		return;
	if (buf->is_page)
		dma_unmap_page(ring->dev, buf->dma, buf->len, DMA_TO_DEVICE);
	else
		dma_unmap_single(ring->dev, buf->dma, buf->len, DMA_TO_DEVICE);
	buf->len = 0;
}

/* Fill data descriptors for one mapped buffer, split at E1KX_TX_MAX_BUF */
static u16 e1kx_tx_put_buf(struct e1kx_tx_ring *ring, u16 i, dma_addr_t dma,
			   unsigned int len, u32 dcmd, u32 opts)
{
	for (;;) {
		unsigned int chunk = min_t(unsigned int, len, E1KX_TX_MAX_BUF);
		struct e1kx_tx_desc *d = &ring->desc[i];

		d->addr = cpu_to_le64(dma);
		d->cmd_len = cpu_to_le32(dcmd | FIELD_PREP(E1KX_TXD_LEN, chunk));
		d->status_opts = cpu_to_le32(opts);
		len -= chunk;
		if (!len)
			return i;
		dma += chunk;
		i = e1kx_tx_next(ring, i);
		ring->buf[i].len = 0;
	}
}

/* Map head and fragments from slot start; returns the last slot used */
static int e1kx_tx_map(struct e1kx_tx_ring *ring, struct sk_buff *skb,
		       u16 start, u32 dcmd, u32 opts)
{
	const struct skb_shared_info *sh = skb_shinfo(skb);
	unsigned int len = skb_headlen(skb);
	u16 i = start, last = start;
	struct e1kx_tx_buf *buf;
	const skb_frag_t *frag;
	dma_addr_t dma;
	unsigned int f;

	dma = dma_map_single(ring->dev, skb->data, len, DMA_TO_DEVICE);
	for (f = 0, frag = sh->frags;; f++, frag++) {
		if (dma_mapping_error(ring->dev, dma))
			goto err_unmap;
		buf = &ring->buf[i];
		buf->dma = dma;
		buf->len = len;
		buf->is_page = f > 0;
		last = e1kx_tx_put_buf(ring, i, dma, len, dcmd, opts);
		i = e1kx_tx_next(ring, last);
		if (f == sh->nr_frags)
			break;
		len = skb_frag_size(frag);
		dma = skb_frag_dma_map(ring->dev, frag, 0, len, DMA_TO_DEVICE);
	}
	ring->desc[last].cmd_len |= cpu_to_le32(E1KX_TXD_CMD_EOP |
						E1KX_TXD_CMD_RS);
	return last;

err_unmap:
	for (i = start; i != last; i = e1kx_tx_next(ring, i))
		e1kx_tx_unmap(ring, &ring->buf[i]);
	if (f)
		e1kx_tx_unmap(ring, &ring->buf[last]);
	return -ENOMEM;
}

/*
 * Count a dropped packet. Earlier packets of an xmit_more batch may still
 * wait for their doorbell: ring it when this was the batch's last packet.
 */
static void e1kx_tx_dropped(struct e1kx_tx_ring *ring)
{
	u64_stats_update_begin(&ring->stats.syncp);
	ring->stats.drops++;
	u64_stats_update_end(&ring->stats.syncp);
	if (!netdev_xmit_more())
		writel(ring->next_to_use, ring->tail);
}

/*
 * Stop the queue when a worst-case packet would not fit any more. The
 * helper looks again after stopping, in case a reclaim made room meanwhile
 * (its barrier pairs with the one in the wake below).
 */
static void e1kx_tx_maybe_stop(struct e1kx_tx_ring *ring)
{
	if (likely(netif_txq_maybe_stop(e1kx_txq(ring), e1kx_tx_unused(ring),
					E1KX_TX_DESC_NEEDED,
					E1KX_TX_DESC_NEEDED)))
		return;
	u64_stats_update_begin(&ring->stats.syncp);
	ring->stats.restarts++;
	u64_stats_update_end(&ring->stats.syncp);
}

static bool e1kx_tx_clean(struct e1kx_tx_ring *ring, int napi_budget);

netdev_tx_t e1kx_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	struct e1kx_tx_ring *ring = &priv->tx_ring[skb_get_queue_mapping(skb)];
	u32 dcmd = E1KX_TXD_CMD_DEXT | E1KX_TXD_CMD_IFCS |
		   FIELD_PREP(E1KX_TXD_DTYP, E1KX_TXD_DTYP_DATA);
	struct e1kx_tx_buf *fbuf;
	u16 first, i;
	u32 opts;
	int last;

	/*
	 * The last packet of a batch reclaims what the device has finished:
	 * the sender's skbs go back to the allocator a batch at a time, on
	 * the CPU that allocates the next ones, not a quarter ring at once
	 * from an interrupt (which empties whole slabs, so the sender's next
	 * allocations go back to the page allocator). Packets inside a batch
	 * skip it, to keep their own cost down; the batch's last packet
	 * catches up.
	 */
	if (!netdev_xmit_more())
		e1kx_tx_clean(ring, 0);
	first = ring->next_to_use;
	i = first;

	/* Never let the device pad a runt with stale memory */
	if (skb_put_padto(skb, ETH_ZLEN))
		goto dropped;

	if (e1kx_tx_offload(ring, skb, &i, &dcmd, &opts))
		goto drop;
	if (skb_vlan_tag_present(skb)) {
		dcmd |= E1KX_TXD_CMD_VLE;
		opts |= FIELD_PREP(E1KX_TXD_VLAN, skb_vlan_tag_get(skb));
	}

	last = e1kx_tx_map(ring, skb, i, dcmd, opts);
	if (last < 0) {
		ring->ctx_valid = false;
		goto drop;
	}

	fbuf = &ring->buf[first];
	fbuf->skb = skb;
	fbuf->type = E1KX_TX_BUF_SKB;
	fbuf->eop = last;
	fbuf->segs = 1;
	fbuf->bytes = skb->len;
	if (skb_is_gso(skb)) {
		/* Every segment after the first repeats the headers */
		fbuf->segs = skb_shinfo(skb)->gso_segs;
		fbuf->bytes += (fbuf->segs - 1) * skb_tcp_all_headers(skb);
	}
	skb_tx_timestamp(skb);

	/* Publish the slots before the cleaner may look at them */
	smp_wmb();
	WRITE_ONCE(ring->next_to_use, e1kx_tx_next(ring, last));

	e1kx_tx_maybe_stop(ring);
	if (__netdev_tx_sent_queue(e1kx_txq(ring), fbuf->bytes,
				   netdev_xmit_more()) &&
	    !e1kx_fault(priv, E1KX_FAULT_TX_STALL))
		writel(ring->next_to_use, ring->tail);
	return NETDEV_TX_OK;

drop:
	dev_kfree_skb_any(skb);
dropped:	/* skb_put_padto() frees the skb itself */
	e1kx_tx_dropped(ring);
	return NETDEV_TX_OK;
}

/*
 * Queue one XDP frame whose buffer is at dma (mapped by the caller for
 * ndo_xdp_xmit, the RX pool's mapping for XDP_TX); the caller holds the
 * queue's TX lock and rings the doorbell. The stack's room for one
 * worst-case packet stays free, so an awake queue never overflows.
 */
int e1kx_tx_xdp_frame(struct e1kx_tx_ring *ring, struct xdp_frame *xdpf,
		      dma_addr_t dma, enum e1kx_tx_buf_type type)
{
	u16 i = ring->next_to_use;
	struct e1kx_tx_buf *buf = &ring->buf[i];
	struct e1kx_tx_desc *d = &ring->desc[i];

	if (unlikely(e1kx_tx_unused(ring) <= E1KX_TX_DESC_NEEDED))
		return -ENOSPC;

	buf->xdpf = xdpf;
	buf->type = type;
	buf->dma = dma;
	buf->len = type == E1KX_TX_BUF_XDP_XMIT ? xdpf->len : 0;
	buf->is_page = false;
	buf->eop = i;
	buf->segs = 1;
	buf->bytes = xdpf->len;
	d->addr = cpu_to_le64(dma);
	d->cmd_len = cpu_to_le32(E1KX_TXD_CMD_DEXT | E1KX_TXD_CMD_IFCS |
				 FIELD_PREP(E1KX_TXD_DTYP, E1KX_TXD_DTYP_DATA) |
				 E1KX_TXD_CMD_EOP | E1KX_TXD_CMD_RS |
				 FIELD_PREP(E1KX_TXD_LEN, xdpf->len));
	d->status_opts = 0;

	/* Publish the slot before the cleaner may look at it */
	smp_wmb();
	WRITE_ONCE(ring->next_to_use, e1kx_tx_next(ring, i));
	netdev_tx_sent_queue(e1kx_txq(ring), xdpf->len);
	return 0;
}

/*
 * XDP_TX buffers go back to this pair's RX pool, whose NAPI context this
 * is unless the budget is 0 (the ring drained on the way down, in process
 * context: e1kx_tx_clean() leaves XDP buffers alone outside NAPI). A
 * socket's frames are the socket's: *xsk counts them for its completion
 * ring.
 */
static void e1kx_tx_free(struct e1kx_tx_buf *fbuf, int napi_budget, u32 *xsk)
{
	switch (fbuf->type) {
	case E1KX_TX_BUF_SKB:
		napi_consume_skb(fbuf->skb, napi_budget);
		break;
	case E1KX_TX_BUF_XDP_TX:
		if (napi_budget)
			xdp_return_frame_rx_napi(fbuf->xdpf);
		else
			xdp_return_frame(fbuf->xdpf);
		break;
	case E1KX_TX_BUF_XDP_XMIT:
		xdp_return_frame(fbuf->xdpf);
		break;
	case E1KX_TX_BUF_XSK:
		(*xsk)++;
		break;
	}
	fbuf->skb = NULL;
}

/* Release one completed packet: slots first..eop */
static u16 e1kx_tx_release(struct e1kx_tx_ring *ring, u16 first,
			   int napi_budget, u32 *xsk)
{
	struct e1kx_tx_buf *fbuf = &ring->buf[first];
	u16 eop = fbuf->eop, i = first;

	for (;;) {
		e1kx_tx_unmap(ring, &ring->buf[i]);
		if (i == eop)
			break;
		i = e1kx_tx_next(ring, i);
	}
	e1kx_tx_free(fbuf, napi_budget, xsk);
	return e1kx_tx_next(ring, eop);
}

/*
 * Reclaim every completed packet. Not limited by the NAPI budget: the ring
 * size bounds the work. The caller holds the queue's TX lock: the sender
 * and the vector's NAPI both reclaim. Returns true when something was
 * reclaimed.
 */
static bool e1kx_tx_clean(struct e1kx_tx_ring *ring, int napi_budget)
{
	struct netdev_queue *txq = e1kx_txq(ring);
	unsigned int pkts = 0, bytes = 0, segs = 0;
	u16 ntc = ring->next_to_clean;
	u32 xsk = 0;

	while (ntc != READ_ONCE(ring->next_to_use)) {
		struct e1kx_tx_buf *fbuf = &ring->buf[ntc];

		/* Pairs with smp_wmb() in e1kx_xmit() */
		smp_rmb();
		if (!(READ_ONCE(ring->desc[fbuf->eop].status_opts) &
		      cpu_to_le32(E1KX_TXD_STA_DD)))
			break;
		/*
		 * Outside NAPI (netpoll may call with interrupts off, or the
		 * sender) no XDP or page_pool call is allowed: XDP frames
		 * wait for the pair's next NAPI poll.
		 */
		if (unlikely(!napi_budget && fbuf->type != E1KX_TX_BUF_SKB))
			break;
		dma_rmb();
		pkts++;
		segs += fbuf->segs;
		bytes += fbuf->bytes;
		ntc = e1kx_tx_release(ring, ntc, napi_budget, &xsk);
	}
	if (!pkts)
		return false;
	if (xsk)
		xsk_tx_completed(ring->xsk_pool, xsk);

	WRITE_ONCE(ring->next_to_clean, ntc);
	u64_stats_update_begin(&ring->stats.syncp);
	ring->stats.packets += segs;
	ring->stats.bytes += bytes;
	u64_stats_update_end(&ring->stats.syncp);

	/* BQL, then a wake; never while e1kx_down() takes the datapath apart */
	if (unlikely(!__netif_txq_completed_wake(txq, pkts, bytes,
						 e1kx_tx_unused(ring),
						 E1KX_TX_WAKE_THRESH,
						 !test_bit(E1KX_STATE_UP,
							   &ring->priv->state)))) {
		u64_stats_update_begin(&ring->stats.syncp);
		ring->stats.wakes++;
		u64_stats_update_end(&ring->stats.syncp);
	}
	return true;
}

/*
 * NAPI's reclaim. A softirq never runs inside this CPU's own xmit (it
 * holds the lock with BHs off), so NAPI can wait for the lock. netpoll
 * (budget 0) polls with interrupts off, from inside this CPU's xmit or
 * under the console's locks: like netpoll's own transmit it only tries
 * the lock, and leaves the reclaim to the next poll when it is taken.
 */
void e1kx_tx_poll(struct e1kx_tx_ring *ring, int napi_budget)
{
	struct netdev_queue *txq = e1kx_txq(ring);

	if (unlikely(!napi_budget)) {
		if (!__netif_tx_trylock(txq))
			return;
	} else {
		__netif_tx_lock(txq, smp_processor_id());
	}
	e1kx_tx_clean(ring, napi_budget);
	__netif_tx_unlock(txq);
}

/* Free everything still queued; the device must be stopped */
void e1kx_tx_ring_drain(struct e1kx_tx_ring *ring)
{
	u16 ntc = ring->next_to_clean;
	u32 xsk = 0;

	while (ntc != ring->next_to_use) {
		u64_stats_update_begin(&ring->stats.syncp);
		ring->stats.drops++;
		u64_stats_update_end(&ring->stats.syncp);
		ntc = e1kx_tx_release(ring, ntc, 0, &xsk);
	}
	/* The socket gets its frames back, sent or not */
	if (xsk)
		xsk_tx_completed(ring->xsk_pool, xsk);
	ring->next_to_clean = ntc;
	netdev_tx_reset_queue(e1kx_txq(ring));
}

int e1kx_tx_ring_alloc(struct e1kx_priv *priv, struct e1kx_tx_ring *ring,
		       unsigned int qid, unsigned int count)
{
	struct device *dev = &priv->pdev->dev;

	ring->buf = kvcalloc(count, sizeof(*ring->buf), GFP_KERNEL);
	if (!ring->buf)
		return -ENOMEM;
	ring->desc = dma_alloc_coherent(dev, count * sizeof(*ring->desc),
					&ring->dma, GFP_KERNEL);
	if (!ring->desc)
		goto err_free;
	/* A socket's pool bound to this pair sends on this ring (xsk.c) */
	ring->xsk_pool = priv->xsk_pool[qid];
	if (ring->xsk_pool) {
		ring->xsk_pad = dma_alloc_coherent(dev, ETH_ZLEN,
						   &ring->xsk_pad_dma,
						   GFP_KERNEL);
		if (!ring->xsk_pad) {
			dma_free_coherent(dev, count * sizeof(*ring->desc),
					  ring->desc, ring->dma);
			ring->desc = NULL;
			goto err_free;
		}
	}
	ring->priv = priv;
	ring->dev = dev;
	ring->netdev = priv->netdev;
	ring->count = count;
	ring->qid = qid;
	ring->tail = priv->io + E1KX_TDT(qid);
	return 0;

err_free:
	kvfree(ring->buf);
	ring->buf = NULL;
	return -ENOMEM;
}

void e1kx_tx_ring_free(struct e1kx_tx_ring *ring)
{
	if (!ring->desc)
		return;
	dma_free_coherent(ring->dev, ring->count * sizeof(*ring->desc),
			  ring->desc, ring->dma);
	if (ring->xsk_pad)
		dma_free_coherent(ring->dev, ETH_ZLEN, ring->xsk_pad,
				  ring->xsk_pad_dma);
	kvfree(ring->buf);
	ring->desc = NULL;
	ring->buf = NULL;
	ring->xsk_pad = NULL;
	ring->xsk_pool = NULL;
}

void e1kx_tx_ring_configure(struct e1kx_priv *priv, struct e1kx_tx_ring *ring)
{
	unsigned int q = ring->qid;

	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	ring->ctx_valid = false;
	e1kx_hw_ring_setup(priv, E1KX_TDBAL(q), ring->dma,
			   ring->count * sizeof(*ring->desc));
	/* TXDCTL: both queues alike, programmed by e1kx_hw_init() */
	e1kx_wr32(priv, E1KX_TARC(q),
		  e1kx_rd32(priv, E1KX_TARC(q)) | E1KX_TARC_ENABLE);
	netdev_tx_reset_queue(e1kx_txq(ring));
}
