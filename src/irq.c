// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: interrupt vectors, handlers and masking.
 *
 * MSI-X: one vector per queue pair, then one "other" vector for link and
 * error causes. MSI and INTx: a single vector for everything. Handlers only
 * acknowledge and hand work on; nothing slow runs in hard IRQ context.
 *
 * MSI-X queue vectors are not masked per interrupt: EIAC clears a fired
 * vector's causes in ICR and leaves them enabled in IMS (CTRL_EXT.EIAME is
 * clear), so an interrupt costs no register access at all and EITR alone
 * bounds the rate.
 * Only while NAPI keeps using its whole budget is the vector masked (one
 * IMC write), and unmasked (one IMS write) when that busy spell ends.
 */
#include "e1kx.h"

/* Causes that schedule NAPI when a single vector serves everything */
#define E1KX_INT_LEGACY_QUEUE	(E1KX_INT_TXDW | E1KX_INT_RXT0 | \
				 E1KX_INT_RXDMT0 | E1KX_INT_RXO)

static unsigned int e1kx_other_vector(struct e1kx_priv *priv)
{
	return priv->irq_mode == E1KX_IRQ_MSIX ? priv->num_queue_pairs : 0;
}

static void e1kx_irq_link_event(struct e1kx_priv *priv)
{
	mod_delayed_work(system_wq, &priv->watchdog, 0);
}

/*
 * MSI-X queue vector. EIAC has already cleared this vector's causes in the
 * device, so there is no register to touch here.
 */
static irqreturn_t e1kx_msix_queue(int irq, void *data)
{
	struct e1kx_q_vector *qv = data;

	napi_schedule_irqoff(&qv->napi);
	return IRQ_HANDLED;
}

/*
 * MSI-X "other" vector: link changes and error causes, not the hot path.
 * With IAME, reading ICR clears every cause, including queue causes whose
 * interrupt EITR is still holding back: poll those queues from here.
 */
static irqreturn_t e1kx_msix_other(int irq, void *data)
{
	struct e1kx_priv *priv = data;
	u32 icr = e1kx_rd32(priv, E1KX_ICR);
	unsigned int q;

	e1kx_wr32(priv, E1KX_ICR, icr);
	if (icr & E1KX_INT_LSC)
		e1kx_irq_link_event(priv);
	for (q = 0; q < priv->num_queue_pairs; q++)
		if (icr & priv->q_vector[q].ims)
			napi_schedule_irqoff(&priv->q_vector[q].napi);
	return IRQ_HANDLED;
}

/* MSI or INTx: one vector; reading ICR clears and acknowledges it */
static irqreturn_t e1kx_intr(int irq, void *data)
{
	struct e1kx_priv *priv = data;
	u32 icr = e1kx_rd32(priv, E1KX_ICR);

	if (!(icr & E1KX_ICR_INT_ASSERTED))
		return IRQ_NONE;	/* a shared INTx line, not ours */
	if (icr & E1KX_INT_LSC)
		e1kx_irq_link_event(priv);
	if (icr & E1KX_INT_LEGACY_QUEUE) {
		e1kx_wr32(priv, E1KX_IMC, E1KX_INT_LEGACY_QUEUE);
		napi_schedule_irqoff(&priv->q_vector[0].napi);
	}
	return IRQ_HANDLED;
}

/* NAPI used its whole budget: MSI-X interrupts would only be wasted now */
static void e1kx_irq_busy(struct e1kx_q_vector *qv)
{
	if (qv->priv->irq_mode == E1KX_IRQ_MSIX && !qv->masked) {
		e1kx_wr32(qv->priv, E1KX_IMC, qv->ims);
		qv->masked = true;
	}
}

/* Polling is done: unmask what is masked (MSI/INTx: always, see handler) */
static void e1kx_irq_rearm(struct e1kx_q_vector *qv)
{
	if (qv->priv->irq_mode == E1KX_IRQ_MSIX) {
		if (!qv->masked)
			return;
		qv->masked = false;
	}
	e1kx_wr32(qv->priv, E1KX_IMS, qv->ims);
}

