// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: net_device operations, datapath bring-up/tear-down, the watchdog
 * and the reset task.
 */
#include <linux/cpu.h>
#include <linux/etherdevice.h>
#include <linux/mii.h>
#include <linux/rtnetlink.h>

#include "e1kx.h"

#define E1KX_TX_TIMEOUT		(5 * HZ)

/*
 * Link, PAUSE, counters, the PHY lock-up check and starved rings. It keeps
 * off the device while a reset or self-test owns it (E1KX_STATE_RESETTING,
 * see e1kx_watchdog_stop()), which restarts it when done.
 */
static void e1kx_watchdog(struct work_struct *work)
{
	struct e1kx_priv *priv = container_of(to_delayed_work(work),
					      struct e1kx_priv, watchdog);
	struct net_device *netdev = priv->netdev;

	if (test_bit(E1KX_STATE_RESETTING, &priv->state) ||
	    !netif_device_present(netdev) || pci_channel_offline(priv->pdev))
		return;
	e1kx_link_update(priv);
	if (!test_bit(E1KX_STATE_UP, &priv->state))
		return;
	if (netif_carrier_ok(netdev))
		e1kx_flow_control_check(priv);
	/* A locked-up PHY may have dropped the link: check on every pass */
	if (e1kx_phy_hung(priv)) {
		netdev_err(netdev, "PHY error counters saturated, resetting\n");
		priv->phy_hang_passes = 0;
		set_bit(E1KX_STATE_PHY_RESET, &priv->state);
		schedule_work(&priv->reset_task);
	}
	e1kx_stats_watchdog(priv);
	e1kx_napi_kick(priv);
	queue_delayed_work(system_wq, &priv->watchdog, E1KX_WATCHDOG_PERIOD);
}

/*
 * Keep the watchdog off MAC and PHY: a pass already running finishes
 * first, a pass queued later (link interrupt) returns at once.
 */
void e1kx_watchdog_stop(struct e1kx_priv *priv)
{
	set_bit(E1KX_STATE_RESETTING, &priv->state);
	cancel_delayed_work_sync(&priv->watchdog);
}

/* Give MAC and PHY back to the watchdog; it runs now if the port is up */
void e1kx_watchdog_start(struct e1kx_priv *priv)
{
	clear_bit(E1KX_STATE_RESETTING, &priv->state);
	if (test_bit(E1KX_STATE_UP, &priv->state))
		mod_delayed_work(system_wq, &priv->watchdog, 0);
}

void e1kx_free_rings(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < priv->num_queue_pairs; q++) {
		e1kx_tx_ring_free(&priv->tx_ring[q]);
		e1kx_rx_ring_free(&priv->rx_ring[q]);
	}
}

int e1kx_alloc_rings(struct e1kx_priv *priv)
{
	unsigned int q;
	int err;

	for (q = 0; q < priv->num_queue_pairs; q++) {
		err = e1kx_tx_ring_alloc(priv, &priv->tx_ring[q], q,
					 priv->tx_ring_count);
		if (err)
			goto err_free;
		err = e1kx_rx_ring_alloc(priv, &priv->rx_ring[q], q,
					 priv->rx_ring_count);
		if (err)
			goto err_free;
	}
	return 0;

err_free:
	netdev_err(priv->netdev, "cannot allocate rings: %d\n", err);
	e1kx_free_rings(priv);
	return err;
}

static void e1kx_set_vlan_mode(struct e1kx_priv *priv)
{
	/* VME strips on RX and enables insertion on TX (tied, see fix) */
	if (priv->netdev->features & NETIF_F_HW_VLAN_CTAG_RX)
		e1kx_ctrl_update(priv, 0, E1KX_CTRL_VME);
	else
		e1kx_ctrl_update(priv, E1KX_CTRL_VME, 0);
}

/* Program rings and enable TX and RX; interrupts still masked */
static void e1kx_configure(struct e1kx_priv *priv)
{
	unsigned int q;

	for (q = 0; q < priv->num_queue_pairs; q++)
		e1kx_tx_ring_configure(priv, &priv->tx_ring[q]);
	e1kx_wr32(priv, E1KX_TCTL,
		  e1kx_rd32(priv, E1KX_TCTL) | E1KX_TCTL_EN);

	e1kx_rx_configure(priv);
	for (q = 0; q < priv->num_queue_pairs; q++)
		e1kx_rx_ring_configure(priv, &priv->rx_ring[q]);
	e1kx_set_vlan_mode(priv);
	e1kx_filters_restore(priv);
	e1kx_rx_enable(priv);
}

