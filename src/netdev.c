// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: net_device operations and the watchdog.
 */
#include <linux/etherdevice.h>

#include "e1kx.h"

static void e1kx_watchdog(struct work_struct *work)
{
	struct e1kx_priv *priv = container_of(to_delayed_work(work),
					      struct e1kx_priv, watchdog);

	e1kx_link_update(priv);
	if (test_bit(E1KX_STATE_UP, &priv->state))
		queue_delayed_work(system_wq, &priv->watchdog,
				   E1KX_WATCHDOG_PERIOD);
}

static int e1kx_open(struct net_device *netdev)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	int err;

	err = e1kx_irq_request(priv);
	if (err) {
		netdev_err(netdev, "cannot request interrupt: %d\n", err);
		return err;
	}

	err = e1kx_phy_power_up_autoneg(priv);
	if (err)
		goto err_free_irq;

	set_bit(E1KX_STATE_UP, &priv->state);
	e1kx_irq_enable(priv);
	netif_tx_start_all_queues(netdev);
	queue_delayed_work(system_wq, &priv->watchdog, 0);
	return 0;

err_free_irq:
	e1kx_irq_release(priv);
	return err;
}

static int e1kx_stop(struct net_device *netdev)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	clear_bit(E1KX_STATE_UP, &priv->state);
	netif_tx_disable(netdev);
	e1kx_irq_disable(priv);
	e1kx_irq_release(priv);
	cancel_delayed_work_sync(&priv->watchdog);
	netif_carrier_off(netdev);
	priv->link_speed = SPEED_UNKNOWN;
	priv->link_duplex = DUPLEX_UNKNOWN;
	e1kx_phy_power_down(priv);
	return 0;
}

/* No datapath yet: account the frame as dropped */
static netdev_tx_t e1kx_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	atomic64_inc(&priv->tx_dropped);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static int e1kx_set_mac_address(struct net_device *netdev, void *p)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	int err;

	err = eth_prepare_mac_addr_change(netdev, p);
	if (err)
		return err;
	eth_commit_mac_addr_change(netdev, p);
	e1kx_hw_set_rar(priv, 0, netdev->dev_addr);
	return 0;
}

static void e1kx_get_stats64(struct net_device *netdev,
			     struct rtnl_link_stats64 *stats)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	stats->tx_dropped = atomic64_read(&priv->tx_dropped);
}

static const struct net_device_ops e1kx_netdev_ops = {
	.ndo_open		= e1kx_open,
	.ndo_stop		= e1kx_stop,
	.ndo_start_xmit		= e1kx_xmit,
	.ndo_set_mac_address	= e1kx_set_mac_address,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_stats64	= e1kx_get_stats64,
};

void e1kx_netdev_setup(struct e1kx_priv *priv)
{
	struct net_device *netdev = priv->netdev;

	netdev->netdev_ops = &e1kx_netdev_ops;
	e1kx_set_ethtool_ops(netdev);
	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = ETH_DATA_LEN;
	netdev->watchdog_timeo = 5 * HZ;
	INIT_DELAYED_WORK(&priv->watchdog, e1kx_watchdog);
	priv->link_speed = SPEED_UNKNOWN;
	priv->link_duplex = DUPLEX_UNKNOWN;
	atomic64_set(&priv->tx_dropped, 0);
}
