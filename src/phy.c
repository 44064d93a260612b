// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: internal PHY access over MDIC, autonegotiation and link state.
 */
#include <linux/delay.h>
#include <linux/iopoll.h>
#include <linux/mii.h>

#include "e1kx.h"

/* The 82574's PHY identifies with Marvell's OUI (00:50:43) in ID1 */
#define E1KX_PHY_ID1_MARVELL_OUI	0x0141

static int e1kx_mdic(struct e1kx_priv *priv, u32 op, u32 reg, u16 *data)
{
	u32 val;
	int err;

	lockdep_assert_held(&priv->phy_lock);

	e1kx_wr32(priv, E1KX_MDIC,
		  FIELD_PREP(E1KX_MDIC_DATA, *data) |
		  FIELD_PREP(E1KX_MDIC_REGADD, reg) |
		  FIELD_PREP(E1KX_MDIC_PHYADD, E1KX_PHY_ADDR) |
		  FIELD_PREP(E1KX_MDIC_OP, op));
	err = readl_poll_timeout(priv->io + E1KX_MDIC, val,
				 val & E1KX_MDIC_READY, 10,
				 E1KX_MDIC_TIMEOUT_US);
	if (err) {
		netdev_err(priv->netdev, "MDIC timeout on PHY register %u\n",
			   reg);
		return err;
	}
	if (val & E1KX_MDIC_ERROR) {
		netdev_dbg(priv->netdev, "MDIC error on PHY register %u\n",
			   reg);
		return -EIO;
	}
	*data = FIELD_GET(E1KX_MDIC_DATA, val);
	return 0;
}

/* n MDIC operations under one hold of the lock and the ownership flag */
static int e1kx_phy_access(struct e1kx_priv *priv, u32 op, const u32 *regs,
			   u16 *data, unsigned int n)
{
	unsigned int i;
	int err;

	mutex_lock(&priv->phy_lock);
	err = e1kx_hw_swflag_acquire(priv);
	if (!err) {
		for (i = 0; i < n && !err; i++)
			err = e1kx_mdic(priv, op, regs[i], &data[i]);
		e1kx_hw_swflag_release(priv);
	}
	mutex_unlock(&priv->phy_lock);
	return err;
}

int e1kx_phy_read(struct e1kx_priv *priv, u32 reg, u16 *val)
{
	*val = 0;
	return e1kx_phy_access(priv, E1KX_MDIC_OP_READ, &reg, val, 1);
}

/* Several registers with one acquisition of the ownership flag */
static int e1kx_phy_read_regs(struct e1kx_priv *priv, const u32 *regs,
			      u16 *vals, unsigned int n)
{
	memset(vals, 0, n * sizeof(*vals));
	return e1kx_phy_access(priv, E1KX_MDIC_OP_READ, regs, vals, n);
}

int e1kx_phy_write(struct e1kx_priv *priv, u32 reg, u16 val)
{
	return e1kx_phy_access(priv, E1KX_MDIC_OP_WRITE, &reg, &val, 1);
}

int e1kx_phy_probe(struct e1kx_priv *priv)
{
	u16 id1, id2;
	int err;

	err = e1kx_phy_read(priv, MII_PHYSID1, &id1);
	if (!err)
		err = e1kx_phy_read(priv, MII_PHYSID2, &id2);
	if (err) {
		dev_err(&priv->pdev->dev, "PHY does not answer: %d\n", err);
		return err;
	}
	priv->phy_id = (u32)id1 << 16 | id2;
	if (id1 != E1KX_PHY_ID1_MARVELL_OUI)
		dev_warn(&priv->pdev->dev, "unexpected PHY id %08x\n",
			 priv->phy_id);
	return 0;
}

int e1kx_phy_restart_autoneg(struct e1kx_priv *priv)
{
	/* PAUSE is resolved again once the new negotiation completes */
	WRITE_ONCE(priv->fc_stale, true);
	return e1kx_phy_write(priv, MII_BMCR, BMCR_ANENABLE | BMCR_ANRESTART);
}

