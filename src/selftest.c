// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: ethtool self-test.
 *
 * Offline: register read/write patterns, NVM checksum, interrupt delivery
 * (causes raised through ICS on every vector) and a MAC loopback of frames
 * with known content, on private rings. The datapath is stopped for the
 * duration and restored afterwards. Online: link.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/rtnetlink.h>

#include "e1kx.h"

enum e1kx_test_idx {
	E1KX_TEST_REG,
	E1KX_TEST_NVM,
	E1KX_TEST_IRQ,
	E1KX_TEST_LOOPBACK,
	E1KX_TEST_LINK,
	E1KX_TEST_NUM
};

static const char e1kx_test_names[E1KX_TEST_NUM][ETH_GSTRING_LEN] = {
	[E1KX_TEST_REG]		= "Register test  (offline)",
	[E1KX_TEST_NVM]		= "NVM test       (offline)",
	[E1KX_TEST_IRQ]		= "Interrupt test (offline)",
	[E1KX_TEST_LOOPBACK]	= "Loopback test  (offline)",
	[E1KX_TEST_LINK]	= "Link test       (online)",
};

int e1kx_selftest_count(void)
{
	return E1KX_TEST_NUM;
}

void e1kx_selftest_strings(u8 *data)
{
	memcpy(data, e1kx_test_names, sizeof(e1kx_test_names));
}

/* ---- registers ---- */

struct e1kx_reg_test {
	u32 reg;
	u32 mask;	/* bits that must read back as written */
};

static const struct e1kx_reg_test e1kx_reg_tests[] = {
	{ E1KX_FCAL,		GENMASK(31, 0) },
	{ E1KX_FCAH,		GENMASK(15, 0) },
	{ E1KX_FCT,		GENMASK(15, 0) },
	{ E1KX_VET,		GENMASK(15, 0) },
	{ E1KX_RDBAL(0),	GENMASK(31, 4) },
	{ E1KX_RDBAH(0),	GENMASK(31, 0) },
	{ E1KX_RDLEN(0),	GENMASK(19, 7) },
	{ E1KX_TDBAL(0),	GENMASK(31, 4) },
	{ E1KX_TDBAH(0),	GENMASK(31, 0) },
	{ E1KX_TDLEN(0),	GENMASK(19, 7) },
	{ E1KX_TIPG,		GENMASK(29, 0) },
	{ E1KX_RAL(1),		GENMASK(31, 0) },
	{ E1KX_RAH(1),		E1KX_RAH_ADDR_HI },
	{ E1KX_MTA(0),		GENMASK(31, 0) },
	{ E1KX_MTA(E1KX_MTA_ENTRIES - 1), GENMASK(31, 0) },
	{ E1KX_VFTA(0),		GENMASK(31, 0) },
	{ E1KX_VFTA(E1KX_VFTA_ENTRIES - 1), GENMASK(31, 0) },
};

static const u32 e1kx_reg_patterns[] = {
	0x5A5A5A5A, 0xA5A5A5A5, 0x00000000, 0xFFFFFFFF,
};

static int e1kx_test_registers(struct e1kx_priv *priv)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(e1kx_reg_tests); i++) {
		const struct e1kx_reg_test *t = &e1kx_reg_tests[i];
		u32 saved = e1kx_rd32(priv, t->reg);

		for (j = 0; j < ARRAY_SIZE(e1kx_reg_patterns); j++) {
			u32 want = e1kx_reg_patterns[j] & t->mask;
			u32 wrote = want;
			u32 got;

			if (e1kx_fault(priv, E1KX_FAULT_REG_STUCK))
				wrote ^= t->mask & -t->mask;	/* low bit */
			e1kx_wr32(priv, t->reg, wrote);
			got = e1kx_rd32(priv, t->reg) & t->mask;
			if (got != want) {
				netdev_err(priv->netdev,
					   "register 0x%05x: wrote 0x%08x read 0x%08x\n",
					   t->reg, want, got);
				e1kx_wr32(priv, t->reg, saved);
				return -EIO;
			}
		}
		e1kx_wr32(priv, t->reg, saved);
	}
	return 0;
}

/* ---- interrupts ---- */

#define E1KX_IRQ_TEST_WAIT_MS	100

struct e1kx_irq_test_vec {
	struct e1kx_priv *priv;
	atomic_t fired;
};

