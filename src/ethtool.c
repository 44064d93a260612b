// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: ethtool operations.
 *
 * Every setting is validated before anything changes; changes that need
 * new rings allocate them first (e1kx_reconfigure), so a failure leaves
 * the interface as it was.
 */
#include <linux/ethtool.h>
#include <linux/mii.h>
#include <linux/rtnetlink.h>

#include "e1kx.h"

#define E1KX_REGS_DUMP_VERSION	1
#define E1KX_REGS_VERSION_SHIFT	24
#define E1KX_REGS_REV_SHIFT	16
#define E1KX_NVM_BYTES		(E1KX_NVM_WORDS * 2)
#define E1KX_ID_BLINKS_PER_SEC	2

static const u32 e1kx_dump_regs[] = {
	E1KX_CTRL, E1KX_STATUS, E1KX_CTRL_EXT, E1KX_EECD, E1KX_FCAL,
	E1KX_FCAH, E1KX_FCT, E1KX_VET, E1KX_FCTTV, E1KX_ITR, E1KX_IMS,
	E1KX_EIAC, E1KX_IAM, E1KX_IVAR, E1KX_EITR(0), E1KX_EITR(1),
	E1KX_EITR(2), E1KX_RCTL, E1KX_TCTL, E1KX_TIPG, E1KX_LEDCTL,
	E1KX_EXTCNF_CTRL, E1KX_PBA, E1KX_FCRTL, E1KX_FCRTH,
	E1KX_RDBAL(0), E1KX_RDBAH(0), E1KX_RDLEN(0), E1KX_RDH(0), E1KX_RDT(0),
	E1KX_RXDCTL(0), E1KX_RDBAL(1), E1KX_RDBAH(1), E1KX_RDLEN(1),
	E1KX_RDH(1), E1KX_RDT(1), E1KX_RXDCTL(1), E1KX_RDTR, E1KX_RADV,
	E1KX_TDBAL(0), E1KX_TDBAH(0), E1KX_TDLEN(0), E1KX_TDH(0), E1KX_TDT(0),
	E1KX_TXDCTL(0), E1KX_TARC(0), E1KX_TDBAL(1), E1KX_TDBAH(1),
	E1KX_TDLEN(1), E1KX_TDH(1), E1KX_TDT(1), E1KX_TXDCTL(1), E1KX_TARC(1),
	E1KX_TIDV, E1KX_TADV, E1KX_RXCSUM, E1KX_RFCTL, E1KX_MRQC, E1KX_MANC,
	E1KX_RAL(0), E1KX_RAH(0), E1KX_GCR, E1KX_GCR2, E1KX_RSRPD, E1KX_WUC,
	E1KX_WUFC,
};

static void e1kx_get_drvinfo(struct net_device *netdev,
			     struct ethtool_drvinfo *info)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	strscpy(info->driver, E1KX_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, E1KX_DRV_VERSION, sizeof(info->version));
	strscpy(info->fw_version, priv->nvm_version, sizeof(info->fw_version));
	strscpy(info->bus_info, pci_name(priv->pdev), sizeof(info->bus_info));
}

/* ---- link settings ---- */

static void e1kx_fill_supported(unsigned long *modes)
{
	mii_adv_to_linkmode_adv_t(modes, ADVERTISE_ALL | ADVERTISE_PAUSE_CAP |
				  ADVERTISE_PAUSE_ASYM);
	mii_ctrl1000_mod_linkmode_adv_t(modes, ADVERTISE_1000FULL);
	linkmode_set_bit(ETHTOOL_LINK_MODE_Autoneg_BIT, modes);
	linkmode_set_bit(ETHTOOL_LINK_MODE_TP_BIT, modes);
}