static int e1kx_poll(struct napi_struct *napi, int budget)
{
	struct e1kx_q_vector *qv = container_of(napi, struct e1kx_q_vector,
						napi);
	bool xsk_done = true;
	int done;

	e1kx_tx_poll(qv->tx, budget);
	/*
	 * Budget 0 is netpoll (netconsole) asking for TX reclaim only. It may
	 * call while NAPI is not scheduled at all: interrupt state is not
	 * ours to change then, and nothing would ever unmask the vector.
	 */
	if (unlikely(!budget))
		return 0;
	/* An AF_XDP zero-copy socket's pool on this pair (xsk.c) */
	if (qv->tx->xsk_pool)
		xsk_done = e1kx_xsk_xmit(qv->tx, budget);
	if (qv->rx->xsk_pool)
		done = e1kx_xsk_rx_poll(qv->rx, budget);
	else
		done = e1kx_rx_poll(qv->rx, budget);
	if (done == budget || !xsk_done) {
		e1kx_irq_busy(qv);
		return budget;
	}
	if (napi_complete_done(napi, done)) {
		e1kx_moderation_sample(qv);
		e1kx_irq_rearm(qv);
	}
	return done;
}

int e1kx_irq_alloc_vectors(struct e1kx_priv *priv)
{
	struct pci_dev *pdev = priv->pdev;
	int n;

	n = pci_alloc_irq_vectors(pdev, E1KX_MSIX_VECTORS, E1KX_MSIX_VECTORS,
				  PCI_IRQ_MSIX);
	if (n > 0) {
		priv->irq_mode = E1KX_IRQ_MSIX;
		priv->num_vectors = n;
		priv->num_queue_pairs = E1KX_MAX_QUEUE_PAIRS;
		return 0;
	}

	n = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX);
	if (n < 0) {
		dev_err(&pdev->dev, "no usable interrupt: %d\n", n);
		return n;
	}
	priv->irq_mode = pdev->msi_enabled ? E1KX_IRQ_MSI : E1KX_IRQ_INTX;
	priv->num_vectors = 1;
	priv->num_queue_pairs = 1;
	dev_info(&pdev->dev, "MSI-X unavailable, using %s\n",
		 priv->irq_mode == E1KX_IRQ_MSI ? "MSI" : "INTx");
	return 0;
}

void e1kx_irq_free_vectors(struct e1kx_priv *priv)
{
	pci_free_irq_vectors(priv->pdev);
	priv->num_vectors = 0;
}

/*
 * Register the NAPI instances of pairs first..end-1. An instance keeps its
 * id while registered, and page_pools and XDP queue info record the id
 * when created: pairs that stay across ethtool -L keep their instances.
 */
void e1kx_napi_add(struct e1kx_priv *priv, unsigned int first,
		   unsigned int end)
{
	unsigned int q;

	for (q = first; q < end; q++) {
		struct e1kx_q_vector *qv = &priv->q_vector[q];

		qv->priv = priv;
		qv->tx = &priv->tx_ring[q];
		qv->rx = &priv->rx_ring[q];
		if (priv->irq_mode == E1KX_IRQ_MSIX) {
			qv->vector = q;
			qv->ims = E1KX_INT_RXQ(q) | E1KX_INT_TXQ(q);
		} else {
			qv->vector = 0;
			qv->ims = E1KX_INT_LEGACY_QUEUE;
		}
		netif_napi_add(priv->netdev, &qv->napi, e1kx_poll);
		netif_napi_set_irq(&qv->napi,
				   pci_irq_vector(priv->pdev, qv->vector));
	}
}

void e1kx_napi_del(struct e1kx_priv *priv, unsigned int first,
		   unsigned int end)
{
	unsigned int q;

	for (q = first; q < end; q++)
		netif_napi_del(&priv->q_vector[q].napi);
}