/*
 * Stop DMA in both directions and forget the rings in the device. The
 * 82574's receiver can hang if RCTL.EN is cleared under traffic: a MAC
 * reset stops it instead, and e1kx_hw_init() programs the device again
 * (the configured link mode included) for the next e1kx_up().
 */
static void e1kx_hw_stop_dma(struct e1kx_priv *priv)
{
	/* A failed channel blocks the device's DMA; it is reset on recovery */
	if (pci_channel_offline(priv->pdev))
		return;
	e1kx_hw_reset(priv);
	e1kx_hw_init(priv);
}

/* Start the datapath on allocated rings */
int e1kx_up(struct e1kx_priv *priv)
{
	unsigned int q;
	int err;

	e1kx_configure(priv);
	e1kx_napi_enable(priv);
	/* Test hook: widen the window between RX enable and unmasking */
	if (e1kx_fault(priv, E1KX_FAULT_SLOW_UP))
		msleep(E1KX_FAULT_SLOW_UP_MS);
	err = e1kx_irq_request(priv);
	if (err) {
		netdev_err(priv->netdev, "cannot request interrupts: %d\n",
			   err);
		goto err_stop;
	}

	set_bit(E1KX_STATE_UP, &priv->state);
	e1kx_irq_enable(priv);
	/*
	 * Frames that arrived since RX was enabled raised causes that the
	 * unmask cleared: poll each pair once so none waits for the next.
	 */
	e1kx_napi_schedule_all(priv);
	/* Wake, not start: after a reset or resume the qdisc may hold packets
	 * (TSQ-throttled flows) that nothing else would ever dequeue
	 */
	netif_tx_wake_all_queues(priv->netdev);
	e1kx_watchdog_start(priv);
	return 0;

err_stop:
	e1kx_napi_disable(priv);
	e1kx_hw_stop_dma(priv);
	for (q = 0; q < priv->num_queue_pairs; q++)
		e1kx_rx_ring_release_bufs(&priv->rx_ring[q]);
	return err;
}

/*
 * Stop the datapath. A no-op if it is not running: after a failed
 * e1kx_up() the caller closes the interface, and e1kx_stop() must not
 * disable NAPI or free interrupts a second time.
 */
void e1kx_down(struct e1kx_priv *priv)
{
	unsigned int q;

	if (!test_and_clear_bit(E1KX_STATE_UP, &priv->state))
		return;
	e1kx_watchdog_stop(priv);
	netif_tx_disable(priv->netdev);
	/*
	 * NAPI first: a poll that ends after the mask below would unmask its
	 * vector while auto-clear is off and leave a cause latched across the
	 * down; the mask must be the last write.
	 */
	e1kx_napi_disable(priv);
	e1kx_irq_disable(priv);
	e1kx_dim_cancel(priv);
	e1kx_irq_release(priv);
	e1kx_hw_stop_dma(priv);
	for (q = 0; q < priv->num_queue_pairs; q++) {
		e1kx_tx_ring_drain(&priv->tx_ring[q]);
		e1kx_rx_ring_release_bufs(&priv->rx_ring[q]);
	}
}

/*
 * XPS by RX queue: a connected socket transmits on the queue pair that
 * receives its traffic, so its TX completions and its received frames (ACKs,
 * replies) are handled by one vector and one NAPI poll instead of waking
 * both. Set for every queue when the queue count changes; users may
 * override it in /sys/class/net/<if>/queues/tx-<n>/xps_rxqs. A failure
 * (no memory) only loses the pairing.
 */
void e1kx_xps_init(struct e1kx_priv *priv)
{
	unsigned int q;
	int err;

	/* The map update flips static keys: CPU hotplug must wait (as sysfs) */
	cpus_read_lock();
	for (q = 0; q < priv->num_queue_pairs; q++) {
		unsigned long rxq = BIT(q);

		err = __netif_set_xps_queue(priv->netdev, &rxq, q, XPS_RXQS);
		if (err)
			netdev_dbg(priv->netdev, "XPS for queue %u: %d\n", q, err);
	}
	cpus_read_unlock();
}

/*
 * Switch the number of active queue pairs; the datapath must be down. The
 * stack's queue counts change first: they can fail (growing allocates
 * queue kobjects), and then nothing has changed. The NAPI instances of
 * pairs that go away are removed; those of new pairs are added here
 * unless the caller did already (napi_added).
 */