static int e1kx_get_link_ksettings(struct net_device *netdev,
				   struct ethtool_link_ksettings *cmd)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	u16 adv, ctrl1000, lpa, stat1000;
	int err;

	err = e1kx_phy_read(priv, MII_ADVERTISE, &adv) ?:
	      e1kx_phy_read(priv, MII_CTRL1000, &ctrl1000) ?:
	      e1kx_phy_read(priv, MII_LPA, &lpa) ?:
	      e1kx_phy_read(priv, MII_STAT1000, &stat1000);
	if (err)
		return err;

	e1kx_fill_supported(cmd->link_modes.supported);
	linkmode_set_bit(ETHTOOL_LINK_MODE_TP_BIT, cmd->link_modes.advertising);
	cmd->base.port = PORT_TP;
	cmd->base.phy_address = E1KX_PHY_ADDR;
	cmd->base.mdio_support = ETH_MDIO_SUPPORTS_C22;
	cmd->base.autoneg = priv->autoneg ? AUTONEG_ENABLE : AUTONEG_DISABLE;
	if (priv->autoneg) {
		mii_adv_to_linkmode_adv_t(cmd->link_modes.advertising, adv);
		mii_ctrl1000_mod_linkmode_adv_t(cmd->link_modes.advertising,
						ctrl1000);
		linkmode_set_bit(ETHTOOL_LINK_MODE_Autoneg_BIT,
				 cmd->link_modes.advertising);
		if (netif_carrier_ok(netdev)) {
			mii_lpa_mod_linkmode_lpa_t(cmd->link_modes.lp_advertising,
						   lpa);
			mii_stat1000_mod_linkmode_lpa_t(cmd->link_modes.lp_advertising,
							stat1000);
		}
	}
	cmd->base.speed = netif_carrier_ok(netdev) ? priv->link_speed :
						     SPEED_UNKNOWN;
	cmd->base.duplex = netif_carrier_ok(netdev) ? priv->link_duplex :
						      DUPLEX_UNKNOWN;
	return 0;
}

static int e1kx_set_link_ksettings(struct net_device *netdev,
				   const struct ethtool_link_ksettings *cmd)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	__ETHTOOL_DECLARE_LINK_MODE_MASK(supported) = {};
	__ETHTOOL_DECLARE_LINK_MODE_MASK(adv);
	u8 duplex = cmd->base.duplex;
	u32 speed = cmd->base.speed;
	u16 mii, mii1000;
	int err;

	e1kx_fill_supported(supported);
	linkmode_copy(adv, cmd->link_modes.advertising);
	if (cmd->base.autoneg == AUTONEG_ENABLE) {
		if (!linkmode_subset(adv, supported)) {
			netdev_info(netdev, "unsupported link mode requested\n");
			return -EINVAL;
		}
		mii = linkmode_adv_to_mii_adv_t(adv) & ADVERTISE_ALL;
		mii1000 = linkmode_adv_to_mii_ctrl1000_t(adv) &
			  ADVERTISE_1000FULL;
		if (!mii && !mii1000) {
			netdev_info(netdev, "no speed left to advertise\n");
			return -EINVAL;
		}
		priv->autoneg = true;
		priv->adv = mii;
		priv->adv1000 = mii1000;
	} else {
		if (speed == SPEED_1000) {
			netdev_info(netdev, "1000BASE-T needs autonegotiation\n");
			return -EINVAL;
		}
		if ((speed != SPEED_10 && speed != SPEED_100) ||
		    (duplex != DUPLEX_HALF && duplex != DUPLEX_FULL)) {
			netdev_info(netdev, "forced mode must be 10 or 100, half or full\n");
			return -EINVAL;
		}
		priv->autoneg = false;
		priv->forced_speed = speed;
		priv->forced_duplex = duplex;
	}
	if (!netif_running(netdev))
		return 0;
	err = e1kx_phy_apply_config(priv);
	/* A forced change raises no link interrupt: look at the link now */
	mod_delayed_work(system_wq, &priv->watchdog, 0);
	return err;
}