/* Queue q of each direction is served by pair q's NAPI (netlink shows it) */
static void e1kx_napi_link_queues(struct e1kx_priv *priv, unsigned int q,
				  struct napi_struct *napi)
{
	netif_queue_set_napi(priv->netdev, q, NETDEV_QUEUE_TYPE_RX, napi);
	netif_queue_set_napi(priv->netdev, q, NETDEV_QUEUE_TYPE_TX, napi);
}

/* RTNL held, as for every queue and NAPI change */
void e1kx_napi_enable(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < priv->num_queue_pairs; q++) {
		napi_enable(&priv->q_vector[q].napi);
		e1kx_napi_link_queues(priv, q, &priv->q_vector[q].napi);
	}
}

void e1kx_napi_disable(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < priv->num_queue_pairs; q++) {
		e1kx_napi_link_queues(priv, q, NULL);
		napi_disable(&priv->q_vector[q].napi);
	}
}

/*
 * Poll rings whose refill failed, so they recover without an interrupt.
 * From the watchdog (process context): the softirq runs at the
 * local_bh_enable(), not at some later interrupt's exit.
 */
void e1kx_napi_kick(struct e1kx_priv *priv)
{
	unsigned int q;

	local_bh_disable();
	for (q = 0; q < priv->num_queue_pairs; q++)
		if (READ_ONCE(priv->rx_ring[q].starved))
			napi_schedule(&priv->q_vector[q].napi);
	local_bh_enable();
}

/* Poll every pair once, from process context */
void e1kx_napi_schedule_all(struct e1kx_priv *priv)
{
	unsigned int q;

	local_bh_disable();
	for (q = 0; q < priv->num_queue_pairs; q++)
		napi_schedule(&priv->q_vector[q].napi);
	local_bh_enable();
}

static int e1kx_irq_request_msix(struct e1kx_priv *priv)
{
	unsigned int other = e1kx_other_vector(priv), q;
	const char *ifname = priv->netdev->name;
	unsigned int cpu;
	int err, irq;

	for (q = 0; q < priv->num_queue_pairs; q++) {
		irq = pci_irq_vector(priv->pdev, q);
		snprintf(priv->irq_name[q], sizeof(priv->irq_name[q]),
			 "%s-rxtx-%u", ifname, q);
		err = request_irq(irq, e1kx_msix_queue, 0, priv->irq_name[q],
				  &priv->q_vector[q]);
		if (err)
			goto err_free;
		/* Pairs spread over the CPUs nearest the device first */
		cpu = cpumask_local_spread(q, dev_to_node(&priv->pdev->dev));
		irq_update_affinity_hint(irq, cpumask_of(cpu));
	}
	snprintf(priv->irq_name[other], sizeof(priv->irq_name[other]),
		 "%s-other", ifname);
	err = request_irq(pci_irq_vector(priv->pdev, other), e1kx_msix_other,
			  0, priv->irq_name[other], priv);
	if (!err)
		return 0;

err_free:
	while (q--) {
		irq = pci_irq_vector(priv->pdev, q);
		irq_update_affinity_hint(irq, NULL);
		free_irq(irq, &priv->q_vector[q]);
	}
	return err;
}

int e1kx_irq_request(struct e1kx_priv *priv)
{
	char *name = priv->irq_name[0];

	if (priv->irq_mode == E1KX_IRQ_MSIX)
		return e1kx_irq_request_msix(priv);
	snprintf(name, sizeof(priv->irq_name[0]), "%s", priv->netdev->name);
	return request_irq(pci_irq_vector(priv->pdev, 0), e1kx_intr,
			   priv->irq_mode == E1KX_IRQ_INTX ? IRQF_SHARED : 0,
			   name, priv);
}