static u16 e1kx_pause_adv(const struct e1kx_priv *priv)
{
	u16 adv = 0;

	/* 802.3 Annex 28B: rx => symmetric + asymmetric, tx only => asym */
	if (priv->fc_rx)
		adv |= ADVERTISE_PAUSE_CAP | ADVERTISE_PAUSE_ASYM;
	if (priv->fc_tx)
		adv ^= ADVERTISE_PAUSE_ASYM;
	return adv;
}

#define E1KX_CTRL_LINK_MODE	(E1KX_CTRL_FRCSPD | E1KX_CTRL_FRCDPX | \
				 E1KX_CTRL_SPEED | E1KX_CTRL_FD)

/* CTRL's link mode bits for the configuration: none when autonegotiating */
u32 e1kx_phy_ctrl_link_bits(const struct e1kx_priv *priv)
{
	u32 ctrl;

	if (priv->autoneg)
		return 0;
	ctrl = E1KX_CTRL_FRCSPD | E1KX_CTRL_FRCDPX |
	       FIELD_PREP(E1KX_CTRL_SPEED, priv->forced_speed == SPEED_100 ?
			  E1KX_STATUS_SPEED_100 : E1KX_STATUS_SPEED_10);
	if (priv->forced_duplex == DUPLEX_FULL)
		ctrl |= E1KX_CTRL_FD;
	return ctrl;
}

static u16 e1kx_phy_bmcr(struct e1kx_priv *priv)
{
	u16 bmcr;

	return e1kx_phy_read(priv, MII_BMCR, &bmcr) ? BMCR_RESET : bmcr;
}

/* A PHY soft reset clears BMCR_RESET when done */
static int e1kx_phy_wait_reset(struct e1kx_priv *priv)
{
	u16 bmcr;

	return read_poll_timeout(e1kx_phy_bmcr, bmcr, !(bmcr & BMCR_RESET),
				 1000, E1KX_PHY_RESET_TIMEOUT_US, false, priv);
}

/*
 * MDI crossover: automatic while autonegotiating; the 82574's PHY needs it
 * fixed (MDI) whenever speed and duplex are forced. A PHY without the
 * register (QEMU's model answers MDIC with an error) is left as it is.
 */
static void e1kx_phy_set_mdix(struct e1kx_priv *priv, u16 mode)
{
	u16 pscr;

	if (e1kx_phy_read(priv, E1KX_PHY_SPEC_CTRL, &pscr))
		return;
	pscr &= ~E1KX_PSCR_MDIX;
	pscr |= FIELD_PREP(E1KX_PSCR_MDIX, mode);
	e1kx_phy_write(priv, E1KX_PHY_SPEC_CTRL, pscr);
}

/* A forced speed and duplex take effect in the PHY with a soft reset */
static int e1kx_phy_forced(struct e1kx_priv *priv)
{
	u16 bmcr = BMCR_RESET;
	int err;

	if (priv->forced_speed == SPEED_100)
		bmcr |= BMCR_SPEED100;
	if (priv->forced_duplex == DUPLEX_FULL)
		bmcr |= BMCR_FULLDPLX;
	e1kx_ctrl_update(priv, E1KX_CTRL_LINK_MODE,
			 e1kx_phy_ctrl_link_bits(priv));
	e1kx_phy_set_mdix(priv, E1KX_PSCR_MDIX_MDI);
	err = e1kx_phy_write(priv, MII_BMCR, bmcr);
	return err ?: e1kx_phy_wait_reset(priv);
}

/*
 * Reset a PHY that stopped working: CTRL.PHY_RST, a hard reset, unless
 * firmware blocks PHY resets (MANC), then a BMCR soft reset. The caller
 * applies the link configuration again.
 */