static int e1kx_set_queue_pairs(struct e1kx_priv *priv, unsigned int nqp,
				bool napi_added)
{
	unsigned int old = priv->num_queue_pairs;
	int err;

	if (nqp == old)
		return 0;
	err = netif_set_real_num_queues(priv->netdev, nqp, nqp);
	if (err)
		return err;
	if (nqp < old)
		e1kx_napi_del(priv, nqp, old);
	else if (!napi_added)
		e1kx_napi_add(priv, old, nqp);
	priv->num_queue_pairs = nqp;
	if (!netif_is_rxfh_configured(priv->netdev))
		e1kx_rss_init(priv);
	e1kx_xps_init(priv);
	return 0;
}

/*
 * Free rings that never ran, while the datapath may run: their pools name
 * the pairs' NAPI instances, which must be idle when a pool is destroyed.
 * NAPI pauses for as long as that takes; a vector a busy poll left masked
 * gets unmasked by the poll that follows.
 */
static void e1kx_free_unused_rings(struct e1kx_priv *priv,
				   struct e1kx_tx_ring *tx,
				   struct e1kx_rx_ring *rx, unsigned int nqp)
{
	bool up = test_bit(E1KX_STATE_UP, &priv->state);
	unsigned int q;

	if (up)
		e1kx_napi_disable(priv);
	for (q = 0; q < nqp; q++) {
		e1kx_tx_ring_free(&tx[q]);
		e1kx_rx_ring_free(&rx[q]);
	}
	if (up) {
		e1kx_napi_enable(priv);
		e1kx_napi_schedule_all(priv);
	}
}

/*
 * Change ring sizes and/or the number of queue pairs. The new rings are
 * allocated before the old ones are touched: on failure nothing changes.
 */
int e1kx_reconfigure(struct e1kx_priv *priv, unsigned int tx_count,
		     unsigned int rx_count, unsigned int nqp)
{
	struct e1kx_tx_ring tx[E1KX_MAX_QUEUE_PAIRS] = {};
	struct e1kx_rx_ring rx[E1KX_MAX_QUEUE_PAIRS] = {};
	bool running = netif_running(priv->netdev);
	unsigned int old = priv->num_queue_pairs, q;
	int err = 0;

	ASSERT_RTNL();
	if (!running) {
		err = e1kx_set_queue_pairs(priv, nqp, false);
		if (err)
			return err;
		priv->tx_ring_count = tx_count;
		priv->rx_ring_count = rx_count;
		return 0;
	}
	/* New pairs' NAPI instances first: the new pools record their ids */
	if (nqp > old)
		e1kx_napi_add(priv, old, nqp);
	for (q = 0; q < nqp && !err; q++) {
		err = e1kx_tx_ring_alloc(priv, &tx[q], q, tx_count);
		if (!err)
			err = e1kx_rx_ring_alloc(priv, &rx[q], q, rx_count);
	}
	if (err)
		goto err_free_new;

	e1kx_down(priv);
	err = e1kx_set_queue_pairs(priv, nqp, true);
	if (err) {
		/* Back to the old rings, which are still in place */
		if (e1kx_up(priv))
			dev_close(priv->netdev);
		goto err_free_new;
	}
	for (q = 0; q < E1KX_MAX_QUEUE_PAIRS; q++) {
		e1kx_tx_ring_free(&priv->tx_ring[q]);
		e1kx_rx_ring_free(&priv->rx_ring[q]);
	}
	priv->tx_ring_count = tx_count;
	priv->rx_ring_count = rx_count;
	for (q = 0; q < nqp; q++) {
		tx[q].stats = priv->tx_ring[q].stats;
		rx[q].stats = priv->rx_ring[q].stats;
		priv->tx_ring[q] = tx[q];
		priv->rx_ring[q] = rx[q];
	}
	err = e1kx_up(priv);
	if (err)
		dev_close(priv->netdev);
	return err;

err_free_new:
	e1kx_free_unused_rings(priv, tx, rx, nqp);
	if (nqp > old)
		e1kx_napi_del(priv, old, nqp);
	return err;
}

static int e1kx_open(struct net_device *netdev)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	int err;

	netif_carrier_off(netdev);
	e1kx_hw_drv_load(priv);
	/* Link first: the carrier then comes up with the negotiated result */
	err = e1kx_phy_apply_config(priv);
	if (err)
		return err;
	err = e1kx_alloc_rings(priv);
	if (err)
		return err;
	err = e1kx_up(priv);
	if (err)
		e1kx_free_rings(priv);
	return err;
}

