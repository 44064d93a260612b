// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: XDP.
 *
 * A program sees every received frame in its RX buffer, before any skb
 * exists; a frame must then fit one buffer, so the MTU is capped at
 * E1KX_XDP_MAX_MTU while a program is attached. XDP_TX frames go out on the
 * TX ring of the same queue pair, straight from the RX pool's mapping (the
 * pool maps its pages bidirectionally while a program is attached), and
 * return to that pool from the pair's NAPI poll. Frames from other devices
 * (ndo_xdp_xmit) are mapped here. Both share the TX ring with the stack,
 * under the queue's TX lock.
 */
#include <linux/bpf_trace.h>
#include <linux/dma-mapping.h>
#include <linux/filter.h>

#include "e1kx.h"

static void e1kx_xdp_count(struct e1kx_rx_ring *ring, u64 *counter,
			   unsigned int len)
{
	u64_stats_update_begin(&ring->stats.syncp);
	ring->stats.packets++;
	ring->stats.bytes += len;
	(*counter)++;
	u64_stats_update_end(&ring->stats.syncp);
}

/*
 * Pad a runt with zeros, in the frame's own tailroom: the device must never
 * pad with stale memory. False if the frame has no room for it.
 */
static bool e1kx_xdp_pad(struct xdp_frame *xdpf)
{
	void *end = xdp_get_shared_info_from_frame(xdpf);

	if (likely(xdpf->len >= ETH_ZLEN))
		return true;
	if (xdpf->data + ETH_ZLEN > end)
		return false;
	memset(xdpf->data + xdpf->len, 0, ETH_ZLEN - xdpf->len);
	xdpf->len = ETH_ZLEN;
	return true;
}

static struct netdev_queue *e1kx_xdp_txq(struct e1kx_tx_ring *ring)
{
	return netdev_get_tx_queue(ring->netdev, ring->qid);
}

/* XDP_TX: queue the buffer on this pair's TX ring, doorbell after the poll */
static int e1kx_xdp_tx(struct e1kx_rx_ring *ring, struct xdp_buff *xdp,
		       struct page *page)
{
	struct e1kx_priv *priv = netdev_priv(ring->netdev);
	struct e1kx_tx_ring *tx = &priv->tx_ring[ring->qid];
	struct netdev_queue *txq = e1kx_xdp_txq(tx);
	struct xdp_frame *xdpf = xdp_convert_buff_to_frame(xdp);
	unsigned int offset;
	dma_addr_t dma;
	int err;

	if (unlikely(!xdpf || !e1kx_xdp_pad(xdpf)))
		return -EOVERFLOW;
	offset = xdpf->data - page_address(page);
	dma = page_pool_get_dma_addr(page);
	dma_sync_single_range_for_device(ring->dev, dma, offset, xdpf->len,
					 DMA_BIDIRECTIONAL);

	__netif_tx_lock(txq, smp_processor_id());
	err = e1kx_tx_xdp_frame(tx, xdpf, dma + offset, E1KX_TX_BUF_XDP_TX);
	if (!err)
		txq_trans_cond_update(txq);
	__netif_tx_unlock(txq);
	return err;
}

/*
 * Run the program on a frame in buffer page. Returns the verdict; for every
 * verdict but XDP_PASS the buffer is no longer the caller's.
 */
u32 e1kx_xdp_run(struct e1kx_rx_ring *ring, struct bpf_prog *prog,
		 struct xdp_buff *xdp, struct page *page)
{
	unsigned int len = xdp->data_end - xdp->data;
	u32 act = bpf_prog_run_xdp(prog, xdp);
	u64 *counter = &ring->stats.xdp_errors;

	switch (act) {
	case XDP_PASS:
		return act;
	case XDP_TX:
		if (likely(!e1kx_xdp_tx(ring, xdp, page))) {
			ring->xdp_pending |= E1KX_XDP_TX;
			counter = &ring->stats.xdp_tx;
			goto count;
		}
		break;
	case XDP_REDIRECT:
		if (likely(!xdp_do_redirect(ring->netdev, xdp, prog))) {
			ring->xdp_pending |= E1KX_XDP_REDIRECT;
			counter = &ring->stats.xdp_redirect;
			goto count;
		}
		break;
	case XDP_DROP:
		counter = &ring->stats.xdp_drop;
		goto recycle;
	default:
		bpf_warn_invalid_xdp_action(ring->netdev, prog, act);
		break;
	case XDP_ABORTED:
		break;
	}
	trace_xdp_exception(ring->netdev, prog, act);
recycle:
	page_pool_recycle_direct(ring->pool, page);
count:
	e1kx_xdp_count(ring, counter, len);
	return act;
}

/* After the poll: ring the TX doorbell once, flush the redirects */
void e1kx_xdp_finish(struct e1kx_rx_ring *ring)
{
	struct e1kx_priv *priv = netdev_priv(ring->netdev);

	if (ring->xdp_pending & E1KX_XDP_TX) {
		struct e1kx_tx_ring *tx = &priv->tx_ring[ring->qid];
		struct netdev_queue *txq = e1kx_xdp_txq(tx);

		__netif_tx_lock(txq, smp_processor_id());
		if (!e1kx_fault(priv, E1KX_FAULT_TX_STALL))
			writel(tx->next_to_use, tx->tail);
		__netif_tx_unlock(txq);
	}
	if (ring->xdp_pending & E1KX_XDP_REDIRECT)
		xdp_do_flush();
	ring->xdp_pending = 0;
}

