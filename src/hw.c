// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: MAC reset and register programming.
 *
 * The device is never trusted to be in its reset state: silicon may come
 * from another driver or firmware, and a reset does not clear every
 * register the driver uses (QEMU's model keeps rings, masks and RCTL).
 * Everything the driver relies on is written here.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/iopoll.h>
#include <linux/mii.h>

#include "e1kx.h"

/* 802.3x PAUSE frames go to this reserved multicast address */
static const u8 e1kx_pause_addr[ETH_ALEN] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x01
};

#define E1KX_FC_PAUSE_TIME	0xFFFF

/*
 * The software ownership flag only sticks when firmware does not hold the
 * PHY/NVM interface: set it and read it back until it does.
 */
static u32 e1kx_hw_swflag_try(struct e1kx_priv *priv)
{
	e1kx_wr32(priv, E1KX_EXTCNF_CTRL, e1kx_rd32(priv, E1KX_EXTCNF_CTRL) |
		  E1KX_EXTCNF_CTRL_SWFLAG);
	return e1kx_rd32(priv, E1KX_EXTCNF_CTRL);
}

int e1kx_hw_swflag_acquire(struct e1kx_priv *priv)
{
	u32 val;

	if (!read_poll_timeout(e1kx_hw_swflag_try, val,
			       val & E1KX_EXTCNF_CTRL_SWFLAG, 100,
			       E1KX_SWFLAG_TIMEOUT_US, false, priv))
		return 0;
	dev_err(&priv->pdev->dev, "PHY/NVM ownership flag not granted\n");
	return -EBUSY;
}

void e1kx_hw_swflag_release(struct e1kx_priv *priv)
{
	e1kx_wr32(priv, E1KX_EXTCNF_CTRL,
		  e1kx_rd32(priv, E1KX_EXTCNF_CTRL) & ~E1KX_EXTCNF_CTRL_SWFLAG);
}

/* CTRL is shared by link, PAUSE, VLAN and reset code: one writer at a time */
void e1kx_ctrl_update(struct e1kx_priv *priv, u32 clear, u32 set)
{
	unsigned long flags;

	spin_lock_irqsave(&priv->ctrl_lock, flags);
	e1kx_wr32(priv, E1KX_CTRL,
		  (e1kx_rd32(priv, E1KX_CTRL) & ~clear) | set);
	spin_unlock_irqrestore(&priv->ctrl_lock, flags);
}

/*
 * Mask every interrupt cause and stop transmitting. RX stays enabled: the
 * 82574's receive unit can hang when RCTL.EN is cleared under traffic, so
 * receive DMA is stopped by the master disable and the MAC reset instead.
 */
void e1kx_hw_quiesce(struct e1kx_priv *priv)
{
	e1kx_wr32(priv, E1KX_IMC, E1KX_INT_ALL);
	e1kx_wr32(priv, E1KX_TCTL, E1KX_TCTL_PSP);
	e1kx_flush(priv);
	/* let in-flight descriptor fetches and write-backs finish */
	usleep_range(10000, 12000);
}

void e1kx_hw_master_disable(struct e1kx_priv *priv)
{
	u32 val;

	e1kx_ctrl_update(priv, 0, E1KX_CTRL_GIO_MASTER_DISABLE);
	if (read_poll_timeout(e1kx_rd32, val,
			      !(val & E1KX_STATUS_GIO_MASTER_EN), 100,
			      E1KX_MASTER_TIMEOUT_US, false, priv,
			      E1KX_STATUS))
		dev_warn(&priv->pdev->dev,
			 "bus master still active, resetting anyway\n");
}

/*
 * Full MAC reset. The PHY is not reset here; it keeps its link so that a
 * reset during traffic (tx timeout) does not also cost an autonegotiation.
 */