static int e1kx_nway_reset(struct net_device *netdev)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	if (!netif_running(netdev) || !priv->autoneg)
		return -EINVAL;
	return e1kx_phy_restart_autoneg(priv);
}

static void e1kx_get_pauseparam(struct net_device *netdev,
				struct ethtool_pauseparam *pause)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	pause->autoneg = priv->fc_autoneg;
	pause->rx_pause = priv->fc_rx;
	pause->tx_pause = priv->fc_tx;
}

static int e1kx_set_pauseparam(struct net_device *netdev,
			       struct ethtool_pauseparam *pause)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	if (pause->autoneg && !priv->autoneg) {
		netdev_info(netdev, "pause autonegotiation needs link autonegotiation\n");
		return -EINVAL;
	}
	priv->fc_autoneg = pause->autoneg;
	priv->fc_rx = pause->rx_pause;
	priv->fc_tx = pause->tx_pause;
	if (!netif_running(netdev))
		return 0;
	/* Re-advertise and renegotiate, or program the forced setting */
	if (priv->fc_autoneg)
		return e1kx_phy_apply_config(priv);
	e1kx_flow_control_update(priv);
	return 0;
}

/* ---- rings and channels ---- */

static void e1kx_get_ringparam(struct net_device *netdev,
			       struct ethtool_ringparam *ring,
			       struct kernel_ethtool_ringparam *kring,
			       struct netlink_ext_ack *extack)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	ring->rx_max_pending = E1KX_RING_MAX;
	ring->tx_max_pending = E1KX_RING_MAX;
	ring->rx_pending = priv->rx_ring_count;
	ring->tx_pending = priv->tx_ring_count;
}

static bool e1kx_ring_count_ok(u32 count)
{
	return count >= E1KX_RING_MIN && count <= E1KX_RING_MAX &&
	       IS_ALIGNED(count, E1KX_RING_ALIGN);
}

static int e1kx_set_ringparam(struct net_device *netdev,
			      struct ethtool_ringparam *ring,
			      struct kernel_ethtool_ringparam *kring,
			      struct netlink_ext_ack *extack)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	if (ring->rx_mini_pending || ring->rx_jumbo_pending) {
		NL_SET_ERR_MSG_MOD(extack, "no mini or jumbo rings");
		return -EINVAL;
	}
	if (!e1kx_ring_count_ok(ring->rx_pending) ||
	    !e1kx_ring_count_ok(ring->tx_pending)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "ring sizes must be 128..4096 and a multiple of 8");
		return -EINVAL;
	}
	if (ring->rx_pending == priv->rx_ring_count &&
	    ring->tx_pending == priv->tx_ring_count)
		return 0;
	return e1kx_reconfigure(priv, ring->tx_pending, ring->rx_pending,
				priv->num_queue_pairs);
}

static u32 e1kx_max_queue_pairs(struct e1kx_priv *priv)
{
	return priv->irq_mode == E1KX_IRQ_MSIX ? E1KX_MAX_QUEUE_PAIRS : 1;
}

static void e1kx_get_channels(struct net_device *netdev,
			      struct ethtool_channels *ch)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	bool msix = priv->irq_mode == E1KX_IRQ_MSIX;

	ch->max_combined = e1kx_max_queue_pairs(priv);
	ch->combined_count = priv->num_queue_pairs;
	ch->max_other = msix ? 1 : 0;
	ch->other_count = ch->max_other;
}

static int e1kx_set_channels(struct net_device *netdev,
			     struct ethtool_channels *ch)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	if (ch->rx_count || ch->tx_count) {
		netdev_info(netdev, "queues come in TX/RX pairs: use combined\n");
		return -EINVAL;
	}
	if (!ch->combined_count ||
	    ch->combined_count > e1kx_max_queue_pairs(priv) ||
	    ch->other_count != (priv->irq_mode == E1KX_IRQ_MSIX ? 1 : 0)) {
		netdev_info(netdev, "combined must be 1..%u, other is fixed\n",
			    e1kx_max_queue_pairs(priv));
		return -EINVAL;
	}
	if (ch->combined_count == priv->num_queue_pairs)
		return 0;
	return e1kx_reconfigure(priv, priv->tx_ring_count,
				priv->rx_ring_count, ch->combined_count);
}

