// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: receive rings.
 *
 * Every descriptor gets a third of an order-1 page from the ring's
 * page_pool, with E1KX_RX_HEADROOM in front for XDP and room for
 * skb_shared_info behind the E1KX_RX_BUF_LEN bytes the device may write.
 * Frames longer than one buffer (jumbo) continue in the next descriptors
 * and become skb fragments.
 * Every length the device reports is checked before it is used.
 */
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>

#include "e1kx.h"

static void e1kx_rx_count(struct e1kx_rx_ring *ring, u64 *counter)
{
	u64_stats_update_begin(&ring->stats.syncp);
	(*counter)++;
	u64_stats_update_end(&ring->stats.syncp);
}

/*
 * The next buffer of the ring's current page, or of a new one. A new page
 * gets one pool reference per buffer cut from it, so it goes back to the
 * pool when the last of its buffers is freed, wherever that happens.
 * Pages come from page_pool_dev_alloc_pages() rather than the pool's own
 * fragment allocator, which on 6.12 no longer goes through
 * page_pool_alloc_pages(), the allocation the kernel's function error
 * injection can fail: so the allocation-failure path can be tested.
 */
static struct page *e1kx_rx_cut(struct e1kx_rx_ring *ring, u32 *offset)
{
	struct page *page = ring->cut_page;

	if (!page) {
		page = page_pool_dev_alloc_pages(ring->pool);
		if (unlikely(!page))
			return NULL;
		page_pool_fragment_page(page, E1KX_RX_BUFS_PER_PAGE);
		ring->cut_offset = 0;
	}
	*offset = ring->cut_offset;
	ring->cut_offset += E1KX_RX_TRUESIZE;
	ring->cut_page = ring->cut_offset + E1KX_RX_TRUESIZE <=
			 E1KX_RX_PAGE_SIZE ? page : NULL;
	return page;
}

/* Drop the references of the buffers not yet cut from the current page */
static void e1kx_rx_cut_release(struct e1kx_rx_ring *ring)
{
	unsigned int left;

	if (!ring->cut_page)
		return;
	left = E1KX_RX_BUFS_PER_PAGE - ring->cut_offset / E1KX_RX_TRUESIZE;
	while (left--)
		page_pool_put_full_page(ring->pool, ring->cut_page, false);
	ring->cut_page = NULL;
}

/*
 * Give slot buf a buffer: a new one, or the one a copied frame left in
 * place, which goes back to the device as it is.
 */
static bool e1kx_rx_alloc(struct e1kx_rx_ring *ring, struct e1kx_rx_buf *buf)
{
	const struct e1kx_priv *priv = netdev_priv(ring->netdev);

	if (buf->page)
		return true;
	if (!e1kx_fault(priv, E1KX_FAULT_RX_ALLOC))
		buf->page = e1kx_rx_cut(ring, &buf->offset);
	if (likely(buf->page))
		return true;
	e1kx_rx_count(ring, &ring->stats.alloc_fail);
	return false;
}

/* Post a buffer to every free slot. Returns false if allocation failed. */
bool e1kx_rx_refill(struct e1kx_rx_ring *ring)
{
	u16 n = e1kx_rx_unused(ring), i = ring->next_to_use;
	bool ok = true;

	if (!n)
		return true;
	while (n--) {
		struct e1kx_rx_buf *buf = &ring->bufs[i];

		if (unlikely(!e1kx_rx_alloc(ring, buf))) {
			ok = false;
			break;
		}
		ring->desc[i].read.addr =
			cpu_to_le64(page_pool_get_dma_addr(buf->page) +
				    buf->offset + E1KX_RX_HEADROOM);
		ring->desc[i].read.zero = 0;
		i = e1kx_rx_next(ring, i);
	}
	ring->starved = !ok;
	if (i != ring->next_to_use) {
		ring->next_to_use = i;
		/* writel() orders the descriptor writes before the doorbell */
		writel(i, ring->tail);
	}
	return ok;
}

