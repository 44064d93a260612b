// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: interrupt vectors, handlers and masking.
 *
 * MSI-X: one vector per queue pair, then one "other" vector for link and
 * error causes. MSI and INTx: a single vector for everything. Handlers only
 * acknowledge and hand work on; nothing slow runs in hard IRQ context.
 */
#include "e1kx.h"

static unsigned int e1kx_other_vector(struct e1kx_priv *priv)
{
	return priv->irq_mode == E1KX_IRQ_MSIX ? priv->num_queue_pairs : 0;
}

static void e1kx_irq_link_event(struct e1kx_priv *priv)
{
	mod_delayed_work(system_wq, &priv->watchdog, 0);
}

/* MSI-X "other" vector: link changes and error causes, not the hot path */
static irqreturn_t e1kx_msix_other(int irq, void *data)
{
	struct e1kx_priv *priv = data;
	u32 icr = e1kx_rd32(priv, E1KX_ICR);

	/* In MSI-X mode reading ICR does not clear it: acknowledge by W1C */
	e1kx_wr32(priv, E1KX_ICR, icr & E1KX_INT_OTHER_CAUSES);
	if (icr & E1KX_INT_LSC)
		e1kx_irq_link_event(priv);
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
	return IRQ_HANDLED;
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

int e1kx_irq_request(struct e1kx_priv *priv)
{
	unsigned int v = e1kx_other_vector(priv);
	char *name = priv->irq_name[v];
	int irq = pci_irq_vector(priv->pdev, v);

	if (priv->irq_mode == E1KX_IRQ_MSIX) {
		snprintf(name, sizeof(priv->irq_name[v]), "%s-other",
			 priv->netdev->name);
		return request_irq(irq, e1kx_msix_other, 0, name, priv);
	}
	snprintf(name, sizeof(priv->irq_name[v]), "%s", priv->netdev->name);
	return request_irq(irq, e1kx_intr,
			   priv->irq_mode == E1KX_IRQ_INTX ? IRQF_SHARED : 0,
			   name, priv);
}

void e1kx_irq_release(struct e1kx_priv *priv)
{
	free_irq(pci_irq_vector(priv->pdev, e1kx_other_vector(priv)), priv);
}

/* Route causes to vectors and unmask them */
void e1kx_irq_enable(struct e1kx_priv *priv)
{
	if (priv->irq_mode == E1KX_IRQ_MSIX) {
		e1kx_wr32(priv, E1KX_CTRL_EXT, e1kx_rd32(priv, E1KX_CTRL_EXT) |
			  E1KX_CTRL_EXT_PBA_CLR);
		e1kx_wr32(priv, E1KX_IVAR,
			  FIELD_PREP(E1KX_IVAR_OTHER, e1kx_other_vector(priv) |
				     E1KX_IVAR_VALID));
		e1kx_wr32(priv, E1KX_IMS, E1KX_INT_OTHER | E1KX_INT_LSC);
	} else {
		e1kx_wr32(priv, E1KX_IMS, E1KX_INT_LSC);
	}
	e1kx_flush(priv);
}

/* Mask everything and wait for running handlers to finish */
void e1kx_irq_disable(struct e1kx_priv *priv)
{
	unsigned int v;

	e1kx_wr32(priv, E1KX_IMC, E1KX_INT_ALL);
	e1kx_flush(priv);
	for (v = 0; v < priv->num_vectors; v++)
		synchronize_irq(pci_irq_vector(priv->pdev, v));
}