/* ---- RSS ---- */

static u32 e1kx_get_rxfh_key_size(struct net_device *netdev)
{
	return E1KX_RSS_KEY_SIZE;
}

static u32 e1kx_get_rxfh_indir_size(struct net_device *netdev)
{
	return E1KX_RETA_ENTRIES;
}

static int e1kx_rxfh_get(struct net_device *netdev, u32 *indir, u8 *key,
			 u8 *hfunc)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	unsigned int i;

	if (hfunc)
		*hfunc = ETH_RSS_HASH_TOP;
	if (indir)
		for (i = 0; i < E1KX_RETA_ENTRIES; i++)
			indir[i] = priv->rss_indir[i];
	if (key)
		memcpy(key, priv->rss_key, E1KX_RSS_KEY_SIZE);
	return 0;
}

static int e1kx_rxfh_set(struct net_device *netdev, const u32 *indir,
			 const u8 *key, u8 hfunc,
			 struct netlink_ext_ack *extack)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	unsigned int i;

	if (hfunc != ETH_RSS_HASH_NO_CHANGE && hfunc != ETH_RSS_HASH_TOP) {
		NL_SET_ERR_MSG_MOD(extack, "only the Toeplitz hash exists");
		return -EOPNOTSUPP;
	}
	if (indir) {
		for (i = 0; i < E1KX_RETA_ENTRIES; i++)
			if (indir[i] >= priv->num_queue_pairs)
				return -EINVAL;
		for (i = 0; i < E1KX_RETA_ENTRIES; i++)
			priv->rss_indir[i] = indir[i];
	}
	if (key)
		memcpy(priv->rss_key, key, E1KX_RSS_KEY_SIZE);
	e1kx_rss_program(priv);
	return 0;
}

E1KX_DEFINE_RXFH_OPS(e1kx_rxfh_get, e1kx_rxfh_set)

#define E1KX_RXH_IP	(RXH_IP_SRC | RXH_IP_DST)
#define E1KX_RXH_L4	(RXH_L4_B_0_1 | RXH_L4_B_2_3)

/* The MRQC bit that adds TCP ports for a flow type, or 0 */
static u32 e1kx_flow_tcp_bit(u32 flow_type)
{
	switch (flow_type) {
	case TCP_V4_FLOW:
		return E1KX_MRQC_TCPIPV4;
	case TCP_V6_FLOW:
		return E1KX_MRQC_TCPIPV6;
	default:
		return 0;
	}
}

static bool e1kx_flow_known(u32 flow_type)
{
	switch (flow_type) {
	case TCP_V4_FLOW: case UDP_V4_FLOW: case SCTP_V4_FLOW:
	case AH_ESP_V4_FLOW: case IPV4_FLOW:
	case TCP_V6_FLOW: case UDP_V6_FLOW: case SCTP_V6_FLOW:
	case AH_ESP_V6_FLOW: case IPV6_FLOW:
		return true;
	default:
		return false;
	}
}