static irqreturn_t e1kx_test_isr(int irq, void *data)
{
	struct e1kx_irq_test_vec *tv = data;
	struct e1kx_priv *priv = tv->priv;
	u32 icr = e1kx_rd32(priv, E1KX_ICR);

	if (!(icr & E1KX_ICR_INT_ASSERTED))
		return IRQ_NONE;
	/* Acknowledge in every mode, mask so a level INTx stops */
	e1kx_wr32(priv, E1KX_ICR, icr);
	e1kx_wr32(priv, E1KX_IMC, E1KX_INT_ALL);
	atomic_inc(&tv->fired);
	return IRQ_HANDLED;
}

static bool e1kx_irq_wait(struct e1kx_irq_test_vec *tv, int before)
{
	unsigned int ms;

	for (ms = 0; ms < E1KX_IRQ_TEST_WAIT_MS; ms++) {
		if (atomic_read(&tv->fired) != before)
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

/* Raise a cause on vector v; it must arrive when unmasked, only then */
static int e1kx_irq_test_vector(struct e1kx_priv *priv,
				struct e1kx_irq_test_vec *tv, unsigned int v)
{
	u32 cause = E1KX_INT_RXT0;
	int before;

	if (priv->irq_mode == E1KX_IRQ_MSIX) {
		cause = E1KX_INT_RXQ(0);
		e1kx_wr32(priv, E1KX_IVAR, (v | E1KX_IVAR_VALID) <<
			  E1KX_IVAR_RXQ_SHIFT(0));
	}

	/* Masked: nothing may be delivered */
	before = atomic_read(&tv->fired);
	e1kx_wr32(priv, E1KX_IMC, E1KX_INT_ALL);
	e1kx_wr32(priv, E1KX_ICS, cause);
	e1kx_flush(priv);
	if (e1kx_irq_wait(tv, before)) {
		netdev_err(priv->netdev, "masked cause delivered on vector %u\n",
			   v);
		return -EIO;
	}
	e1kx_wr32(priv, E1KX_ICR, E1KX_INT_ALL);

	/* Unmasked: it must be delivered */
	before = atomic_read(&tv->fired);
	if (!e1kx_fault(priv, E1KX_FAULT_IRQ_LOST))
		e1kx_wr32(priv, E1KX_IMS, cause);
	e1kx_wr32(priv, E1KX_ICS, cause);
	e1kx_flush(priv);
	if (!e1kx_irq_wait(tv, before)) {
		netdev_err(priv->netdev, "no interrupt on vector %u\n", v);
		return -EIO;
	}
	return 0;
}

static int e1kx_test_interrupts(struct e1kx_priv *priv)
{
	unsigned int nvec = priv->irq_mode == E1KX_IRQ_MSIX ?
			    priv->num_vectors : 1;
	struct e1kx_irq_test_vec tv[E1KX_MSIX_VECTORS] = {};
	unsigned long flags = priv->irq_mode == E1KX_IRQ_INTX ? IRQF_SHARED : 0;
	unsigned int v, requested = 0;
	int err = 0;

	e1kx_wr32(priv, E1KX_IMC, E1KX_INT_ALL);
	e1kx_wr32(priv, E1KX_EIAC, 0);
	e1kx_wr32(priv, E1KX_ICR, E1KX_INT_ALL);
	for (v = 0; v < nvec && !err; v++) {
		tv[v].priv = priv;
		err = request_irq(pci_irq_vector(priv->pdev, v), e1kx_test_isr,
				  flags, E1KX_DRV_NAME "-selftest", &tv[v]);
		if (!err)
			requested++;
	}
	for (v = 0; v < requested && !err; v++)
		err = e1kx_irq_test_vector(priv, &tv[v], v);

	e1kx_wr32(priv, E1KX_IMC, E1KX_INT_ALL);
	e1kx_wr32(priv, E1KX_IVAR, 0);
	e1kx_wr32(priv, E1KX_ICR, E1KX_INT_ALL);
	for (v = 0; v < requested; v++)
		free_irq(pci_irq_vector(priv->pdev, v), &tv[v]);
	return err;
}

/* ---- MAC loopback ---- */

#define E1KX_LB_DESC		8	/* one 128-byte ring of each kind */
#define E1KX_LB_FRAMES		4
#define E1KX_LB_LEN		1000
#define E1KX_LB_WAIT_MS		100

struct e1kx_lb {
	void *mem;
	dma_addr_t dma;
	size_t size;
	struct e1kx_tx_desc *tx;
	union e1kx_rx_desc *rx;
	u8 *txbuf;
	u8 *rxbuf;
};

/* Layout of the single coherent block: TX ring, RX ring, buffers */
#define E1KX_LB_TX_OFF		0
#define E1KX_LB_RX_OFF		(E1KX_LB_DESC * sizeof(struct e1kx_tx_desc))
#define E1KX_LB_TXBUF_OFF	(E1KX_LB_RX_OFF + \
				 E1KX_LB_DESC * sizeof(union e1kx_rx_desc))
#define E1KX_LB_RXBUF_OFF	(E1KX_LB_TXBUF_OFF + E1KX_RX_BUF_LEN)
#define E1KX_LB_SIZE		(E1KX_LB_RXBUF_OFF + \
				 E1KX_LB_DESC * E1KX_RX_BUF_LEN)