/* Abandon the frame in progress: the rest of its buffers are discarded */
static void e1kx_rx_frame_bad(struct e1kx_rx_ring *ring, u64 *counter)
{
	if (ring->frame_bad)
		return;
	e1kx_rx_count(ring, counter);
	if (ring->skb) {
		dev_kfree_skb_any(ring->skb);
		ring->skb = NULL;
	}
	ring->frame_bad = true;
}

/*
 * A one-buffer frame of at most E1KX_RX_COPYBREAK bytes (ACKs, control
 * traffic) is copied into a small skb and its buffer stays in its slot, to
 * be posted again as it is by the next refill. Such frames can sit in a
 * socket queue for long; they then hold no DMA-mapped page, which Linux
 * 6.1's page_pool keeps mapped until it comes back, even past the device's
 * removal. The copies live in pages of a second pool that maps nothing;
 * being recycled, those pages cost no page allocation per frame.
 */

/*
 * Copy in whole blocks of constant size, which the compiler turns into
 * plain moves: a small memcpy() is a "rep movsb", whose start-up cost
 * outweighs a copy this short.
 * Both buffers have room for E1KX_RX_COPYBREAK bytes, a block multiple.
 */
static void e1kx_rx_copy_blocks(void *dst, const void *src, unsigned int len)
{
	unsigned int off;

	BUILD_BUG_ON(E1KX_RX_COPYBREAK % E1KX_RX_COPY_BLOCK);
	for (off = 0; off < len; off += E1KX_RX_COPY_BLOCK)
		memcpy(dst + off, src + off, E1KX_RX_COPY_BLOCK);
}

static struct sk_buff *e1kx_rx_copy_skb(struct e1kx_rx_ring *ring,
					const void *src, unsigned int len)
{
	struct sk_buff *skb;
	struct page *page;
	unsigned int off;
	void *data;

	page = page_pool_dev_alloc_frag(ring->copy_pool, &off,
					E1KX_RX_COPY_TRUESIZE);
	if (unlikely(!page))
		return NULL;
	data = page_address(page) + off;
	skb = napi_build_skb(data, E1KX_RX_COPY_TRUESIZE);
	if (unlikely(!skb)) {
		page_pool_recycle_direct(ring->copy_pool, page);
		return NULL;
	}
	skb_mark_for_recycle(skb);
	skb_reserve(skb, E1KX_RX_COPY_HEADROOM);
	e1kx_rx_copy_blocks(skb->data, src, len);
	__skb_put(skb, len);
	return skb;
}

static void e1kx_rx_copy(struct e1kx_rx_ring *ring, u16 i, unsigned int len)
{
	struct page *page = ring->bufs[i].page;
	dma_addr_t dma = page_pool_get_dma_addr(page);
	u32 offset = ring->bufs[i].offset + E1KX_RX_HEADROOM;
	unsigned int span = round_up(len, E1KX_RX_COPY_BLOCK);

	dma_sync_single_range_for_cpu(ring->dev, dma, offset, span,
				      DMA_FROM_DEVICE);
	ring->skb = e1kx_rx_copy_skb(ring, page_address(page) + offset, len);
	if (unlikely(!ring->skb))
		e1kx_rx_frame_bad(ring, &ring->stats.drops);
	/* The buffer stays in slot i for the device's next frame */
	dma_sync_single_range_for_device(ring->dev, dma, offset, span,
					 DMA_FROM_DEVICE);
}