int e1kx_hw_reset(struct e1kx_priv *priv)
{
	u32 val;
	int err;

	/* The reset clears the statistics registers: keep what they hold */
	if (priv->hw_stats)
		e1kx_stats_update_hw(priv);
	e1kx_hw_quiesce(priv);
	e1kx_hw_master_disable(priv);

	/*
	 * Keep firmware (ownership flag) and our own MDIC users (phy_lock)
	 * off the PHY interface while the MAC resets.
	 */
	mutex_lock(&priv->phy_lock);
	err = e1kx_hw_swflag_acquire(priv);
	e1kx_ctrl_update(priv, 0, E1KX_CTRL_RST);
	usleep_range(20000, 25000);
	if (!err)
		e1kx_hw_swflag_release(priv);
	mutex_unlock(&priv->phy_lock);

	if (read_poll_timeout(e1kx_rd32, val, val & E1KX_EECD_AUTO_RD, 100,
			      E1KX_AUTO_RD_TIMEOUT_US, false, priv, E1KX_EECD))
		dev_warn(&priv->pdev->dev, "NVM auto-read did not complete\n");

	/* Reset may have raised causes; mask and clear them all */
	e1kx_wr32(priv, E1KX_IMC, E1KX_INT_ALL);
	e1kx_wr32(priv, E1KX_ICR, E1KX_INT_ALL);
	e1kx_rd32(priv, E1KX_ICR);
	/*
	 * The reset leaves RCTL zero; QEMU's model keeps it (and the rings)
	 * across CTRL.RST. Writing zero to an idle receiver is safe on both.
	 */
	e1kx_rctl_update(priv, U32_MAX, 0);
	return 0;
}

void e1kx_hw_set_rar(struct e1kx_priv *priv, unsigned int idx, const u8 *addr)
{
	u32 lo = 0, hi = 0;

	if (addr) {
		lo = get_unaligned_le32(addr);
		hi = FIELD_PREP(E1KX_RAH_ADDR_HI, get_unaligned_le16(addr + 4)) |
		     E1KX_RAH_AV;
	}
	/* Clear AV first so a half-written entry never matches */
	e1kx_wr32(priv, E1KX_RAH(idx), 0);
	e1kx_wr32(priv, E1KX_RAL(idx), lo);
	e1kx_wr32(priv, E1KX_RAH(idx), hi);
}

static void e1kx_hw_init_filters(struct e1kx_priv *priv)
{
	unsigned int i;

	e1kx_hw_set_rar(priv, 0, priv->netdev->dev_addr);
	for (i = 1; i < E1KX_RAR_ENTRIES; i++)
		e1kx_hw_set_rar(priv, i, NULL);
	for (i = 0; i < E1KX_MTA_ENTRIES; i++)
		e1kx_wr32(priv, E1KX_MTA(i), 0);
	for (i = 0; i < E1KX_VFTA_ENTRIES; i++)
		e1kx_wr32(priv, E1KX_VFTA(i), 0);
	e1kx_wr32(priv, E1KX_VET, ETH_P_8021Q);
}

/*
 * PAUSE generation thresholds in the RX packet buffer: send XOFF when less
 * than two maximum frames of room are left, XON once one more has drained.
 */
void e1kx_hw_set_fc_watermarks(struct e1kx_priv *priv, bool enable)
{
	u32 pba_bytes = FIELD_GET(E1KX_PBA_RX_KB, e1kx_rd32(priv, E1KX_PBA)) *
			SZ_1K;
	u32 max_frame = priv->netdev->mtu + VLAN_ETH_HLEN + ETH_FCS_LEN;
	u32 high, low;

	if (!enable || pba_bytes < 3 * max_frame) {
		e1kx_wr32(priv, E1KX_FCRTL, 0);
		e1kx_wr32(priv, E1KX_FCRTH, 0);
		return;
	}
	high = (pba_bytes - 2 * max_frame) & E1KX_FCRT_MASK;
	low = (high - max_frame) & E1KX_FCRT_MASK;
	e1kx_wr32(priv, E1KX_FCRTL, low | E1KX_FCRTL_XONE);
	e1kx_wr32(priv, E1KX_FCRTH, high);
}

/* PAUSE frames, and the watermarks of the setting resolved at link-up */
static void e1kx_hw_init_flow_control(struct e1kx_priv *priv)
{
	e1kx_wr32(priv, E1KX_FCAL, get_unaligned_le32(e1kx_pause_addr));
	e1kx_wr32(priv, E1KX_FCAH, get_unaligned_le16(e1kx_pause_addr + 4));
	e1kx_wr32(priv, E1KX_FCT, ETH_P_PAUSE);
	e1kx_wr32(priv, E1KX_FCTTV, E1KX_FC_PAUSE_TIME);
	e1kx_hw_set_fc_watermarks(priv, priv->fc_active & FLOW_CTRL_TX);
}

/*
 * Register values the 82574 needs whatever the NVM loaded (datasheet
 * initialization and specification update). CTRL_EXT holds bits the NVM
 * loads, so it is only ever read-modify-written.
 */
