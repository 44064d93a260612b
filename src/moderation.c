// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: interrupt moderation, one interval per queue vector.
 *
 * The RX setting is fixed (ethtool -C rx-usecs) or adaptive (adaptive-rx:
 * net_dim picks it from the measured RX rate). With adaptive-tx, while the
 * interface receives nothing for a whole sample period, a vector that
 * sends at least E1KX_TXM_MIN_FRAMES in it stretches its interval so that
 * one interrupt reclaims about a quarter of its TX ring (at most 1 ms): a
 * TX-only flood then takes a few interrupts per ring instead of one per
 * minimum interval. Any received frame returns the vectors to the RX
 * setting at their next sample.
 *
 * Only NAPI completion writes EITR while the interface runs; it writes
 * only when the wanted interval changes. ethtool -C rewrites it once, from
 * the RX setting: a stretch measured under the old settings is dropped,
 * and a flood still running stretches again at its next sample.
 * Sampling uses jiffies: no clock read on the hot path.
 */
#include "e1kx.h"

/* EITR/ITR take an interval in 256 ns units; 0 means no moderation */
static u32 e1kx_usecs_to_itr(u32 usecs)
{
	return FIELD_PREP(E1KX_ITR_INTERVAL,
			  usecs * NSEC_PER_USEC / E1KX_ITR_UNIT_NS);
}

static void e1kx_set_itr(struct e1kx_q_vector *qv, u32 usecs)
{
	struct e1kx_priv *priv = qv->priv;

	if (priv->irq_mode == E1KX_IRQ_MSIX)
		e1kx_wr32(priv, E1KX_EITR(qv->vector), e1kx_usecs_to_itr(usecs));
	else
		e1kx_wr32(priv, E1KX_ITR, e1kx_usecs_to_itr(usecs));
	WRITE_ONCE(qv->itr_usecs, usecs);
}

/* The interval this vector wants now */
static u32 e1kx_vector_usecs(const struct e1kx_q_vector *qv)
{
	u32 usecs = READ_ONCE(qv->priv->adaptive_rx) ?
		    READ_ONCE(qv->dim_usecs) : READ_ONCE(qv->priv->rx_usecs);

	if (!READ_ONCE(qv->priv->adaptive_tx))
		return usecs;
	return max(usecs, READ_ONCE(qv->tx_only_usecs));
}

/*
 * The interval for a vector that completed tx packets in the last elapsed
 * jiffies while the interface received rx frames: a quarter ring per
 * interrupt when nothing was received and the vector sent enough to be
 * worth moderating; else 0. The floor is a rate, not a share of the ring:
 * a larger ring must not leave a slow sender's steady flood unmoderated.
 */
static u32 e1kx_tx_only_usecs(const struct e1kx_q_vector *qv, u64 tx, u64 rx,
			      unsigned long elapsed)
{
	u32 quarter = qv->tx->count / E1KX_TXM_RING_FRACTION;

	if (rx || tx < E1KX_TXM_MIN_FRAMES)
		return 0;
	return min_t(u64, E1KX_TXM_USECS_MAX,
		     div64_u64((u64)quarter * jiffies_to_usecs(elapsed), tx));
}

/*
 * Frames received on all queues: a TCP sender's ACKs may arrive on another
 * vector than its data leaves from, and its pace depends on completions
 * (TCP small queues), so a vector counts as TX only while nothing at all
 * is received. Other vectors' counters are read without their syncp: a
 * stale count only delays the decision by a period.
 */
static u64 e1kx_rx_frames(const struct e1kx_priv *priv)
{
	u64 n = 0;
	unsigned int q;

	for (q = 0; q < priv->num_queue_pairs; q++)
		n += READ_ONCE(priv->rx_ring[q].stats.packets);
	return n;
}

/* Start a fresh TX-only sample period from the rings' current counts */
static void e1kx_txm_restart(struct e1kx_q_vector *qv)
{
	qv->txm_stamp = jiffies;
	qv->txm_tx = qv->tx->stats.packets;
	qv->txm_rx = e1kx_rx_frames(qv->priv);
	WRITE_ONCE(qv->tx_only_usecs, 0);
}

static void e1kx_txm_sample(struct e1kx_q_vector *qv)
{
	unsigned long elapsed = jiffies - qv->txm_stamp;
	u64 tx, rx;

	if (elapsed < E1KX_TXM_PERIOD)
		return;
	tx = qv->tx->stats.packets;
	rx = e1kx_rx_frames(qv->priv);
	/* After a pause (no NAPI runs while idle) start a fresh period */
	WRITE_ONCE(qv->tx_only_usecs, elapsed > 2 * E1KX_TXM_PERIOD ? 0 :
		   e1kx_tx_only_usecs(qv, tx - qv->txm_tx, rx - qv->txm_rx,
				      elapsed));
	qv->txm_stamp += elapsed;
	qv->txm_tx = tx;
	qv->txm_rx = rx;
}

static void e1kx_dim_sample(struct e1kx_q_vector *qv)
{
	struct dim_sample sample;

	dim_update_sample(qv->dim_events++, qv->rx->stats.packets,
			  qv->rx->stats.bytes, &sample);
	e1kx_net_dim(&qv->dim, &sample);
}

/* NAPI completed: softirq, the only writer of this vector's ring counters */
void e1kx_moderation_sample(struct e1kx_q_vector *qv)
{
	u32 usecs;

	if (READ_ONCE(qv->priv->adaptive_rx))
		e1kx_dim_sample(qv);
	e1kx_txm_sample(qv);
	usecs = e1kx_vector_usecs(qv);
	if (usecs != READ_ONCE(qv->itr_usecs))
		e1kx_set_itr(qv, usecs);
}

/*
 * Program every queue vector from the current settings after ethtool -C
 * (under RTNL), without any TX-only stretch: an idle vector runs no NAPI
 * and would otherwise keep one measured long ago. A NAPI completion
 * racing with it may write the old interval once; the next completion
 * corrects that.
 */
void e1kx_moderation_apply(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < priv->num_queue_pairs; q++) {
		struct e1kx_q_vector *qv = &priv->q_vector[q];

		WRITE_ONCE(qv->tx_only_usecs, 0);
		e1kx_set_itr(qv, e1kx_vector_usecs(qv));
	}
}

/* Interrupts are about to be enabled: start sampling afresh */
void e1kx_moderation_start(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < priv->num_queue_pairs; q++)
		e1kx_txm_restart(&priv->q_vector[q]);
	e1kx_moderation_apply(priv);
}

static void e1kx_dim_work(struct work_struct *work)
{
	struct dim *dim = container_of(work, struct dim, work);
	struct e1kx_q_vector *qv = container_of(dim, struct e1kx_q_vector,
						dim);
	struct dim_cq_moder moder =
		net_dim_get_rx_moderation(dim->mode, dim->profile_ix);

	/* Applied by the next NAPI completion */
	WRITE_ONCE(qv->dim_usecs, moder.usec);
	dim->state = DIM_START_MEASURE;
}

void e1kx_dim_init(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < E1KX_MAX_QUEUE_PAIRS; q++) {
		struct e1kx_q_vector *qv = &priv->q_vector[q];

		INIT_WORK(&qv->dim.work, e1kx_dim_work);
		qv->dim.mode = DIM_CQ_PERIOD_MODE_START_FROM_EQE;
		qv->dim_usecs = net_dim_get_rx_moderation(qv->dim.mode,
							  qv->dim.profile_ix).usec;
	}
}

void e1kx_dim_cancel(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < E1KX_MAX_QUEUE_PAIRS; q++)
		cancel_work_sync(&priv->q_vector[q].dim.work);
}