/* Attach the buffer of descriptor i to the frame in progress */
static void e1kx_rx_buffer(struct e1kx_rx_ring *ring, u16 i, unsigned int len)
{
	struct page *page = ring->bufs[i].page;
	u32 offset = ring->bufs[i].offset;
	struct sk_buff *skb = ring->skb;

	ring->bufs[i].page = NULL;
	if (unlikely(!len || len > E1KX_RX_BUF_LEN))
		e1kx_rx_frame_bad(ring, &ring->stats.length_errors);
	if (unlikely(ring->frame_bad))
		goto recycle;

	dma_sync_single_range_for_cpu(ring->dev, page_pool_get_dma_addr(page),
				      offset + E1KX_RX_HEADROOM, len,
				      DMA_FROM_DEVICE);
	if (!skb) {
		void *va = page_address(page) + offset;

		net_prefetch(va + E1KX_RX_HEADROOM);
		skb = napi_build_skb(va, E1KX_RX_TRUESIZE);
		if (unlikely(!skb)) {
			e1kx_rx_frame_bad(ring, &ring->stats.drops);
			goto recycle;
		}
		skb_reserve(skb, E1KX_RX_HEADROOM);
		__skb_put(skb, len);
		skb_mark_for_recycle(skb);
		ring->skb = skb;
		return;
	}
	if (unlikely(skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS)) {
		e1kx_rx_frame_bad(ring, &ring->stats.length_errors);
		goto recycle;
	}
	skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page,
			offset + E1KX_RX_HEADROOM, len, E1KX_RX_TRUESIZE);
	return;

recycle:
	page_pool_recycle_direct(ring->pool, page);
}

static void e1kx_rx_csum(struct e1kx_rx_ring *ring, struct sk_buff *skb,
			 u32 staterr)
{
	if (!(ring->netdev->features & NETIF_F_RXCSUM))
		return;
	if (unlikely(staterr & (E1KX_RXD_ERR_TCPE | E1KX_RXD_ERR_IPE))) {
		e1kx_rx_count(ring, &ring->stats.csum_err);
		return;
	}
	if (staterr & (E1KX_RXD_STA_TCPCS | E1KX_RXD_STA_UDPCS))
		skb->ip_summed = CHECKSUM_UNNECESSARY;
}

static void e1kx_rx_hash(struct sk_buff *skb, const union e1kx_rx_desc *d)
{
	u32 type = FIELD_GET(E1KX_RXD_MRQ_RSS_TYPE, le32_to_cpu(d->wb.mrq));

	if (!type)
		return;
	skb_set_hash(skb, le32_to_cpu(d->wb.rss_hash),
		     type == E1KX_RXD_RSS_TCPV4 || type == E1KX_RXD_RSS_TCPV6 ?
		     PKT_HASH_TYPE_L4 : PKT_HASH_TYPE_L3);
}

/*
 * Checks on a complete frame of len bytes; false if it must be dropped.
 * Always inlined here, where it runs per frame; xsk.c has a copy to call.
 */
static __always_inline bool e1kx_rx_frame_ok(struct e1kx_rx_ring *ring,
					     unsigned int len, u32 staterr)
{
	struct net_device *netdev = ring->netdev;

	if (unlikely(staterr & E1KX_RXD_ERR_FRAME) &&
	    !(netdev->features & NETIF_F_RXALL)) {
		e1kx_rx_count(ring, &ring->stats.errors);
		return false;
	}
	if (unlikely(len > netdev->mtu + VLAN_ETH_HLEN +
		     ((netdev->features & NETIF_F_RXFCS) ? ETH_FCS_LEN : 0))) {
		e1kx_rx_count(ring, &ring->stats.length_errors);
		return false;
	}
	return true;
}

/* Metadata from the descriptor of a frame going to the stack */
static __always_inline void e1kx_rx_meta(struct e1kx_rx_ring *ring,
					 struct sk_buff *skb,
					 const union e1kx_rx_desc *d,
					 u32 staterr)
{
	struct net_device *netdev = ring->netdev;

	if (netdev->features & NETIF_F_RXHASH)
		e1kx_rx_hash(skb, d);
	e1kx_rx_csum(ring, skb, staterr);
	/* VP means the device stripped the tag: it must not be lost */
	if (staterr & E1KX_RXD_STA_VP)
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q),
				       le16_to_cpu(d->wb.vlan));
	skb_record_rx_queue(skb, ring->qid);
	skb->protocol = eth_type_trans(skb, netdev);
}

bool e1kx_rx_check(struct e1kx_rx_ring *ring, unsigned int len, u32 staterr)
{
	return e1kx_rx_frame_ok(ring, len, staterr);
}

