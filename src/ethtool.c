// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: ethtool operations.
 */
#include <linux/ethtool.h>
#include <linux/mii.h>

#include "e1kx.h"

static void e1kx_get_drvinfo(struct net_device *netdev,
			     struct ethtool_drvinfo *info)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	strscpy(info->driver, E1KX_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, E1KX_DRV_VERSION, sizeof(info->version));
	strscpy(info->fw_version, priv->nvm_version, sizeof(info->fw_version));
	strscpy(info->bus_info, pci_name(priv->pdev), sizeof(info->bus_info));
}

static void e1kx_fill_supported(unsigned long *modes)
{
	linkmode_set_bit(ETHTOOL_LINK_MODE_10baseT_Half_BIT, modes);
	linkmode_set_bit(ETHTOOL_LINK_MODE_10baseT_Full_BIT, modes);
	linkmode_set_bit(ETHTOOL_LINK_MODE_100baseT_Half_BIT, modes);
	linkmode_set_bit(ETHTOOL_LINK_MODE_100baseT_Full_BIT, modes);
	linkmode_set_bit(ETHTOOL_LINK_MODE_1000baseT_Full_BIT, modes);
	linkmode_set_bit(ETHTOOL_LINK_MODE_Autoneg_BIT, modes);
	linkmode_set_bit(ETHTOOL_LINK_MODE_TP_BIT, modes);
}

static int e1kx_get_link_ksettings(struct net_device *netdev,
				   struct ethtool_link_ksettings *cmd)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	u16 bmcr, adv, ctrl1000, lpa, stat1000;
	int err;

	err = e1kx_phy_read(priv, MII_BMCR, &bmcr) ?:
	      e1kx_phy_read(priv, MII_ADVERTISE, &adv) ?:
	      e1kx_phy_read(priv, MII_CTRL1000, &ctrl1000) ?:
	      e1kx_phy_read(priv, MII_LPA, &lpa) ?:
	      e1kx_phy_read(priv, MII_STAT1000, &stat1000);
	if (err)
		return err;

	e1kx_fill_supported(cmd->link_modes.supported);
	mii_adv_to_linkmode_adv_t(cmd->link_modes.advertising, adv);
	mii_ctrl1000_mod_linkmode_adv_t(cmd->link_modes.advertising, ctrl1000);
	if (bmcr & BMCR_ANENABLE) {
		linkmode_set_bit(ETHTOOL_LINK_MODE_Autoneg_BIT,
				 cmd->link_modes.advertising);
		mii_lpa_mod_linkmode_lpa_t(cmd->link_modes.lp_advertising, lpa);
		mii_stat1000_mod_linkmode_lpa_t(cmd->link_modes.lp_advertising,
						stat1000);
	}
	linkmode_set_bit(ETHTOOL_LINK_MODE_TP_BIT, cmd->link_modes.advertising);

	cmd->base.autoneg = (bmcr & BMCR_ANENABLE) ? AUTONEG_ENABLE :
						     AUTONEG_DISABLE;
	cmd->base.port = PORT_TP;
	cmd->base.phy_address = E1KX_PHY_ADDR;
	cmd->base.mdio_support = ETH_MDIO_SUPPORTS_C22;
	if (netif_carrier_ok(netdev)) {
		cmd->base.speed = priv->link_speed;
		cmd->base.duplex = priv->link_duplex;
	} else {
		cmd->base.speed = SPEED_UNKNOWN;
		cmd->base.duplex = DUPLEX_UNKNOWN;
	}
	return 0;
}

static int e1kx_nway_reset(struct net_device *netdev)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	if (!netif_running(netdev))
		return -EAGAIN;
	return e1kx_phy_restart_autoneg(priv);
}

static u32 e1kx_get_msglevel(struct net_device *netdev)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	return priv->msg_enable;
}

static void e1kx_set_msglevel(struct net_device *netdev, u32 level)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	priv->msg_enable = level;
}

static int e1kx_get_sset_count(struct net_device *netdev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return e1kx_stats_count(netdev_priv(netdev));
}

static void e1kx_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		e1kx_stats_strings(netdev_priv(netdev), data);
}

static void e1kx_get_ethtool_stats(struct net_device *netdev,
				   struct ethtool_stats *stats, u64 *data)
{
	e1kx_stats_fill(netdev_priv(netdev), data);
}

static const struct ethtool_ops e1kx_ethtool_ops = {
	.get_drvinfo		= e1kx_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= e1kx_get_link_ksettings,
	.nway_reset		= e1kx_nway_reset,
	.get_msglevel		= e1kx_get_msglevel,
	.set_msglevel		= e1kx_set_msglevel,
	.get_sset_count		= e1kx_get_sset_count,
	.get_strings		= e1kx_get_strings,
	.get_ethtool_stats	= e1kx_get_ethtool_stats,
};

void e1kx_set_ethtool_ops(struct net_device *netdev)
{
	netdev->ethtool_ops = &e1kx_ethtool_ops;
}
