// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: interrupt moderation: fixed (ethtool -C rx-usecs) or adaptive
 * (net_dim picks an interval per vector from the measured RX rate).
 */
#include "e1kx.h"

/* EITR/ITR take an interval in 256 ns units; 0 means no moderation */
static u32 e1kx_usecs_to_itr(u32 usecs)
{
	return FIELD_PREP(E1KX_ITR_INTERVAL,
			  usecs * NSEC_PER_USEC / E1KX_ITR_UNIT_NS);
}

void e1kx_set_itr(struct e1kx_priv *priv, unsigned int vector, u32 usecs)
{
	if (priv->irq_mode == E1KX_IRQ_MSIX)
		e1kx_wr32(priv, E1KX_EITR(vector), e1kx_usecs_to_itr(usecs));
	else
		e1kx_wr32(priv, E1KX_ITR, e1kx_usecs_to_itr(usecs));
}

/* Program every queue vector from the current settings */
void e1kx_moderation_apply(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < priv->num_queue_pairs; q++)
		e1kx_set_itr(priv, priv->q_vector[q].vector, priv->rx_usecs);
}

static void e1kx_dim_work(struct work_struct *work)
{
	struct dim *dim = container_of(work, struct dim, work);
	struct e1kx_q_vector *qv = container_of(dim, struct e1kx_q_vector,
						dim);
	struct dim_cq_moder moder =
		net_dim_get_rx_moderation(dim->mode, dim->profile_ix);

	if (READ_ONCE(qv->priv->adaptive_rx))
		e1kx_set_itr(qv->priv, qv->vector, moder.usec);
	dim->state = DIM_START_MEASURE;
}

/* Called when NAPI completes: feed the RX rate of this vector to DIM */
void e1kx_dim_sample(struct e1kx_q_vector *qv)
{
	struct dim_sample sample;

	dim_update_sample(qv->dim_events++, qv->rx->stats.packets,
			  qv->rx->stats.bytes, &sample);
	e1kx_net_dim(&qv->dim, &sample);
}

void e1kx_dim_init(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < E1KX_MAX_QUEUE_PAIRS; q++) {
		struct e1kx_q_vector *qv = &priv->q_vector[q];

		INIT_WORK(&qv->dim.work, e1kx_dim_work);
		qv->dim.mode = DIM_CQ_PERIOD_MODE_START_FROM_EQE;
	}
}

void e1kx_dim_cancel(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < E1KX_MAX_QUEUE_PAIRS; q++)
		cancel_work_sync(&priv->q_vector[q].dim.work);
}