static int e1kx_get_rxnfc(struct net_device *netdev, struct ethtool_rxnfc *nfc,
			  u32 *rule_locs)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	u32 tcp_bit;

	switch (nfc->cmd) {
	case ETHTOOL_GRXRINGS:
		nfc->data = priv->num_queue_pairs;
		return 0;
	case ETHTOOL_GRXFH:
		if (!e1kx_flow_known(nfc->flow_type))
			return -EINVAL;
		nfc->data = E1KX_RXH_IP;
		tcp_bit = e1kx_flow_tcp_bit(nfc->flow_type);
		if (tcp_bit && (priv->rss_fields & tcp_bit))
			nfc->data |= E1KX_RXH_L4;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static int e1kx_set_rxnfc(struct net_device *netdev, struct ethtool_rxnfc *nfc)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	u32 tcp_bit;

	if (nfc->cmd != ETHTOOL_SRXFH)
		return -EOPNOTSUPP;
	if (!e1kx_flow_known(nfc->flow_type))
		return -EINVAL;
	tcp_bit = e1kx_flow_tcp_bit(nfc->flow_type);
	if (nfc->data == E1KX_RXH_IP) {
		priv->rss_fields &= ~tcp_bit;
	} else if (tcp_bit && nfc->data == (E1KX_RXH_IP | E1KX_RXH_L4)) {
		priv->rss_fields |= tcp_bit;
	} else {
		netdev_info(netdev, "the 82574 hashes IP addresses, plus ports for TCP only\n");
		return -EINVAL;
	}
	e1kx_rss_program(priv);
	return 0;
}

/* ---- interrupt moderation ---- */

static int e1kx_get_coalesce(struct net_device *netdev,
			     struct ethtool_coalesce *ec,
			     struct kernel_ethtool_coalesce *kec,
			     struct netlink_ext_ack *extack)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	ec->rx_coalesce_usecs = priv->rx_usecs;
	ec->tx_coalesce_usecs = priv->rx_usecs;
	ec->use_adaptive_rx_coalesce = priv->adaptive_rx;
	ec->use_adaptive_tx_coalesce = priv->adaptive_tx;
	return 0;
}

static int e1kx_set_coalesce(struct net_device *netdev,
			     struct ethtool_coalesce *ec,
			     struct kernel_ethtool_coalesce *kec,
			     struct netlink_ext_ack *extack)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	u32 usecs = ec->rx_coalesce_usecs;

	/* TX and RX of a pair share one vector, so one interval */
	if (ec->tx_coalesce_usecs != priv->rx_usecs) {
		if (usecs != priv->rx_usecs &&
		    usecs != ec->tx_coalesce_usecs) {
			NL_SET_ERR_MSG_MOD(extack,
					   "rx-usecs and tx-usecs share a vector and must be equal");
			return -EINVAL;
		}
		usecs = ec->tx_coalesce_usecs;
	}
	if (usecs > E1KX_USECS_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "usecs must be 0..16776");
		return -ERANGE;
	}
	priv->rx_usecs = usecs;
	WRITE_ONCE(priv->adaptive_rx, !!ec->use_adaptive_rx_coalesce);
	WRITE_ONCE(priv->adaptive_tx, !!ec->use_adaptive_tx_coalesce);
	if (netif_running(netdev))
		e1kx_moderation_apply(priv);
	return 0;
}

/* ---- statistics ---- */

static int e1kx_get_sset_count(struct net_device *netdev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return e1kx_stats_count(netdev_priv(netdev));
	case ETH_SS_TEST:
		return e1kx_selftest_count();
	default:
		return -EOPNOTSUPP;
	}
}

static void e1kx_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		e1kx_stats_strings(netdev_priv(netdev), data);
	else if (sset == ETH_SS_TEST)
		e1kx_selftest_strings(data);
}

static void e1kx_get_ethtool_stats(struct net_device *netdev,
				   struct ethtool_stats *stats, u64 *data)
{
	e1kx_stats_fill(netdev_priv(netdev), data);
}

static void e1kx_get_eth_mac_stats(struct net_device *netdev,
				   struct ethtool_eth_mac_stats *mac)
{
	e1kx_stats_eth_mac(netdev_priv(netdev), mac);
}

static void e1kx_get_eth_ctrl_stats(struct net_device *netdev,
				    struct ethtool_eth_ctrl_stats *ctrl)
{
	e1kx_stats_eth_ctrl(netdev_priv(netdev), ctrl);
}