void e1kx_rx_skb_meta(struct e1kx_rx_ring *ring, struct sk_buff *skb,
		      const union e1kx_rx_desc *d, u32 staterr)
{
	e1kx_rx_meta(ring, skb, d, staterr);
}

/* XDP_PASS: an skb around what the program left of the frame */
static void e1kx_rx_xdp_skb(struct e1kx_rx_ring *ring, struct xdp_buff *xdp,
			    struct page *page)
{
	unsigned int meta = xdp->data - xdp->data_meta;
	struct sk_buff *skb;

	skb = napi_build_skb(xdp->data_hard_start, E1KX_RX_TRUESIZE);
	if (unlikely(!skb)) {
		e1kx_rx_frame_bad(ring, &ring->stats.drops);
		page_pool_recycle_direct(ring->pool, page);
		return;
	}
	skb_reserve(skb, xdp->data - xdp->data_hard_start);
	__skb_put(skb, xdp->data_end - xdp->data);
	if (meta)
		skb_metadata_set(skb, meta);
	skb_mark_for_recycle(skb);
	ring->skb = skb;
}

/*
 * The first buffer of a frame, with a program attached: it runs on frames
 * that pass the usual checks and fit this one buffer; longer ones are
 * dropped (the MTU keeps them off the wire, see xdp.c).
 */
static void e1kx_rx_xdp(struct e1kx_rx_ring *ring, struct bpf_prog *prog,
			u16 i, unsigned int len, u32 staterr)
{
	struct page *page = ring->bufs[i].page;
	u32 offset = ring->bufs[i].offset;
	struct xdp_buff xdp;

	ring->bufs[i].page = NULL;
	if (unlikely(!(staterr & E1KX_RXD_STA_EOP) || !len ||
		     len > E1KX_RX_BUF_LEN)) {
		e1kx_rx_frame_bad(ring, &ring->stats.length_errors);
		goto recycle;
	}
	if (unlikely(!e1kx_rx_frame_ok(ring, len, staterr)))
		goto recycle;

	dma_sync_single_range_for_cpu(ring->dev, page_pool_get_dma_addr(page),
				      offset + E1KX_RX_HEADROOM, len,
				      page_pool_get_dma_dir(ring->pool));
	xdp_init_buff(&xdp, E1KX_RX_TRUESIZE, &ring->xdp_rxq);
	xdp_prepare_buff(&xdp, page_address(page) + offset, E1KX_RX_HEADROOM,
			 len, true);
	if (e1kx_xdp_run(ring, prog, &xdp, page) == XDP_PASS)
		e1kx_rx_xdp_skb(ring, &xdp, page);
	return;

recycle:
	page_pool_recycle_direct(ring->pool, page);
}

/* Take the buffer of descriptor i into the frame in progress */
static void e1kx_rx_take(struct e1kx_rx_ring *ring, struct bpf_prog *prog,
			 u16 i, unsigned int len, u32 staterr)
{
	bool first = !ring->skb && !ring->frame_bad;

	if (prog && first)
		e1kx_rx_xdp(ring, prog, i, len, staterr);
	else if (first && (staterr & E1KX_RXD_STA_EOP) &&
		 len && len <= E1KX_RX_COPYBREAK)
		e1kx_rx_copy(ring, i, len);
	else
		e1kx_rx_buffer(ring, i, len);
}

/*
 * Frames the program consumed count toward the budget like the ones the
 * stack gets; their packets and bytes are counted in xdp.c.
 */
