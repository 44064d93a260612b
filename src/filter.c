// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: receive filters (unicast, multicast, promiscuous, VLAN) and RSS.
 */
#include <linux/etherdevice.h>

#include "e1kx.h"

/* Multicast hash (RCTL.MO = 0): address bits 47:36 index a 4096-bit table */
#define E1KX_MTA_HASH_BITS	12
#define E1KX_MTA_REG		GENMASK(11, 5)
#define E1KX_MTA_BIT		GENMASK(4, 0)

static u32 e1kx_mta_hash(const u8 *addr)
{
	return ((addr[4] >> 4) | ((u32)addr[5] << 4)) &
	       GENMASK(E1KX_MTA_HASH_BITS - 1, 0);
}

static void e1kx_write_mta(struct e1kx_priv *priv)
{
	struct net_device *netdev = priv->netdev;
	struct netdev_hw_addr *ha;
	unsigned int i;

	memset(priv->mta, 0, sizeof(priv->mta));
	netdev_for_each_mc_addr(ha, netdev) {
		u32 hash = e1kx_mta_hash(ha->addr);

		priv->mta[FIELD_GET(E1KX_MTA_REG, hash)] |=
			BIT(FIELD_GET(E1KX_MTA_BIT, hash));
	}
	for (i = 0; i < E1KX_MTA_ENTRIES; i++)
		e1kx_wr32(priv, E1KX_MTA(i), priv->mta[i]);
}

/* Extra unicast addresses in RAR[1..]; false when they do not all fit */
static bool e1kx_write_uc(struct e1kx_priv *priv)
{
	struct net_device *netdev = priv->netdev;
	struct netdev_hw_addr *ha;
	unsigned int i = 1;

	if (netdev_uc_count(netdev) > E1KX_RAR_ENTRIES - 1)
		return false;
	netdev_for_each_uc_addr(ha, netdev)
		e1kx_hw_set_rar(priv, i++, ha->addr);
	for (; i < E1KX_RAR_ENTRIES; i++)
		e1kx_hw_set_rar(priv, i, NULL);
	return true;
}

void e1kx_set_rx_mode(struct net_device *netdev)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	u32 set = 0;

	if (netdev->flags & IFF_PROMISC) {
		set |= E1KX_RCTL_UPE | E1KX_RCTL_MPE;
	} else {
		if (netdev->flags & IFF_ALLMULTI)
			set |= E1KX_RCTL_MPE;
		else
			e1kx_write_mta(priv);
		if (!e1kx_write_uc(priv))
			set |= E1KX_RCTL_UPE;
		if (netdev->features & NETIF_F_HW_VLAN_CTAG_FILTER)
			set |= E1KX_RCTL_VFE;
	}

	e1kx_rctl_update(priv, E1KX_RCTL_UPE | E1KX_RCTL_MPE | E1KX_RCTL_VFE,
			 set);
}

/*
 * The stack calls ndo_set_rx_mode with the address lists locked; every
 * other caller must lock them too, or the walk races with dev_uc/mc_add.
 */
void e1kx_rx_mode_sync(struct e1kx_priv *priv)
{
	netif_addr_lock_bh(priv->netdev);
	e1kx_set_rx_mode(priv->netdev);
	netif_addr_unlock_bh(priv->netdev);
}

static void e1kx_vfta_set(struct e1kx_priv *priv, u16 vid, bool on)
{
	unsigned int reg = vid / 32;
	u32 bit = BIT(vid % 32);

	if (on)
		priv->vfta[reg] |= bit;
	else
		priv->vfta[reg] &= ~bit;
	e1kx_wr32(priv, E1KX_VFTA(reg), priv->vfta[reg]);
}

int e1kx_vlan_rx_add_vid(struct net_device *netdev, __be16 proto, u16 vid)
{
	e1kx_vfta_set(netdev_priv(netdev), vid, true);
	return 0;
}

int e1kx_vlan_rx_kill_vid(struct net_device *netdev, __be16 proto, u16 vid)
{
	e1kx_vfta_set(netdev_priv(netdev), vid, false);
	return 0;
}

/* Rewrite every filter from the shadows, after a reset */
void e1kx_filters_restore(struct e1kx_priv *priv)
{
	unsigned int i;

	e1kx_hw_set_rar(priv, 0, priv->netdev->dev_addr);
	for (i = 0; i < E1KX_VFTA_ENTRIES; i++)
		e1kx_wr32(priv, E1KX_VFTA(i), priv->vfta[i]);
	e1kx_rx_mode_sync(priv);
}

void e1kx_rss_init(struct e1kx_priv *priv)
{
	unsigned int nq = priv->num_queue_pairs, i;

	netdev_rss_key_fill(priv->rss_key, sizeof(priv->rss_key));
	for (i = 0; i < E1KX_RETA_ENTRIES; i++)
		priv->rss_indir[i] = ethtool_rxfh_indir_default(i, nq);
}

void e1kx_rss_program(struct e1kx_priv *priv)
{
	u32 mrqc = 0;
	unsigned int i, j;

	for (i = 0; i < E1KX_RSS_KEY_SIZE / 4; i++)
		e1kx_wr32(priv, E1KX_RSSRK(i),
			  get_unaligned_le32(&priv->rss_key[4 * i]));

	for (i = 0; i < E1KX_RETA_ENTRIES / 4; i++) {
		u32 reta = 0;

		for (j = 0; j < 4; j++)
			if (priv->rss_indir[4 * i + j])
				reta |= E1KX_RETA_QUEUE << (8 * j);
		e1kx_wr32(priv, E1KX_RETA(i), reta);
	}

	/* The hash is also wanted with one queue, for RXHASH */
	if (priv->num_queue_pairs > 1 ||
	    (priv->netdev->features & NETIF_F_RXHASH))
		mrqc = FIELD_PREP(E1KX_MRQC_ENABLE, E1KX_MRQC_ENABLE_RSS) |
		       priv->rss_fields;
	e1kx_wr32(priv, E1KX_MRQC, mrqc);
}