static void e1kx_lb_fill(u8 *frame, const u8 *addr, unsigned int n)
{
	unsigned int i;

	ether_addr_copy(frame, addr);
	ether_addr_copy(frame + ETH_ALEN, addr);
	put_unaligned_be16(ETH_P_802_EX1, frame + 2 * ETH_ALEN);
	for (i = ETH_HLEN; i < E1KX_LB_LEN; i++)
		frame[i] = (u8)(i * 7 + n);
}

static void e1kx_lb_setup(struct e1kx_priv *priv, struct e1kx_lb *lb)
{
	unsigned int i;

	/* Force 1000/full so the MAC loops without a link partner */
	e1kx_ctrl_update(priv, E1KX_CTRL_SPEED,
			 E1KX_CTRL_SLU | E1KX_CTRL_FRCSPD | E1KX_CTRL_FRCDPX |
			 E1KX_CTRL_FD |
			 FIELD_PREP(E1KX_CTRL_SPEED, E1KX_STATUS_SPEED_1000));

	for (i = 0; i < E1KX_LB_DESC; i++)
		lb->rx[i].read.addr = cpu_to_le64(lb->dma + E1KX_LB_RXBUF_OFF +
						  i * E1KX_RX_BUF_LEN);
	e1kx_wr32(priv, E1KX_RXCSUM, E1KX_RXCSUM_PCSD);
	e1kx_wr32(priv, E1KX_RFCTL, E1KX_RFCTL_EXSTEN | E1KX_RFCTL_ACK_DIS);
	e1kx_hw_ring_setup(priv, E1KX_RDBAL(0), lb->dma + E1KX_LB_RX_OFF,
			   E1KX_LB_DESC * sizeof(*lb->rx));
	e1kx_wr32(priv, E1KX_RDT(0), E1KX_LB_DESC - 1);
	e1kx_hw_ring_setup(priv, E1KX_TDBAL(0), lb->dma + E1KX_LB_TX_OFF,
			   E1KX_LB_DESC * sizeof(*lb->tx));
	e1kx_wr32(priv, E1KX_TARC(0),
		  e1kx_rd32(priv, E1KX_TARC(0)) | E1KX_TARC_ENABLE);
	e1kx_wr32(priv, E1KX_TCTL,
		  e1kx_rd32(priv, E1KX_TCTL) | E1KX_TCTL_EN);
	e1kx_rctl_update(priv, U32_MAX, E1KX_RCTL_EN | E1KX_RCTL_UPE |
			 E1KX_RCTL_MPE | E1KX_RCTL_BAM | E1KX_RCTL_SECRC |
			 FIELD_PREP(E1KX_RCTL_LBM, E1KX_RCTL_LBM_MAC));
}

