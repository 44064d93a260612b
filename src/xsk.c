// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: AF_XDP zero-copy.
 *
 * A socket bound with XDP_ZEROCOPY to queue q hands pair q its buffer pool
 * (ndo_bpf XDP_SETUP_XSK_POOL). RX ring q then receives straight into the
 * pool's frames, and pair q's NAPI sends the socket's TX ring on TX ring q,
 * which it shares with the stack, XDP_TX and ndo_xdp_xmit under the queue's
 * TX lock. A pair without a pool keeps its page_pool buffers; copy-mode
 * sockets take the page_pool path as before.
 *
 * The 82574 cannot stop one queue: neither RXDCTL nor TXDCTL has an enable
 * bit, and the buffers posted to a ring stay the device's until a MAC
 * reset, which both pairs share. Binding or unbinding a socket on a running
 * interface therefore rebuilds the rings as a ring resize does (new rings
 * allocated first, then down and up): a few milliseconds without traffic
 * on both pairs, the link stays up.
 *
 * While the socket's fill ring is dry, a few free slots point at a scratch
 * buffer of the ring's: the device keeps receiving, into it, and those
 * frames are dropped and counted. The 82574's two RX queues share one
 * receive FIFO; a queue left without descriptors can hold up the frame at
 * its head and so the other queue too (QEMU's model does exactly that),
 * and a socket that stops refilling would take the whole port down.
 *
 * The device writes up to E1KX_RX_BUF_LEN bytes (RCTL.BSIZE, one value for
 * both rings) per descriptor, and a longer frame continues in the next
 * one. A pool whose frames are shorter is refused, and so is an MTU whose
 * frames need more than one buffer: sockets get whole frames, no
 * multi-buffer.
 *
 * Nothing here reads a device register: the wakeup schedules NAPI, the
 * poll reads descriptors and writes the tails.
 */
#include <linux/bpf_trace.h>
#include <linux/etherdevice.h>
#include <linux/filter.h>

#include "e1kx.h"

/* Per poll, folded into the ring's counters once */
struct e1kx_xsk_counts {
	unsigned int pkts;
	unsigned int bytes;
	unsigned int drop;
	unsigned int tx;
	unsigned int redirect;
	unsigned int xsk_rx;
	unsigned int errors;
	unsigned int drops;
};

/* An MTU the bound sockets allow: frames must fit one buffer */
bool e1kx_xsk_mtu_ok(struct e1kx_priv *priv, int mtu)
{
	unsigned int q;

	if (mtu <= E1KX_XDP_MAX_MTU)
		return true;
	for (q = 0; q < E1KX_MAX_QUEUE_PAIRS; q++)
		if (priv->xsk_pool[q])
			return false;
	return true;
}

/* New rings take the pools now in priv->xsk_pool (rx.c, tx.c) */
static int e1kx_xsk_rebuild(struct e1kx_priv *priv)
{
	if (!netif_running(priv->netdev))
		return 0;
	return e1kx_reconfigure(priv, priv->tx_ring_count,
				priv->rx_ring_count, priv->num_queue_pairs);
}

static int e1kx_xsk_pool_enable(struct e1kx_priv *priv,
				struct xsk_buff_pool *pool, u16 qid)
{
	struct net_device *netdev = priv->netdev;
	u32 frame = xsk_pool_get_rx_frame_size(pool);
	int err;

	if (qid >= priv->num_queue_pairs) {
		netdev_err(netdev, "AF_XDP zero-copy refused: no queue %u (%u in use)\n",
			   qid, priv->num_queue_pairs);
		return -EINVAL;
	}
	if (priv->xsk_pool[qid])
		return -EBUSY;
	if (frame < E1KX_RX_BUF_LEN) {
		netdev_err(netdev, "AF_XDP zero-copy on queue %u refused: %u-byte frames, the device writes up to %u bytes per buffer (use 4096-byte chunks)\n",
			   qid, frame, E1KX_RX_BUF_LEN);
		return -EINVAL;
	}
	if (netdev->mtu > E1KX_XDP_MAX_MTU) {
		netdev_err(netdev, "AF_XDP zero-copy on queue %u refused: MTU %u, a frame must fit one %u-byte buffer (MTU <= %u, no multi-buffer)\n",
			   qid, netdev->mtu, E1KX_RX_BUF_LEN, E1KX_XDP_MAX_MTU);
		return -EINVAL;
	}

	err = xsk_pool_dma_map(pool, &priv->pdev->dev, 0);
	if (err)
		return err;
	WRITE_ONCE(priv->xsk_pool[qid], pool);
	err = e1kx_xsk_rebuild(priv);
	if (err) {
		netdev_err(netdev, "AF_XDP zero-copy on queue %u: cannot set up the rings: %d\n",
			   qid, err);
		WRITE_ONCE(priv->xsk_pool[qid], NULL);
		xsk_pool_dma_unmap(pool, 0);
	}
	return err;
}

/*
 * The socket goes away: this must not fail. Rings that could not be
 * rebuilt without the pool are closed, so that none keeps its buffers.
 */
static int e1kx_xsk_pool_disable(struct e1kx_priv *priv, u16 qid)
{
	struct xsk_buff_pool *pool;
	int err;

	if (qid >= E1KX_MAX_QUEUE_PAIRS || !priv->xsk_pool[qid])
		return -EINVAL;
	pool = priv->xsk_pool[qid];
	WRITE_ONCE(priv->xsk_pool[qid], NULL);
	err = e1kx_xsk_rebuild(priv);
	if (err) {
		netdev_err(priv->netdev, "AF_XDP zero-copy off on queue %u: cannot set up the rings (%d), closing\n",
			   qid, err);
		dev_close(priv->netdev);
	}
	xsk_pool_dma_unmap(pool, 0);
	return 0;
}

/* ndo_bpf XDP_SETUP_XSK_POOL, under RTNL */
int e1kx_xsk_pool_setup(struct e1kx_priv *priv, struct xsk_buff_pool *pool,
			u16 qid)
{
	return pool ? e1kx_xsk_pool_enable(priv, pool, qid) :
		      e1kx_xsk_pool_disable(priv, qid);
}

/*
 * ndo_xsk_wakeup: the socket has frames to send or room to receive. Poll
 * the pair (on this CPU, when BHs come back on), or tell a poll in
 * progress to run once more. No device access.
 */
int e1kx_xsk_wakeup(struct net_device *netdev, u32 qid, u32 flags)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	struct napi_struct *napi;

	if (unlikely(!test_bit(E1KX_STATE_UP, &priv->state)))
		return -ENETDOWN;
	if (unlikely(qid >= READ_ONCE(priv->num_queue_pairs) ||
		     !READ_ONCE(priv->xsk_pool[qid])))
		return -EINVAL;
	napi = &priv->q_vector[qid].napi;
	if (!napi_if_scheduled_mark_missed(napi)) {
		local_bh_disable();
		napi_schedule(napi);
		local_bh_enable();
	}
	return 0;
}