int e1kx_phy_reset(struct e1kx_priv *priv)
{
	int err;

	if (e1kx_rd32(priv, E1KX_MANC) & E1KX_MANC_BLK_PHY_RST_ON_IDE) {
		err = e1kx_phy_write(priv, MII_BMCR, BMCR_RESET);
		return err ?: e1kx_phy_wait_reset(priv);
	}
	mutex_lock(&priv->phy_lock);
	err = e1kx_hw_swflag_acquire(priv);
	e1kx_ctrl_update(priv, 0, E1KX_CTRL_PHY_RST);
	e1kx_flush(priv);
	usleep_range(E1KX_PHY_RST_ASSERT_US, 2 * E1KX_PHY_RST_ASSERT_US);
	e1kx_ctrl_update(priv, E1KX_CTRL_PHY_RST, 0);
	e1kx_flush(priv);
	msleep(E1KX_PHY_RST_CFG_MS);
	if (!err)
		e1kx_hw_swflag_release(priv);
	mutex_unlock(&priv->phy_lock);
	return 0;
}

/* Program the PHY from the ethtool settings: autonegotiate or force */
int e1kx_phy_apply_config(struct e1kx_priv *priv)
{
	int err;

	if (!priv->autoneg) {
		WRITE_ONCE(priv->fc_stale, true);
		return e1kx_phy_forced(priv);
	}

	e1kx_ctrl_update(priv, E1KX_CTRL_FRCSPD | E1KX_CTRL_FRCDPX, 0);
	e1kx_phy_set_mdix(priv, E1KX_PSCR_MDIX_AUTO);
	err = e1kx_phy_write(priv, MII_ADVERTISE, ADVERTISE_CSMA | priv->adv |
			     e1kx_pause_adv(priv));
	if (!err)
		err = e1kx_phy_write(priv, MII_CTRL1000, priv->adv1000);
	if (!err)
		err = e1kx_phy_restart_autoneg(priv);
	return err;
}

static u32 e1kx_fc_ctrl_bits(const struct e1kx_priv *priv)
{
	return ((priv->fc_active & FLOW_CTRL_RX) ? E1KX_CTRL_RFCE : 0) |
	       ((priv->fc_active & FLOW_CTRL_TX) ? E1KX_CTRL_TFCE : 0);
}

/* Program CTRL.RFCE/TFCE and the XON/XOFF watermarks for priv->fc_active */
static void e1kx_flow_control_program(struct e1kx_priv *priv)
{
	e1kx_hw_set_fc_watermarks(priv, priv->fc_active & FLOW_CTRL_TX);
	e1kx_ctrl_update(priv, E1KX_CTRL_RFCE | E1KX_CTRL_TFCE,
			 e1kx_fc_ctrl_bits(priv));
}

/* Resolve PAUSE as negotiated (or as forced) and enable it in the MAC */
void e1kx_flow_control_update(struct e1kx_priv *priv)
{
	static const u32 regs[] = { MII_ADVERTISE, MII_LPA };
	u16 val[ARRAY_SIZE(regs)];
	u8 fc = 0;

	if (priv->fc_autoneg && priv->autoneg) {
		if (!e1kx_phy_read_regs(priv, regs, val, ARRAY_SIZE(regs)))
			fc = mii_resolve_flowctrl_fdx(val[0], val[1]);
	} else {
		fc = (priv->fc_rx ? FLOW_CTRL_RX : 0) |
		     (priv->fc_tx ? FLOW_CTRL_TX : 0);
	}
	if (priv->link_duplex != DUPLEX_FULL)
		fc = 0;
	priv->fc_active = fc;
	e1kx_flow_control_program(priv);
}

/*
 * The MAC must run exactly the resolved PAUSE setting, whatever else
 * writes CTRL.RFCE/TFCE: a device may resolve PAUSE itself when a
 * negotiation completes without a link change the driver saw (QEMU's
 * model does). The watchdog compares them on each pass (one CTRL read)
 * and reprograms a mismatch, so a wrong setting never outlives a pass.
 */
void e1kx_flow_control_check(struct e1kx_priv *priv)
{
	u32 ctrl = e1kx_rd32(priv, E1KX_CTRL);

	if ((ctrl & (E1KX_CTRL_RFCE | E1KX_CTRL_TFCE)) != e1kx_fc_ctrl_bits(priv))
		e1kx_flow_control_program(priv);
}