static int e1kx_stop(struct net_device *netdev)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	e1kx_down(priv);
	e1kx_free_rings(priv);
	cancel_delayed_work_sync(&priv->watchdog);
	clear_bit(E1KX_STATE_RESETTING, &priv->state);
	netif_carrier_off(netdev);
	priv->link_speed = SPEED_UNKNOWN;
	priv->link_duplex = DUPLEX_UNKNOWN;
	e1kx_phy_power_down(priv);
	e1kx_hw_drv_load(priv);
	return 0;
}

static void e1kx_reset_task(struct work_struct *work)
{
	struct e1kx_priv *priv = container_of(work, struct e1kx_priv,
					      reset_task);
	struct net_device *netdev = priv->netdev;
	int err;

	rtnl_lock();
	if (!netif_running(netdev) || !test_bit(E1KX_STATE_UP, &priv->state))
		goto out;

	netdev_warn(netdev, "resetting the device\n");
	WRITE_ONCE(priv->resets, priv->resets + 1);
	/* e1kx_down() resets and reprograms the MAC (e1kx_hw_stop_dma()) */
	e1kx_down(priv);
	if (test_and_clear_bit(E1KX_STATE_PHY_RESET, &priv->state)) {
		e1kx_phy_reset(priv);
		e1kx_phy_apply_config(priv);
	}
	/*
	 * Injected TX stalls and PHY lock-ups stand for a hung device, which
	 * the reset cures: left set, they would hit the new rings too.
	 */
	e1kx_faults_clear(priv, E1KX_FAULT_TX_STALL | E1KX_FAULT_PHY_HANG);
	err = e1kx_up(priv);
	if (err) {
		netdev_err(netdev, "reset failed (%d), closing\n", err);
		dev_close(netdev);
	}
out:
	rtnl_unlock();
}

static void e1kx_tx_timeout(struct net_device *netdev, unsigned int txqueue)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	struct e1kx_tx_ring *ring;

	WRITE_ONCE(priv->tx_timeouts, priv->tx_timeouts + 1);
	/* What the stall looked like, for the report: rare, so read freely */
	if (txqueue < priv->num_queue_pairs) {
		ring = &priv->tx_ring[txqueue];
		netdev_err(netdev,
			   "TX queue %u stalled (ntu %u ntc %u, TDH %u TDT %u, IMS %#x, vector %s), scheduling a reset\n",
			   txqueue, READ_ONCE(ring->next_to_use),
			   READ_ONCE(ring->next_to_clean),
			   e1kx_rd32(priv, E1KX_TDH(txqueue)),
			   e1kx_rd32(priv, E1KX_TDT(txqueue)),
			   e1kx_rd32(priv, E1KX_IMS),
			   priv->q_vector[txqueue].masked ? "masked" : "unmasked");
	} else {
		netdev_err(netdev, "TX queue %u stalled, scheduling a reset\n",
			   txqueue);
	}
	schedule_work(&priv->reset_task);
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

/* Jumbo frames span several 2 KiB buffers: only the MAC limit changes */
static int e1kx_change_mtu(struct net_device *netdev, int new_mtu)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	if (!e1kx_xsk_mtu_ok(priv, new_mtu)) {
		netdev_warn(netdev, "MTU %d too large for AF_XDP zero-copy (at most %d)\n",
			    new_mtu, E1KX_XDP_MAX_MTU);
		return -EINVAL;
	}
	if (priv->xdp_prog && new_mtu > E1KX_XDP_MAX_MTU) {
		netdev_warn(netdev, "MTU %d too large for XDP (at most %d)\n",
			    new_mtu, E1KX_XDP_MAX_MTU);
		return -EINVAL;
	}
	WRITE_ONCE(netdev->mtu, new_mtu);
	e1kx_rx_apply_features(priv);
	return 0;
}

static netdev_features_t e1kx_fix_features(struct net_device *netdev,
					   netdev_features_t features)
{
	/* One bit (CTRL.VME) enables both tag stripping and insertion */
	if (!(features & NETIF_F_HW_VLAN_CTAG_RX))
		features &= ~NETIF_F_HW_VLAN_CTAG_TX;
	return features;
}