/* Post pool frames to the free slots; false if the fill ring ran dry */
static bool e1kx_xsk_fill(struct e1kx_rx_ring *ring)
{
	u16 n = e1kx_rx_unused(ring), i = ring->next_to_use;
	bool ok = true;

	while (n) {
		u32 want = min_t(u32, n, ring->count - i);
		u32 got = xsk_buff_alloc_batch(ring->xsk_pool,
					       &ring->xsk_bufs[i], want);
		u32 k;

		for (k = 0; k < got; k++, i++) {
			union e1kx_rx_desc *d = &ring->desc[i];

			d->read.addr =
				cpu_to_le64(xsk_buff_xdp_get_dma(ring->xsk_bufs[i]));
			d->read.zero = 0;
		}
		if (i == ring->count)
			i = 0;
		n -= got;
		/* A short batch is not a dry ring (6.1 hands out one frame at
		 * a time when the pool needs DMA syncs): stop only at none
		 */
		if (!got) {
			ok = false;
			break;
		}
	}
	if (i != ring->next_to_use) {
		ring->next_to_use = i;
		/* writel() orders the descriptor writes before the doorbell */
		writel(i, ring->tail);
	}
	return ok;
}

/* The fill ring is dry: keep up to E1KX_XSK_DROP_SLOTS slots on the scratch */
static void e1kx_xsk_post_drops(struct e1kx_rx_ring *ring)
{
	u16 n = min_t(u16, e1kx_rx_unused(ring),
		      E1KX_XSK_DROP_SLOTS - ring->xsk_drop_posted);
	u16 i = ring->next_to_use;

	if (!n)
		return;
	ring->xsk_drop_posted += n;
	while (n--) {
		ring->desc[i].read.addr = cpu_to_le64(ring->xsk_drop_dma);
		ring->desc[i].read.zero = 0;
		ring->xsk_bufs[i] = NULL;
		i = e1kx_rx_next(ring, i);
	}
	ring->next_to_use = i;
	writel(i, ring->tail);
}