static void e1kx_hw_init_errata(struct e1kx_priv *priv)
{
	u32 ext, tarc, txdctl;
	unsigned int q;

	ext = e1kx_rd32(priv, E1KX_CTRL_EXT);
	ext &= ~(E1KX_CTRL_EXT_INIT_CLR | E1KX_CTRL_EXT_IAME |
		 E1KX_CTRL_EXT_EIAME | E1KX_CTRL_EXT_PBA_CLR);
	ext |= E1KX_CTRL_EXT_INIT_SET;
	e1kx_wr32(priv, E1KX_CTRL_EXT, ext);
	e1kx_hw_drv_load(priv);

	/* Unreliable PCIe completions (worst with ASPM) hang transmit */
	e1kx_wr32(priv, E1KX_GCR,
		  e1kx_rd32(priv, E1KX_GCR) | E1KX_GCR_ERRATA_COMPL);
	e1kx_wr32(priv, E1KX_GCR2,
		  e1kx_rd32(priv, E1KX_GCR2) | E1KX_GCR2_ERRATA_COMPL);

	tarc = e1kx_rd32(priv, E1KX_TARC(0));
	tarc &= ~E1KX_TARC0_INIT_CLR;
	tarc |= E1KX_TARC0_INIT_SET;
	e1kx_wr32(priv, E1KX_TARC(0), tarc);

	/*
	 * Both queues' TXDCTL must hold the same value, used or not. WTHRESH
	 * 1: each RS descriptor is written back at once (completion latency).
	 */
	txdctl = E1KX_TXDCTL_GRAN | E1KX_TXDCTL_COUNT_DESC |
		 FIELD_PREP(E1KX_TXDCTL_WTHRESH, 1);
	for (q = 0; q < E1KX_NUM_QUEUES; q++)
		e1kx_wr32(priv, E1KX_TXDCTL(q), txdctl);

	/* No small-packet-detect interrupts */
	e1kx_wr32(priv, E1KX_RSRPD, 0);
}

/*
 * CTRL_EXT.DRV_LOAD tells firmware that a driver owns the port: from probe
 * to removal, or, when manageability firmware shares the port, only while
 * the interface is up (open/stop call this again).
 */
void e1kx_hw_drv_load(struct e1kx_priv *priv)
{
	u32 ext = e1kx_rd32(priv, E1KX_CTRL_EXT);

	if (!priv->mng_enabled || netif_running(priv->netdev))
		ext |= E1KX_CTRL_EXT_DRV_LOAD;
	else
		ext &= ~E1KX_CTRL_EXT_DRV_LOAD;
	e1kx_wr32(priv, E1KX_CTRL_EXT, ext);
}

/* Firmware manages the port (a BMC shares it): keep the PHY powered */
bool e1kx_hw_mng_enabled(struct e1kx_priv *priv)
{
	return (priv->nvm_valid &&
		(priv->nvm[E1KX_NVM_WORD_INIT_CTRL2] &
		 E1KX_NVM_INIT_CTRL2_MNGM)) ||
	       (e1kx_rd32(priv, E1KX_MANC) & E1KX_MANC_BLK_PHY_RST_ON_IDE);
}

/*
 * RX and TX ring registers share one layout from RDBAL/TDBAL: base low,
 * base high, length in bytes, head, tail. Head and tail start at 0.
 */
void e1kx_hw_ring_setup(struct e1kx_priv *priv, u32 bal, dma_addr_t dma,
			u32 bytes)
{
	e1kx_wr32(priv, bal + E1KX_RING_BAL, lower_32_bits(dma));
	e1kx_wr32(priv, bal + E1KX_RING_BAH, upper_32_bits(dma));
	e1kx_wr32(priv, bal + E1KX_RING_LEN, bytes);
	e1kx_wr32(priv, bal + E1KX_RING_HEAD, 0);
	e1kx_wr32(priv, bal + E1KX_RING_TAIL, 0);
}