static int e1kx_lb_one(struct e1kx_priv *priv, struct e1kx_lb *lb,
		       unsigned int n)
{
	union e1kx_rx_desc *rxd = &lb->rx[n];
	struct e1kx_tx_desc *txd = &lb->tx[n];
	unsigned int ms;
	u32 staterr = 0;
	u16 len;

	e1kx_lb_fill(lb->txbuf, priv->netdev->dev_addr, n);
	txd->addr = cpu_to_le64(lb->dma + E1KX_LB_TXBUF_OFF);
	txd->cmd_len = cpu_to_le32(E1KX_TXD_CMD_DEXT | E1KX_TXD_CMD_IFCS |
				   E1KX_TXD_CMD_EOP | E1KX_TXD_CMD_RS |
				   FIELD_PREP(E1KX_TXD_DTYP, E1KX_TXD_DTYP_DATA) |
				   FIELD_PREP(E1KX_TXD_LEN, E1KX_LB_LEN));
	txd->status_opts = 0;
	e1kx_wr32(priv, E1KX_TDT(0), n + 1);

	for (ms = 0; ms < E1KX_LB_WAIT_MS; ms++) {
		staterr = le32_to_cpu(READ_ONCE(rxd->wb.status_err));
		if (staterr & E1KX_RXD_STA_DD)
			break;
		usleep_range(1000, 2000);
	}
	if (!(staterr & E1KX_RXD_STA_DD)) {
		netdev_err(priv->netdev, "loopback frame %u not received\n", n);
		return -ETIMEDOUT;
	}
	dma_rmb();
	len = le16_to_cpu(rxd->wb.length);
	if (len != E1KX_LB_LEN || !(staterr & E1KX_RXD_STA_EOP) ||
	    memcmp(lb->rxbuf + n * E1KX_RX_BUF_LEN, lb->txbuf, E1KX_LB_LEN)) {
		netdev_err(priv->netdev, "loopback frame %u corrupted (len %u)\n",
			   n, len);
		return -EIO;
	}
	return 0;
}

static int e1kx_test_loopback(struct e1kx_priv *priv)
{
	struct e1kx_lb lb = { .size = E1KX_LB_SIZE };
	unsigned int n;
	int err = 0;

	lb.mem = dma_alloc_coherent(&priv->pdev->dev, lb.size, &lb.dma,
				    GFP_KERNEL);
	if (!lb.mem)
		return -ENOMEM;
	lb.tx = lb.mem + E1KX_LB_TX_OFF;
	lb.rx = lb.mem + E1KX_LB_RX_OFF;
	lb.txbuf = lb.mem + E1KX_LB_TXBUF_OFF;
	lb.rxbuf = lb.mem + E1KX_LB_RXBUF_OFF;

	e1kx_lb_setup(priv, &lb);
	for (n = 0; n < E1KX_LB_FRAMES && !err; n++)
		err = e1kx_lb_one(priv, &lb, n);

	/* Stop DMA before the memory goes away */
	e1kx_hw_reset(priv);
	e1kx_wr32(priv, E1KX_RDLEN(0), 0);
	e1kx_wr32(priv, E1KX_TDLEN(0), 0);
	dma_free_coherent(&priv->pdev->dev, lb.size, lb.mem, lb.dma);
	return err;
}

/* ---- driver ---- */

static void e1kx_test_result(struct ethtool_test *test, u64 *slot, int err)
{
	*slot = err ? 1 : 0;
	if (err)
		test->flags |= ETH_TEST_FL_FAILED;
}

void e1kx_selftest_run(struct e1kx_priv *priv, struct ethtool_test *test,
		       u64 *data)
{
	struct net_device *netdev = priv->netdev;
	bool running = netif_running(netdev);
	int err;

	memset(data, 0, E1KX_TEST_NUM * sizeof(*data));
	e1kx_test_result(test, &data[E1KX_TEST_LINK],
			 (e1kx_rd32(priv, E1KX_STATUS) & E1KX_STATUS_LU) ?
			 0 : -ENOLINK);
	if (!(test->flags & ETH_TEST_FL_OFFLINE))
		return;

	netif_info(priv, hw, netdev, "offline self-test starting\n");
	/* The watchdog keeps off MAC and PHY until the test is done */
	if (running)
		e1kx_down(priv);
	else
		e1kx_watchdog_stop(priv);
	e1kx_hw_reset(priv);
	e1kx_hw_init(priv);

	e1kx_test_result(test, &data[E1KX_TEST_REG],
			 e1kx_test_registers(priv));
	e1kx_test_result(test, &data[E1KX_TEST_NVM], e1kx_nvm_test(priv));
	e1kx_test_result(test, &data[E1KX_TEST_IRQ],
			 e1kx_test_interrupts(priv));
	e1kx_test_result(test, &data[E1KX_TEST_LOOPBACK],
			 e1kx_test_loopback(priv));

	/* Back to exactly the configuration the interface had */
	e1kx_hw_reset(priv);
	e1kx_hw_init(priv);
	if (running) {
		err = e1kx_up(priv);
		if (err) {
			netdev_err(netdev, "restart after self-test failed: %d\n",
				   err);
			dev_close(netdev);
		}
	} else {
		e1kx_watchdog_start(priv);
	}
	netif_info(priv, hw, netdev, "offline self-test done\n");
}