static int e1kx_set_features(struct net_device *netdev,
			     netdev_features_t features)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	netdev_features_t changed = netdev->features ^ features;

	netdev->features = features;
	if (changed & NETIF_F_RXCSUM)
		e1kx_wr32(priv, E1KX_RXCSUM, E1KX_RXCSUM_PCSD |
			  ((features & NETIF_F_RXCSUM) ?
			   E1KX_RXCSUM_IPOFLD | E1KX_RXCSUM_TUOFLD : 0));
	if (changed & NETIF_F_RXHASH)
		e1kx_rss_program(priv);
	if (changed & NETIF_F_HW_VLAN_CTAG_RX)
		e1kx_set_vlan_mode(priv);
	if (changed & NETIF_F_HW_VLAN_CTAG_FILTER)
		e1kx_rx_mode_sync(priv);
	if (changed & (NETIF_F_RXFCS | NETIF_F_RXALL | NETIF_F_LOOPBACK))
		e1kx_rx_apply_features(priv);
	/* netdev->features is already updated */
	return 1;
}

static const struct net_device_ops e1kx_netdev_ops = {
	.ndo_open		= e1kx_open,
	.ndo_stop		= e1kx_stop,
	.ndo_start_xmit		= e1kx_xmit,
	.ndo_features_check	= e1kx_features_check,
	.ndo_fix_features	= e1kx_fix_features,
	.ndo_set_features	= e1kx_set_features,
	.ndo_set_rx_mode	= e1kx_set_rx_mode,
	.ndo_set_mac_address	= e1kx_set_mac_address,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_change_mtu		= e1kx_change_mtu,
	.ndo_tx_timeout		= e1kx_tx_timeout,
	.ndo_get_stats64	= e1kx_get_stats64,
	.ndo_vlan_rx_add_vid	= e1kx_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid	= e1kx_vlan_rx_kill_vid,
	.ndo_bpf		= e1kx_xdp_bpf,
	.ndo_xdp_xmit		= e1kx_xdp_xmit,
	.ndo_xsk_wakeup		= e1kx_xsk_wakeup,
};

#define E1KX_FEATURES	(NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM | \
			 NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_RXCSUM | \
			 NETIF_F_RXHASH | NETIF_F_HW_VLAN_CTAG_RX | \
			 NETIF_F_HW_VLAN_CTAG_TX | \
			 NETIF_F_HW_VLAN_CTAG_FILTER)

void e1kx_netdev_setup(struct e1kx_priv *priv)
{
	struct net_device *netdev = priv->netdev;

	netdev->netdev_ops = &e1kx_netdev_ops;
	e1kx_set_ethtool_ops(netdev);
	e1kx_stats_setup(priv);
	netdev->hw_features = E1KX_FEATURES | NETIF_F_RXFCS | NETIF_F_RXALL |
			      NETIF_F_LOOPBACK;
	netdev->features = E1KX_FEATURES | NETIF_F_HIGHDMA;
	netdev->vlan_features = NETIF_F_SG | NETIF_F_IP_CSUM |
				NETIF_F_IPV6_CSUM | NETIF_F_TSO |
				NETIF_F_TSO6 | NETIF_F_HIGHDMA;
	netdev->priv_flags |= IFF_UNICAST_FLT;
	netif_set_tso_max_size(netdev, E1KX_TSO_MAX_SIZE);
	e1kx_set_xdp_features(netdev, NETDEV_XDP_ACT_BASIC |
			      NETDEV_XDP_ACT_REDIRECT |
			      NETDEV_XDP_ACT_NDO_XMIT |
			      NETDEV_XDP_ACT_XSK_ZEROCOPY);
	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = E1KX_MAX_MTU;
	netdev->watchdog_timeo = E1KX_TX_TIMEOUT;

	priv->tx_ring_count = E1KX_TX_RING_DEFAULT;
	priv->rx_ring_count = E1KX_RX_RING_DEFAULT;
	spin_lock_init(&priv->rctl_lock);
	spin_lock_init(&priv->ctrl_lock);
	INIT_DELAYED_WORK(&priv->watchdog, e1kx_watchdog);
	INIT_WORK(&priv->reset_task, e1kx_reset_task);
	e1kx_dim_init(priv);
	priv->link_speed = SPEED_UNKNOWN;
	priv->link_duplex = DUPLEX_UNKNOWN;
	priv->autoneg = true;
	priv->adv = ADVERTISE_ALL;
	priv->adv1000 = ADVERTISE_1000FULL;
	priv->fc_autoneg = true;
	priv->rx_usecs = E1KX_USECS_DEFAULT;
	priv->adaptive_tx = true;
	priv->rss_fields = E1KX_MRQC_TCPIPV4 | E1KX_MRQC_IPV4 |
			   E1KX_MRQC_TCPIPV6 | E1KX_MRQC_IPV6;
}