static void e1kx_hw_init_rings(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < E1KX_NUM_QUEUES; q++) {
		e1kx_hw_ring_setup(priv, E1KX_RDBAL(q), 0, 0);
		e1kx_hw_ring_setup(priv, E1KX_TDBAL(q), 0, 0);
	}
	e1kx_wr32(priv, E1KX_RDTR, 0);
	e1kx_wr32(priv, E1KX_RADV, 0);
	e1kx_wr32(priv, E1KX_TIDV, 0);
	e1kx_wr32(priv, E1KX_TADV, 0);
	e1kx_wr32(priv, E1KX_MRQC, 0);
	e1kx_wr32(priv, E1KX_RXCSUM, 0);
	e1kx_wr32(priv, E1KX_RFCTL, 0);
}

static void e1kx_hw_clear_stats(struct e1kx_priv *priv)
{
	u32 reg;

	for (reg = E1KX_STATS_FIRST; reg <= E1KX_STATS_LAST; reg += 4)
		e1kx_rd32(priv, reg);
}

/*
 * Program every register the driver relies on, from a known state.
 * Called after e1kx_hw_reset() with RX/TX disabled and interrupts masked.
 */
void e1kx_hw_init(struct e1kx_priv *priv)
{
	unsigned int v;
	u32 set;

	/*
	 * Link: the configured mode (autonegotiated or forced, ethtool -s)
	 * and the PAUSE setting resolved at the last link-up survive a reset;
	 * VLAN stripping is set again by the datapath's configuration.
	 */
	set = E1KX_CTRL_SLU | e1kx_phy_ctrl_link_bits(priv);
	if (priv->fc_active & FLOW_CTRL_RX)
		set |= E1KX_CTRL_RFCE;
	if (priv->fc_active & FLOW_CTRL_TX)
		set |= E1KX_CTRL_TFCE;
	e1kx_ctrl_update(priv, E1KX_CTRL_GIO_MASTER_DISABLE |
			 E1KX_CTRL_FRCSPD | E1KX_CTRL_FRCDPX |
			 E1KX_CTRL_SPEED | E1KX_CTRL_FD | E1KX_CTRL_RFCE |
			 E1KX_CTRL_TFCE | E1KX_CTRL_VME | E1KX_CTRL_PHY_RST |
			 E1KX_CTRL_RST | E1KX_CTRL_RSVD29 |
			 E1KX_CTRL_ADVD3WUC | E1KX_CTRL_EN_PHY_PWR_MGMT, set);
	e1kx_hw_init_errata(priv);

	e1kx_wr32(priv, E1KX_IMC, E1KX_INT_ALL);
	e1kx_wr32(priv, E1KX_IAM, 0);
	e1kx_wr32(priv, E1KX_EIAC, 0);
	e1kx_wr32(priv, E1KX_IVAR, 0);
	e1kx_wr32(priv, E1KX_ITR, E1KX_ITR_DEFAULT);
	for (v = 0; v < E1KX_MSIX_VECTORS; v++)
		e1kx_wr32(priv, E1KX_EITR(v), E1KX_ITR_DEFAULT);

	e1kx_rctl_update(priv, U32_MAX, 0);
	e1kx_wr32(priv, E1KX_TCTL, E1KX_TCTL_PSP |
		  FIELD_PREP(E1KX_TCTL_CT, E1KX_TCTL_CT_DEFAULT) |
		  FIELD_PREP(E1KX_TCTL_COLD, E1KX_TCTL_COLD_FD) |
		  E1KX_TCTL_RTLC);
	e1kx_wr32(priv, E1KX_TIPG,
		  FIELD_PREP(E1KX_TIPG_IPGT, E1KX_TIPG_IPGT_COPPER) |
		  FIELD_PREP(E1KX_TIPG_IPGR1, E1KX_TIPG_IPGR1_DEFAULT) |
		  FIELD_PREP(E1KX_TIPG_IPGR2, E1KX_TIPG_IPGR2_DEFAULT));

	e1kx_hw_init_rings(priv);
	e1kx_hw_init_filters(priv);
	e1kx_hw_init_flow_control(priv);
	e1kx_hw_clear_stats(priv);
	e1kx_flush(priv);
}

/* Hand the device back: no DMA, no interrupts, firmware owns it again */
void e1kx_hw_release(struct e1kx_priv *priv)
{
	/* A failed or removed device: nothing to reset, DMA is blocked */
	if (pci_channel_offline(priv->pdev))
		return;
	e1kx_hw_reset(priv);
	e1kx_wr32(priv, E1KX_CTRL_EXT,
		  e1kx_rd32(priv, E1KX_CTRL_EXT) & ~E1KX_CTRL_EXT_DRV_LOAD);
	e1kx_flush(priv);
}