static void e1kx_get_pause_stats(struct net_device *netdev,
				 struct ethtool_pause_stats *pause)
{
	e1kx_stats_pause(netdev_priv(netdev), pause);
}

static void e1kx_get_rmon_stats(struct net_device *netdev,
				struct ethtool_rmon_stats *rmon,
				const struct ethtool_rmon_hist_range **ranges)
{
	e1kx_stats_rmon(netdev_priv(netdev), rmon, ranges);
}

/* ---- registers, NVM, LED, WoL, self-test ---- */

static int e1kx_get_regs_len(struct net_device *netdev)
{
	return sizeof(e1kx_dump_regs);
}

static void e1kx_get_regs(struct net_device *netdev, struct ethtool_regs *regs,
			  void *p)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	u32 *out = p;
	unsigned int i;

	regs->version = E1KX_REGS_DUMP_VERSION << E1KX_REGS_VERSION_SHIFT |
			priv->pdev->revision << E1KX_REGS_REV_SHIFT |
			priv->pdev->device;
	for (i = 0; i < ARRAY_SIZE(e1kx_dump_regs); i++)
		out[i] = e1kx_rd32(priv, e1kx_dump_regs[i]);
}

static int e1kx_get_eeprom_len(struct net_device *netdev)
{
	return E1KX_NVM_BYTES;
}

static u32 e1kx_nvm_magic(struct e1kx_priv *priv)
{
	return priv->pdev->vendor | (u32)priv->pdev->device << 16;
}

static int e1kx_get_eeprom(struct net_device *netdev,
			   struct ethtool_eeprom *ee, u8 *bytes)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	u16 words[E1KX_NVM_WORDS];
	unsigned int first = ee->offset / 2;
	unsigned int last = (ee->offset + ee->len - 1) / 2;
	unsigned int i;
	int err;

	ee->magic = e1kx_nvm_magic(priv);
	err = e1kx_nvm_read(priv, first, last - first + 1, words);
	if (err)
		return err;
	for (i = first; i <= last; i++)
		cpu_to_le16s(&words[i - first]);
	memcpy(bytes, (u8 *)words + (ee->offset & 1), ee->len);
	return 0;
}

static int e1kx_set_eeprom(struct net_device *netdev,
			   struct ethtool_eeprom *ee, u8 *bytes)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	u16 words[E1KX_NVM_WORDS];
	unsigned int first = ee->offset / 2;
	unsigned int last = (ee->offset + ee->len - 1) / 2;
	unsigned int n = last - first + 1, i;
	int err;

	if (ee->magic != e1kx_nvm_magic(priv)) {
		netdev_info(netdev, "NVM write needs magic 0x%08x\n",
			    e1kx_nvm_magic(priv));
		return -EINVAL;
	}
	/* Read the words first so unaligned edges keep their other byte */
	err = e1kx_nvm_read(priv, first, n, words);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		cpu_to_le16s(&words[i]);
	memcpy((u8 *)words + (ee->offset & 1), bytes, ee->len);
	for (i = 0; i < n; i++)
		le16_to_cpus(&words[i]);
	return e1kx_nvm_write(priv, first, n, words);
}

static int e1kx_set_phys_id(struct net_device *netdev,
			    enum ethtool_phys_id_state state)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	u32 led = priv->ledctl_saved & ~E1KX_LEDCTL_LED0_MODE;

	switch (state) {
	case ETHTOOL_ID_ACTIVE:
		priv->ledctl_saved = e1kx_rd32(priv, E1KX_LEDCTL);
		return E1KX_ID_BLINKS_PER_SEC;
	case ETHTOOL_ID_ON:
		e1kx_wr32(priv, E1KX_LEDCTL, led |
			  FIELD_PREP(E1KX_LEDCTL_LED0_MODE, E1KX_LEDCTL_MODE_ON));
		break;
	case ETHTOOL_ID_OFF:
		e1kx_wr32(priv, E1KX_LEDCTL, led |
			  FIELD_PREP(E1KX_LEDCTL_LED0_MODE,
				     E1KX_LEDCTL_MODE_OFF));
		break;
	case ETHTOOL_ID_INACTIVE:
		e1kx_wr32(priv, E1KX_LEDCTL, priv->ledctl_saved);
		break;
	}
	return 0;
}