static int e1kx_xdp_xmit_one(struct e1kx_tx_ring *ring,
			     struct xdp_frame *xdpf)
{
	dma_addr_t dma;
	int err;

	if (unlikely(!e1kx_xdp_pad(xdpf)))
		return -EOVERFLOW;
	dma = dma_map_single(ring->dev, xdpf->data, xdpf->len, DMA_TO_DEVICE);
	if (dma_mapping_error(ring->dev, dma))
		return -ENOMEM;
	err = e1kx_tx_xdp_frame(ring, xdpf, dma, E1KX_TX_BUF_XDP_XMIT);
	if (err)
		dma_unmap_single(ring->dev, dma, xdpf->len, DMA_TO_DEVICE);
	return err;
}

/*
 * XDP_TX of a frame copied out of a socket's buffer (AF_XDP zero-copy,
 * xsk.c): mapped like a redirected frame, on this pair's TX ring; the
 * doorbell waits for the end of the poll. The caller frees it on error.
 */
int e1kx_xdp_tx_copy(struct e1kx_rx_ring *ring, struct xdp_frame *xdpf)
{
	struct e1kx_priv *priv = netdev_priv(ring->netdev);
	struct e1kx_tx_ring *tx = &priv->tx_ring[ring->qid];
	struct netdev_queue *txq = e1kx_xdp_txq(tx);
	int err;

	__netif_tx_lock(txq, smp_processor_id());
	err = e1kx_xdp_xmit_one(tx, xdpf);
	if (!err)
		txq_trans_cond_update(txq);
	__netif_tx_unlock(txq);
	if (!err)
		ring->xdp_pending |= E1KX_XDP_TX;
	return err;
}

/*
 * ndo_xdp_xmit: frames redirected to this device, on the TX ring of the
 * sending CPU's queue pair. Returns how many were queued; the core frees
 * the rest. The state is checked under the TX lock, which e1kx_down()
 * takes (netif_tx_disable()) after clearing E1KX_STATE_UP: no frame is
 * queued on rings being taken apart.
 */
int e1kx_xdp_xmit(struct net_device *netdev, int n, struct xdp_frame **frames,
		  u32 flags)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	unsigned int cpu = smp_processor_id();
	unsigned int q = cpu % READ_ONCE(priv->num_queue_pairs);
	struct e1kx_tx_ring *ring = &priv->tx_ring[q];
	struct netdev_queue *txq = netdev_get_tx_queue(netdev, q);
	int sent = 0;

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;

	__netif_tx_lock(txq, cpu);
	if (unlikely(!test_bit(E1KX_STATE_UP, &priv->state) ||
		     q >= priv->num_queue_pairs)) {
		__netif_tx_unlock(txq);
		return -ENETDOWN;
	}
	while (sent < n && !e1kx_xdp_xmit_one(ring, frames[sent]))
		sent++;
	if (sent) {
		txq_trans_cond_update(txq);
		u64_stats_update_begin(&ring->stats.syncp);
		ring->stats.xdp_xmit += sent;
		u64_stats_update_end(&ring->stats.syncp);
	}
	if ((flags & XDP_XMIT_FLUSH) && !e1kx_fault(priv, E1KX_FAULT_TX_STALL))
		writel(ring->next_to_use, ring->tail);
	__netif_tx_unlock(txq);
	return sent;
}

static void e1kx_xdp_set_rings(struct e1kx_priv *priv, struct bpf_prog *prog)
{
	unsigned int q;

	for (q = 0; q < priv->num_queue_pairs; q++)
		WRITE_ONCE(priv->rx_ring[q].xdp_prog, prog);
}

/*
 * Attach, replace or remove the program. Replacing one program by another
 * is a pointer swap (a poll in progress finishes with the old one, which
 * RCU keeps alive). Going from none to one or back changes how the RX
 * pools map their pages, so a running interface gets new rings.
 */
static int e1kx_xdp_setup(struct e1kx_priv *priv, struct bpf_prog *prog,
			  struct netlink_ext_ack *extack)
{
	struct net_device *netdev = priv->netdev;
	struct bpf_prog *old = priv->xdp_prog;
	int err;

	static_assert(E1KX_XDP_MAX_MTU == 2026);
	if (prog && netdev->mtu > E1KX_XDP_MAX_MTU) {
		NL_SET_ERR_MSG_MOD(extack,
				   "MTU too large for XDP: a frame must fit one 2 KiB buffer (MTU <= 2026)");
		return -EINVAL;
	}

	if (!netif_running(netdev) || !old == !prog) {
		priv->xdp_prog = prog;
		if (netif_running(netdev))
			e1kx_xdp_set_rings(priv, prog);
	} else {
		priv->xdp_prog = prog;
		err = e1kx_reconfigure(priv, priv->tx_ring_count,
				       priv->rx_ring_count,
				       priv->num_queue_pairs);
		if (err) {
			priv->xdp_prog = old;
			NL_SET_ERR_MSG_MOD(extack,
					   "cannot set up the rings for XDP");
			return err;
		}
	}
	if (old)
		bpf_prog_put(old);
	return 0;
}

int e1kx_xdp_bpf(struct net_device *netdev, struct netdev_bpf *bpf)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return e1kx_xdp_setup(priv, bpf->prog, bpf->extack);
	case XDP_SETUP_XSK_POOL:
		return e1kx_xsk_pool_setup(priv, bpf->xsk.pool,
					   bpf->xsk.queue_id);
	default:
		return -EINVAL;
	}
}