int e1kx_rx_poll(struct e1kx_rx_ring *ring, int budget)
{
	struct bpf_prog *prog = READ_ONCE(ring->xdp_prog);
	unsigned int bytes = 0, pkts = 0;
	u16 ntc = ring->next_to_clean;
	int done = 0;

	/*
	 * Slots from next_to_use on are not posted and still hold the DD of
	 * their previous write-back: never read past the posted ones.
	 */
	while (done < budget && ntc != ring->next_to_use) {
		const union e1kx_rx_desc *d = &ring->desc[ntc];
		u32 staterr = le32_to_cpu(READ_ONCE(d->wb.status_err));
		struct sk_buff *skb;

		if (!(staterr & E1KX_RXD_STA_DD))
			break;
		/* The rest of the descriptor is valid only after DD */
		dma_rmb();
		e1kx_rx_take(ring, prog, ntc, le16_to_cpu(d->wb.length),
			     staterr);
		ntc = e1kx_rx_next(ring, ntc);
		if (!(staterr & E1KX_RXD_STA_EOP))
			continue;

		done++;
		skb = ring->skb;
		ring->skb = NULL;
		ring->frame_bad = false;
		if (!skb)
			continue;
		/* A program's frame was checked before it ran */
		if (!prog && !e1kx_rx_frame_ok(ring, skb->len, staterr)) {
			napi_consume_skb(skb, budget);
			continue;
		}
		e1kx_rx_meta(ring, skb, d, staterr);
		bytes += skb->len + ETH_HLEN;
		pkts++;
		napi_gro_receive(ring->napi, skb);
	}
	ring->next_to_clean = ntc;
	if (ring->xdp_pending)
		e1kx_xdp_finish(ring);

	u64_stats_update_begin(&ring->stats.syncp);
	ring->stats.packets += pkts;
	ring->stats.bytes += bytes;
	u64_stats_update_end(&ring->stats.syncp);

	if (e1kx_rx_unused(ring) >= E1KX_RX_REFILL_BATCH || ring->starved)
		e1kx_rx_refill(ring);
	return done;
}

/*
 * A ring that fails to allocate keeps what it got: the caller frees it
 * with e1kx_rx_ring_free(), which takes partial rings, once the pools'
 * NAPI instance is idle (page_pool_destroy() requires it).
 */
int e1kx_rx_ring_alloc(struct e1kx_priv *priv, struct e1kx_rx_ring *ring,
		       unsigned int qid, unsigned int count)
{
	struct napi_struct *napi = &priv->q_vector[qid].napi;
	/*
	 * The pool syncs whole pages for the device when they come back. It
	 * takes back up to E1KX_RX_POOL_PAGES(count) pages, six times what
	 * the descriptors hold (three buffers a page): TCP receive queues keep
	 * pages away from the RX ring and return them in bursts when an
	 * application reads. A page returned to a full pool is freed, and the
	 * pool soon has to allocate and DMA-map another.
	 */
	struct page_pool_params pp = {
		/* Before 6.6, puts honour e1kx_rx_cut()'s counts only with it */
		.flags		= PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV |
				  PP_FLAG_PAGE_FRAG,
		.order		= E1KX_RX_PAGE_ORDER,
		.pool_size	= E1KX_RX_POOL_PAGES(count),
		.nid		= dev_to_node(&priv->pdev->dev),
		.dev		= &priv->pdev->dev,
		/* XDP_TX sends from these pages: see xdp.c */
		.dma_dir	= priv->xdp_prog ? DMA_BIDIRECTIONAL :
						   DMA_FROM_DEVICE,
		.offset		= 0,
		.max_len	= E1KX_RX_PAGE_SIZE,
	};
	/* Copied frames: CPU-only pages, never mapped for the device */
	struct page_pool_params copy_pp = {
		.flags		= PP_FLAG_PAGE_FRAG,
		.pool_size	= count,
		.nid		= dev_to_node(&priv->pdev->dev),
	};
	struct device *dev = &priv->pdev->dev;
	struct page_pool *pool;
	int err;

	BUILD_BUG_ON(E1KX_RX_BUFS_PER_PAGE < 1);
	/* Both pools are this pair's NAPI's alone, and netlink shows so */
	e1kx_pp_set_owner(&pp, priv->netdev, napi);
	e1kx_pp_set_owner(&copy_pp, priv->netdev, napi);
	ring->dev = dev;
	ring->netdev = priv->netdev;
	ring->napi = napi;
	ring->count = count;
	ring->qid = qid;
	ring->tail = priv->io + E1KX_RDT(qid);
	ring->skb = NULL;
	ring->frame_bad = false;
	ring->starved = false;
	ring->cut_page = NULL;
	ring->xsk_drop_posted = 0;
	/* A socket's pool bound to this pair gives the buffers (xsk.c) */
	ring->xsk_pool = priv->xsk_pool[qid];

	ring->bufs = kvcalloc(count, sizeof(*ring->bufs), GFP_KERNEL);
	if (!ring->bufs)
		return -ENOMEM;
	if (ring->xsk_pool) {
		ring->xsk_bufs = kvcalloc(count, sizeof(*ring->xsk_bufs),
					  GFP_KERNEL);
		if (!ring->xsk_bufs)
			return -ENOMEM;
		ring->xsk_drop = dma_alloc_coherent(dev, E1KX_RX_BUF_LEN,
						    &ring->xsk_drop_dma,
						    GFP_KERNEL);
		if (!ring->xsk_drop)
			return -ENOMEM;
	}
	ring->desc = dma_alloc_coherent(dev, count * sizeof(*ring->desc),
					&ring->dma, GFP_KERNEL);
	if (!ring->desc)
		return -ENOMEM;
	pool = page_pool_create(&pp);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	ring->pool = pool;
	pool = page_pool_create(&copy_pp);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	ring->copy_pool = pool;
	err = xdp_rxq_info_reg(&ring->xdp_rxq, priv->netdev, qid,
			       napi->napi_id);
	if (err)
		return err;
	if (ring->xsk_pool)
		return xdp_rxq_info_reg_mem_model(&ring->xdp_rxq,
						  MEM_TYPE_XSK_BUFF_POOL, NULL);
	return xdp_rxq_info_reg_mem_model(&ring->xdp_rxq, MEM_TYPE_PAGE_POOL,
					  ring->pool);
}