#define E1KX_WOL_SUPPORTED	(WAKE_MAGIC | WAKE_UCAST | WAKE_MCAST | \
				 WAKE_BCAST)

static void e1kx_get_wol(struct net_device *netdev,
			 struct ethtool_wolinfo *wol)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	wol->supported = E1KX_WOL_SUPPORTED;
	wol->wolopts = priv->wol;
}

static int e1kx_set_wol(struct net_device *netdev, struct ethtool_wolinfo *wol)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	if (wol->wolopts & ~E1KX_WOL_SUPPORTED)
		return -EOPNOTSUPP;
	priv->wol = wol->wolopts;
	device_set_wakeup_enable(&priv->pdev->dev, !!priv->wol);
	return 0;
}

static void e1kx_self_test(struct net_device *netdev,
			   struct ethtool_test *test, u64 *data)
{
	e1kx_selftest_run(netdev_priv(netdev), test, data);
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

static const struct ethtool_ops e1kx_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_USECS |
				     ETHTOOL_COALESCE_USE_ADAPTIVE_RX |
				     ETHTOOL_COALESCE_USE_ADAPTIVE_TX,
	.get_drvinfo		= e1kx_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= e1kx_get_link_ksettings,
	.set_link_ksettings	= e1kx_set_link_ksettings,
	.nway_reset		= e1kx_nway_reset,
	.get_pauseparam		= e1kx_get_pauseparam,
	.set_pauseparam		= e1kx_set_pauseparam,
	.get_ringparam		= e1kx_get_ringparam,
	.set_ringparam		= e1kx_set_ringparam,
	.get_channels		= e1kx_get_channels,
	.set_channels		= e1kx_set_channels,
	.get_rxfh_key_size	= e1kx_get_rxfh_key_size,
	.get_rxfh_indir_size	= e1kx_get_rxfh_indir_size,
	.get_rxfh		= e1kx_rxfh_get_op,
	.set_rxfh		= e1kx_rxfh_set_op,
	.get_rxnfc		= e1kx_get_rxnfc,
	.set_rxnfc		= e1kx_set_rxnfc,
	.get_coalesce		= e1kx_get_coalesce,
	.set_coalesce		= e1kx_set_coalesce,
	.get_sset_count		= e1kx_get_sset_count,
	.get_strings		= e1kx_get_strings,
	.get_ethtool_stats	= e1kx_get_ethtool_stats,
	.get_eth_mac_stats	= e1kx_get_eth_mac_stats,
	.get_eth_ctrl_stats	= e1kx_get_eth_ctrl_stats,
	.get_pause_stats	= e1kx_get_pause_stats,
	.get_rmon_stats		= e1kx_get_rmon_stats,
	.get_regs_len		= e1kx_get_regs_len,
	.get_regs		= e1kx_get_regs,
	.get_eeprom_len		= e1kx_get_eeprom_len,
	.get_eeprom		= e1kx_get_eeprom,
	.set_eeprom		= e1kx_set_eeprom,
	.set_phys_id		= e1kx_set_phys_id,
	.get_wol		= e1kx_get_wol,
	.set_wol		= e1kx_set_wol,
	.self_test		= e1kx_self_test,
	.get_msglevel		= e1kx_get_msglevel,
	.set_msglevel		= e1kx_set_msglevel,
	.get_ts_info		= ethtool_op_get_ts_info,
};

void e1kx_set_ethtool_ops(struct net_device *netdev)
{
	netdev->ethtool_ops = &e1kx_ethtool_ops;
}