void e1kx_irq_release(struct e1kx_priv *priv)
{
	unsigned int q;
	int irq;

	if (priv->irq_mode != E1KX_IRQ_MSIX) {
		free_irq(pci_irq_vector(priv->pdev, 0), priv);
		return;
	}
	for (q = 0; q < priv->num_queue_pairs; q++) {
		irq = pci_irq_vector(priv->pdev, q);
		irq_update_affinity_hint(irq, NULL);
		free_irq(irq, &priv->q_vector[q]);
	}
	free_irq(pci_irq_vector(priv->pdev, e1kx_other_vector(priv)), priv);
}

/* Route causes to vectors and unmask them */
void e1kx_irq_enable(struct e1kx_priv *priv)
{
	u32 ivar, queues = 0;
	unsigned int q;

	e1kx_moderation_start(priv);
	/*
	 * Start from no latched cause (write 1 to clear): none from before
	 * the down is carried into the new routing. On silicon a stale cause
	 * would fire the moment IMS enables it, a spurious interrupt on the
	 * new vector; a device that records a latched cause as already
	 * signalled (QEMU's model does) would never raise that vector again.
	 */
	e1kx_wr32(priv, E1KX_ICR, E1KX_INT_ALL);
	if (priv->irq_mode != E1KX_IRQ_MSIX) {
		e1kx_wr32(priv, E1KX_IMS, E1KX_INT_LSC | E1KX_INT_LEGACY_QUEUE);
		e1kx_flush(priv);
		return;
	}

	ivar = FIELD_PREP(E1KX_IVAR_OTHER,
			  e1kx_other_vector(priv) | E1KX_IVAR_VALID);
	for (q = 0; q < priv->num_queue_pairs; q++) {
		ivar |= (q | E1KX_IVAR_VALID) << E1KX_IVAR_RXQ_SHIFT(q);
		ivar |= (q | E1KX_IVAR_VALID) << E1KX_IVAR_TXQ_SHIFT(q);
		queues |= priv->q_vector[q].ims;
		priv->q_vector[q].masked = false;
	}
	/*
	 * EIAME clear: a fired vector's auto-clear leaves IMS alone. IAME
	 * with IAM = 0: an ICR access clears ICR and masks nothing.
	 */
	e1kx_wr32(priv, E1KX_IAM, 0);
	e1kx_wr32(priv, E1KX_CTRL_EXT, e1kx_rd32(priv, E1KX_CTRL_EXT) |
		  E1KX_CTRL_EXT_PBA_CLR | E1KX_CTRL_EXT_IAME);
	e1kx_wr32(priv, E1KX_IVAR, ivar);
	e1kx_wr32(priv, E1KX_EITR(e1kx_other_vector(priv)), E1KX_ITR_OTHER);
	/* A fired queue vector clears its own causes in ICR */
	e1kx_wr32(priv, E1KX_EIAC, queues);
	/*
	 * 82574: with MSI-X the "other" vector needs every other cause
	 * enabled (RXO, MDAC, SRPD, ACK, MNG), or an ICR read that finds no
	 * cause asserted can lose an interrupt. SRPD and ACK stay silent:
	 * RSRPD is 0 and RFCTL.ACK_DIS is set.
	 */
	e1kx_wr32(priv, E1KX_IMS, queues | E1KX_INT_OTHER_CAUSES);
	e1kx_flush(priv);
}

/* Mask everything and wait for running handlers to finish */
void e1kx_irq_disable(struct e1kx_priv *priv)
{
	unsigned int v;

	e1kx_wr32(priv, E1KX_IMC, E1KX_INT_ALL);
	e1kx_wr32(priv, E1KX_EIAC, 0);
	e1kx_wr32(priv, E1KX_CTRL_EXT, e1kx_rd32(priv, E1KX_CTRL_EXT) &
		  ~E1KX_CTRL_EXT_IAME);
	e1kx_flush(priv);
	for (v = 0; v < priv->num_vectors; v++)
		synchronize_irq(pci_irq_vector(priv->pdev, v));
}