/* Give every posted page back to the pool; the device must be stopped */
void e1kx_rx_ring_release_bufs(struct e1kx_rx_ring *ring)
{
	unsigned int i;

	if (!ring->desc)
		return;
	if (ring->xsk_bufs)
		e1kx_xsk_rx_release(ring);
	if (ring->skb) {
		dev_kfree_skb_any(ring->skb);
		ring->skb = NULL;
	}
	ring->frame_bad = false;
	for (i = 0; i < ring->count; i++) {
		if (!ring->bufs[i].page)
			continue;
		page_pool_put_full_page(ring->pool, ring->bufs[i].page, false);
		ring->bufs[i].page = NULL;
	}
	e1kx_rx_cut_release(ring);
}

/*
 * Free the ring and every page it holds, or what a failed
 * e1kx_rx_ring_alloc() got; the device must be stopped and the pools' NAPI
 * idle
 */
void e1kx_rx_ring_free(struct e1kx_rx_ring *ring)
{
	e1kx_rx_ring_release_bufs(ring);
	/* The pool's XDP registration holds a reference of its own */
	if (xdp_rxq_info_is_reg(&ring->xdp_rxq))
		xdp_rxq_info_unreg(&ring->xdp_rxq);
	page_pool_destroy(ring->pool);
	page_pool_destroy(ring->copy_pool);
	if (ring->desc)
		dma_free_coherent(ring->dev, ring->count * sizeof(*ring->desc),
				  ring->desc, ring->dma);
	kvfree(ring->bufs);
	kvfree(ring->xsk_bufs);
	if (ring->xsk_drop)
		dma_free_coherent(ring->dev, E1KX_RX_BUF_LEN, ring->xsk_drop,
				  ring->xsk_drop_dma);
	ring->xsk_drop = NULL;
	ring->xsk_bufs = NULL;
	ring->xsk_pool = NULL;
	ring->pool = NULL;
	ring->copy_pool = NULL;
	ring->desc = NULL;
	ring->bufs = NULL;
}