/*
 * Power the PHY down when nothing needs the link: not while Wake-on-LAN
 * is configured, and never when firmware (a BMC) shares the port.
 */
void e1kx_phy_power_down(struct e1kx_priv *priv)
{
	u16 bmcr;

	if (priv->wol || e1kx_hw_mng_enabled(priv))
		return;
	if (e1kx_phy_read(priv, MII_BMCR, &bmcr))
		return;
	e1kx_phy_write(priv, MII_BMCR, bmcr | BMCR_PDOWN);
}

void e1kx_phy_power_up(struct e1kx_priv *priv)
{
	u16 bmcr;

	if (e1kx_phy_read(priv, MII_BMCR, &bmcr) || !(bmcr & BMCR_PDOWN))
		return;
	e1kx_phy_write(priv, MII_BMCR, bmcr & ~BMCR_PDOWN);
}

/*
 * 82574 erratum: the PHY can lock up. It shows as both its receive error
 * counter and the 1000BASE-T idle error count saturated; the watchdog
 * resets the device after E1KX_PHY_HANG_PASSES such passes in a row.
 */
bool e1kx_phy_hung(struct e1kx_priv *priv)
{
	static const u32 regs[] = { E1KX_PHY_RX_ERR_CNT, MII_STAT1000 };
	u16 val[ARRAY_SIZE(regs)];
	bool saturated;

	if (e1kx_fault(priv, E1KX_FAULT_PHY_HANG)) {
		val[0] = E1KX_PHY_RX_ERR_MAX;
		val[1] = E1KX_STAT1000_IDLE_ERR;
	} else if (e1kx_phy_read_regs(priv, regs, val, ARRAY_SIZE(regs))) {
		priv->phy_hang_passes = 0;
		return false;
	}
	saturated = val[0] == E1KX_PHY_RX_ERR_MAX &&
		    FIELD_GET(E1KX_STAT1000_IDLE_ERR, val[1]) ==
		    FIELD_MAX(E1KX_STAT1000_IDLE_ERR);
	priv->phy_hang_passes = saturated ? priv->phy_hang_passes + 1 : 0;
	return priv->phy_hang_passes >= E1KX_PHY_HANG_PASSES;
}

static unsigned int e1kx_status_speed(u32 status)
{
	switch (FIELD_GET(E1KX_STATUS_SPEED, status)) {
	case E1KX_STATUS_SPEED_10:
		return SPEED_10;
	case E1KX_STATUS_SPEED_100:
		return SPEED_100;
	default:
		return SPEED_1000;
	}
}

/* Make the carrier follow STATUS.LU; called from the watchdog work */
void e1kx_link_update(struct e1kx_priv *priv)
{
	struct net_device *netdev = priv->netdev;
	u32 status = e1kx_rd32(priv, E1KX_STATUS);
	bool up = status & E1KX_STATUS_LU;
	unsigned int speed = e1kx_status_speed(status);
	u8 duplex = (status & E1KX_STATUS_FD) ? DUPLEX_FULL : DUPLEX_HALF;

	if (up == netif_carrier_ok(netdev) &&
	    (!up || (speed == priv->link_speed && duplex == priv->link_duplex))) {
		/* Renegotiated without a link-down the driver saw */
		if (up && READ_ONCE(priv->fc_stale)) {
			WRITE_ONCE(priv->fc_stale, false);
			e1kx_flow_control_update(priv);
		}
		return;
	}
	WRITE_ONCE(priv->link_changes, priv->link_changes + 1);

	if (!up) {
		netif_carrier_off(netdev);
		priv->link_speed = SPEED_UNKNOWN;
		priv->link_duplex = DUPLEX_UNKNOWN;
		netif_info(priv, link, netdev, "link down\n");
		return;
	}

	priv->link_speed = speed;
	priv->link_duplex = duplex;
	WRITE_ONCE(priv->fc_stale, false);
	e1kx_flow_control_update(priv);
	netif_carrier_on(netdev);
	netif_info(priv, link, netdev, "link up, %u Mbps, %s duplex\n",
		   speed, duplex == DUPLEX_FULL ? "full" : "half");
}