/*
 * Refill from the socket's fill ring. When it runs dry the socket is told
 * to wake us (need_wakeup) once it has added frames; the flag goes up
 * before a second look, so frames added in between are not missed; until
 * then the device drops into the scratch slots. A starved ring is also
 * polled by the watchdog.
 */
bool e1kx_xsk_refill(struct e1kx_rx_ring *ring)
{
	struct xsk_buff_pool *pool = ring->xsk_pool;
	bool ok = e1kx_xsk_fill(ring);

	if (unlikely(!ok)) {
		u64_stats_update_begin(&ring->stats.syncp);
		ring->stats.xsk_fill_empty++;
		u64_stats_update_end(&ring->stats.syncp);
		if (xsk_uses_need_wakeup(pool)) {
			xsk_set_rx_need_wakeup(pool);
			smp_mb();	/* flag up before the fill ring is read */
			ok = e1kx_xsk_fill(ring);
		}
	}
	if (ok && xsk_uses_need_wakeup(pool))
		xsk_clear_rx_need_wakeup(pool);
	else if (!ok)
		e1kx_xsk_post_drops(ring);
	ring->starved = !ok;
	return ok;
}

/* XDP_PASS, or no program: the stack gets a copy, the frame goes back */
static void e1kx_xsk_pass(struct e1kx_rx_ring *ring, struct xdp_buff *xdp,
			  const union e1kx_rx_desc *d, u32 staterr,
			  struct e1kx_xsk_counts *c)
{
	unsigned int meta = xdp->data - xdp->data_meta;
	unsigned int len = xdp->data_end - xdp->data;
	struct sk_buff *skb;

	skb = napi_alloc_skb(ring->napi, meta + len);
	if (unlikely(!skb)) {
		c->drops++;
		xsk_buff_free(xdp);
		return;
	}
	memcpy(__skb_put(skb, meta + len), xdp->data_meta, meta + len);
	xsk_buff_free(xdp);
	if (meta) {
		__skb_pull(skb, meta);
		skb_metadata_set(skb, meta);
	}
	e1kx_rx_skb_meta(ring, skb, d, staterr);
	napi_gro_receive(ring->napi, skb);
}