/* Program one ring and post its buffers (RX itself is still disabled) */
void e1kx_rx_ring_configure(struct e1kx_priv *priv, struct e1kx_rx_ring *ring)
{
	unsigned int q = ring->qid;

	ring->next_to_use = 0;
	ring->next_to_clean = 0;
	ring->xdp_prog = priv->xdp_prog;
	ring->xdp_pending = 0;
	memset(ring->desc, 0, ring->count * sizeof(*ring->desc));
	e1kx_hw_ring_setup(priv, E1KX_RDBAL(q), ring->dma,
			   ring->count * sizeof(*ring->desc));
	e1kx_wr32(priv, E1KX_RXDCTL(q), E1KX_RXDCTL_GRAN |
		  FIELD_PREP(E1KX_RXDCTL_WTHRESH, 1));
	if (ring->xsk_pool) {
		/* The ring is in place now: the pool's buffers point at it */
		xsk_pool_set_rxq_info(ring->xsk_pool, &ring->xdp_rxq);
		e1kx_xsk_refill(ring);
		return;
	}
	e1kx_rx_refill(ring);
}

/* Receive-side settings shared by both rings; RCTL.EN stays clear */
void e1kx_rx_configure(struct e1kx_priv *priv)
{
	u32 rxcsum = E1KX_RXCSUM_PCSD;

	if (priv->netdev->features & NETIF_F_RXCSUM)
		rxcsum |= E1KX_RXCSUM_IPOFLD | E1KX_RXCSUM_TUOFLD;
	e1kx_wr32(priv, E1KX_RXCSUM, rxcsum);
	e1kx_wr32(priv, E1KX_RFCTL, E1KX_RFCTL_EXSTEN | E1KX_RFCTL_ISCSI_DIS |
		  E1KX_RFCTL_NFSW_DIS | E1KX_RFCTL_NFSR_DIS |
		  E1KX_RFCTL_ACK_DIS);
	e1kx_wr32(priv, E1KX_RDTR, 0);
	e1kx_wr32(priv, E1KX_RADV, 0);
	e1kx_rss_program(priv);
}

/* RCTL bits that follow netdev features and the MTU */
static u32 e1kx_rctl_feature_bits(struct e1kx_priv *priv)
{
	netdev_features_t f = priv->netdev->features;
	u32 bits = 0;

	if (!(f & NETIF_F_RXFCS))
		bits |= E1KX_RCTL_SECRC;
	if (f & NETIF_F_RXALL)
		bits |= E1KX_RCTL_SBP;
	if (f & NETIF_F_LOOPBACK)
		bits |= FIELD_PREP(E1KX_RCTL_LBM, E1KX_RCTL_LBM_MAC);
	if (priv->netdev->mtu > ETH_DATA_LEN)
		bits |= E1KX_RCTL_LPE;
	return bits;
}

#define E1KX_RCTL_FEATURE_MASK	(E1KX_RCTL_SECRC | E1KX_RCTL_SBP | \
				 E1KX_RCTL_LBM | E1KX_RCTL_LPE)

void e1kx_rx_apply_features(struct e1kx_priv *priv)
{
	e1kx_rctl_update(priv, E1KX_RCTL_FEATURE_MASK,
			 e1kx_rctl_feature_bits(priv));
}

/* Ring lengths and buffer sizes latch when RCTL is written with EN set */
void e1kx_rx_enable(struct e1kx_priv *priv)
{
	u32 set = E1KX_RCTL_EN | E1KX_RCTL_BAM |
		  FIELD_PREP(E1KX_RCTL_BSIZE, E1KX_RCTL_BSIZE_2048) |
		  FIELD_PREP(E1KX_RCTL_RDMTS, E1KX_RCTL_RDMTS_HALF);

	e1kx_rctl_update(priv, E1KX_RCTL_FEATURE_MASK,
			 set | e1kx_rctl_feature_bits(priv));
}

/* Change RCTL bits; every RCTL writer goes through rctl_lock */
void e1kx_rctl_update(struct e1kx_priv *priv, u32 clear, u32 set)
{
	spin_lock_bh(&priv->rctl_lock);
	priv->rctl = (priv->rctl & ~clear) | set;
	e1kx_wr32(priv, E1KX_RCTL, priv->rctl);
	spin_unlock_bh(&priv->rctl_lock);
}