/* Run the program on one received frame; the frame is handed on or freed */
static void e1kx_xsk_run(struct e1kx_rx_ring *ring, struct bpf_prog *prog,
			 struct xdp_buff *xdp, const union e1kx_rx_desc *d,
			 u32 staterr, struct e1kx_xsk_counts *c)
{
	struct xdp_frame *xdpf;
	bool to_xsk;
	u32 act;

	if (!prog) {
		e1kx_xsk_pass(ring, xdp, d, staterr, c);
		return;
	}
	act = bpf_prog_run_xdp(prog, xdp);
	switch (act) {
	case XDP_REDIRECT:
		to_xsk = e1kx_xdp_redirect_map_type() == BPF_MAP_TYPE_XSKMAP;
		if (likely(!xdp_do_redirect(ring->netdev, xdp, prog))) {
			ring->xdp_pending |= E1KX_XDP_REDIRECT;
			c->redirect++;
			c->xsk_rx += to_xsk;
			return;
		}
		break;
	case XDP_PASS:
		e1kx_xsk_pass(ring, xdp, d, staterr, c);
		return;
	case XDP_TX:
		/* A copy goes out; on success the frame is back in the pool */
		xdpf = xdp_convert_zc_to_xdp_frame(xdp);
		if (unlikely(!xdpf))
			break;
		if (likely(!e1kx_xdp_tx_copy(ring, xdpf))) {
			c->tx++;
			return;
		}
		xdp_return_frame(xdpf);
		trace_xdp_exception(ring->netdev, prog, act);
		c->errors++;
		return;
	case XDP_DROP:
		c->drop++;
		xsk_buff_free(xdp);
		return;
	default:
		bpf_warn_invalid_xdp_action(ring->netdev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		break;
	}
	trace_xdp_exception(ring->netdev, prog, act);
	c->errors++;
	xsk_buff_free(xdp);
}

/* Drop a frame the device flagged or cut; counted once per frame */
static void e1kx_xsk_bad(struct e1kx_rx_ring *ring, struct xdp_buff *xdp)
{
	if (!ring->frame_bad) {
		u64_stats_update_begin(&ring->stats.syncp);
		ring->stats.length_errors++;
		u64_stats_update_end(&ring->stats.syncp);
	}
	xsk_buff_free(xdp);
}

/*
 * The RX poll of a pair with a pool. A frame longer than one buffer cannot
 * be (the MTU is capped while a pool is bound) unless the device was told
 * otherwise: all of its buffers are dropped.
 */
int e1kx_xsk_rx_poll(struct e1kx_rx_ring *ring, int budget)
{
	struct bpf_prog *prog = READ_ONCE(ring->xdp_prog);
	struct xsk_buff_pool *pool = ring->xsk_pool;
	struct e1kx_xsk_counts c = {};
	u16 ntc = ring->next_to_clean;
	int done = 0;

	while (done < budget && ntc != ring->next_to_use) {
		const union e1kx_rx_desc *d = &ring->desc[ntc];
		u32 staterr = le32_to_cpu(READ_ONCE(d->wb.status_err));
		struct xdp_buff *xdp;
		unsigned int len;

		if (!(staterr & E1KX_RXD_STA_DD))
			break;
		/* The rest of the descriptor is valid only after DD */
		dma_rmb();
		len = le16_to_cpu(d->wb.length);
		xdp = ring->xsk_bufs[ntc];
		ring->xsk_bufs[ntc] = NULL;
		ntc = e1kx_rx_next(ring, ntc);

		if (unlikely(!xdp)) {
			/* A scratch slot: the fill ring was dry */
			ring->xsk_drop_posted--;
			ring->frame_bad = !(staterr & E1KX_RXD_STA_EOP);
			c.drops += !ring->frame_bad;
			done += !ring->frame_bad;
			continue;
		}
		if (unlikely(!(staterr & E1KX_RXD_STA_EOP))) {
			e1kx_xsk_bad(ring, xdp);
			ring->frame_bad = true;
			continue;
		}
		done++;
		if (unlikely(ring->frame_bad || !len || len > E1KX_RX_BUF_LEN)) {
			e1kx_xsk_bad(ring, xdp);
			ring->frame_bad = false;
			continue;
		}
		if (unlikely(!e1kx_rx_check(ring, len, staterr))) {
			xsk_buff_free(xdp);
			continue;
		}
		xsk_buff_set_size(xdp, len);
		e1kx_xsk_sync_for_cpu(xdp, pool);
		c.pkts++;
		c.bytes += len;
		e1kx_xsk_run(ring, prog, xdp, d, staterr, &c);
	}
	ring->next_to_clean = ntc;
	if (ring->xdp_pending)
		e1kx_xdp_finish(ring);

	u64_stats_update_begin(&ring->stats.syncp);
	ring->stats.packets += c.pkts;
	ring->stats.bytes += c.bytes;
	ring->stats.xdp_drop += c.drop;
	ring->stats.xdp_tx += c.tx;
	ring->stats.xdp_redirect += c.redirect;
	ring->stats.xsk_rx += c.xsk_rx;
	ring->stats.xdp_errors += c.errors;
	ring->stats.drops += c.drops;
	u64_stats_update_end(&ring->stats.syncp);

	if (e1kx_rx_unused(ring) >= E1KX_RX_REFILL_BATCH || ring->starved)
		e1kx_xsk_refill(ring);
	return done;
}

/* Give every posted frame back to the pool; the device must be stopped */
void e1kx_xsk_rx_release(struct e1kx_rx_ring *ring)
{
	unsigned int i;

	for (i = 0; i < ring->count; i++) {
		if (!ring->xsk_bufs[i])
			continue;
		xsk_buff_free(ring->xsk_bufs[i]);
		ring->xsk_bufs[i] = NULL;
	}
	ring->xsk_drop_posted = 0;
	ring->frame_bad = false;
}

static void e1kx_xsk_put_desc(struct e1kx_tx_ring *ring, u16 i,
			      dma_addr_t dma, u32 len, u32 cmd)
{
	struct e1kx_tx_desc *d = &ring->desc[i];

	d->addr = cpu_to_le64(dma);
	d->cmd_len = cpu_to_le32(cmd | FIELD_PREP(E1KX_TXD_LEN, len));
	d->status_opts = 0;
}

/*
 * One frame of the socket at slot i; returns the next free slot. A runt is
 * padded by a second descriptor pointing at the ring's zeros: the socket's
 * memory past its frame is never sent, nor written.
 */
static u16 e1kx_xsk_put(struct e1kx_tx_ring *ring, struct xsk_buff_pool *pool,
			const struct xdp_desc *desc, u16 i)
{
	u32 cmd = E1KX_TXD_CMD_DEXT | E1KX_TXD_CMD_IFCS |
		  FIELD_PREP(E1KX_TXD_DTYP, E1KX_TXD_DTYP_DATA);
	dma_addr_t dma = xsk_buff_raw_get_dma(pool, desc->addr);
	struct e1kx_tx_buf *buf = &ring->buf[i];
	u32 len = desc->len;

	xsk_buff_raw_dma_sync_for_device(pool, dma, len);
	buf->xdpf = NULL;
	buf->type = E1KX_TX_BUF_XSK;
	buf->dma = dma;
	buf->len = 0;		/* the pool's mapping: nothing to unmap */
	buf->is_page = false;
	buf->segs = 1;
	buf->bytes = max_t(u32, len, ETH_ZLEN);
	if (unlikely(len < ETH_ZLEN)) {
		if (len) {
			e1kx_xsk_put_desc(ring, i, dma, len, cmd);
			i = e1kx_tx_next(ring, i);
			ring->buf[i].len = 0;
		}
		dma = ring->xsk_pad_dma;
		len = ETH_ZLEN - len;
	}
	e1kx_xsk_put_desc(ring, i, dma, len,
			  cmd | E1KX_TXD_CMD_EOP | E1KX_TXD_CMD_RS);
	buf->eop = i;
	return e1kx_tx_next(ring, i);
}

/*
 * NAPI: send up to budget frames of the socket's TX ring, one doorbell.
 * The stack's room for a worst-case packet stays free, and a frame may
 * take two slots (runt). Returns true when the socket's ring was emptied
 * or TX ring q is full (its completions poll again); false when frames are
 * left and NAPI must go on. need_wakeup goes up before the socket's ring
 * is read, so a frame queued after that read finds it up and wakes us.
 */
bool e1kx_xsk_xmit(struct e1kx_tx_ring *ring, unsigned int budget)
{
	struct e1kx_priv *priv = netdev_priv(ring->netdev);
	struct xsk_buff_pool *pool = ring->xsk_pool;
	struct netdev_queue *txq = netdev_get_tx_queue(ring->netdev, ring->qid);
	unsigned int bytes = 0, i, n, room;
	u16 ntu;

	if (xsk_uses_need_wakeup(pool)) {
		xsk_set_tx_need_wakeup(pool);
		smp_mb();	/* flag up before the TX ring is read */
	}
	__netif_tx_lock(txq, smp_processor_id());
	room = e1kx_tx_unused(ring);
	if (room <= E1KX_TX_DESC_NEEDED + 1) {
		__netif_tx_unlock(txq);
		return true;
	}
	n = min_t(unsigned int, budget, (room - E1KX_TX_DESC_NEEDED) / 2);
	n = xsk_tx_peek_release_desc_batch(pool, n);
	if (!n) {
		__netif_tx_unlock(txq);
		return true;
	}
	ntu = ring->next_to_use;
	for (i = 0; i < n; i++) {
		bytes += max_t(u32, pool->tx_descs[i].len, ETH_ZLEN);
		ntu = e1kx_xsk_put(ring, pool, &pool->tx_descs[i], ntu);
	}
	/* Publish the slots before the cleaner may look at them */
	smp_wmb();
	WRITE_ONCE(ring->next_to_use, ntu);
	netdev_tx_sent_queue(txq, bytes);
	txq_trans_cond_update(txq);
	if (!e1kx_fault(priv, E1KX_FAULT_TX_STALL))
		writel(ntu, ring->tail);
	__netif_tx_unlock(txq);

	u64_stats_update_begin(&ring->stats.syncp);
	ring->stats.xsk_tx += n;
	u64_stats_update_end(&ring->stats.syncp);
	if (n < budget)
		return true;
	if (xsk_uses_need_wakeup(pool))
		xsk_clear_tx_need_wakeup(pool);
	return false;
}
