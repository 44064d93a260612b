// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: power management (suspend/resume/hibernate, shutdown with
 * Wake-on-LAN) and PCIe error recovery (AER).
 */
#include <linux/etherdevice.h>
#include <linux/mii.h>
#include <linux/rtnetlink.h>

#include "e1kx.h"

/* Program the wake-up filters and let the MAC keep receiving for them */
static void e1kx_wol_arm(struct e1kx_priv *priv)
{
	u32 wufc = 0, rctl = E1KX_RCTL_EN | E1KX_RCTL_BAM;

	if (priv->wol & WAKE_MAGIC)
		wufc |= E1KX_WUFC_MAG;
	if (priv->wol & WAKE_UCAST)
		wufc |= E1KX_WUFC_EX;
	if (priv->wol & WAKE_MCAST) {
		wufc |= E1KX_WUFC_MC;
		rctl |= E1KX_RCTL_MPE;
	}
	if (priv->wol & WAKE_BCAST)
		wufc |= E1KX_WUFC_BC;

	e1kx_wr32(priv, E1KX_WUS, E1KX_WUS_ALL);
	if (!wufc) {
		e1kx_wr32(priv, E1KX_WUFC, 0);
		e1kx_wr32(priv, E1KX_WUC, 0);
		return;
	}
	/*
	 * The MAC matches the wake-up frames, so it must be programmed again
	 * after the reset that quiesced it, and the PHY (powered down if WoL
	 * was set only after a close) must keep the link.
	 */
	e1kx_hw_init(priv);
	e1kx_wr32(priv, E1KX_CTRL_EXT, e1kx_rd32(priv, E1KX_CTRL_EXT) &
		  ~E1KX_CTRL_EXT_DRV_LOAD);
	e1kx_phy_power_up(priv);
	e1kx_rctl_update(priv, U32_MAX, rctl);
	/* Wake from D3cold too, with the PHY's power management on */
	e1kx_ctrl_update(priv, 0, E1KX_CTRL_ADVD3WUC |
			 E1KX_CTRL_EN_PHY_PWR_MGMT);
	e1kx_wr32(priv, E1KX_WUFC, wufc);
	e1kx_wr32(priv, E1KX_WUC, E1KX_WUC_PME_EN);
	/* Matching wake-up frames needs no DMA: keep the bus quiet */
	e1kx_hw_master_disable(priv);
}

/* Keep what sleep left armed, for debugfs (pm_snapshot) */
static void e1kx_pm_snapshot(struct e1kx_priv *priv)
{
	struct e1kx_pm_snapshot *snap = &priv->pm_snap;

	snap->ctrl = e1kx_rd32(priv, E1KX_CTRL);
	snap->wuc = e1kx_rd32(priv, E1KX_WUC);
	snap->wufc = e1kx_rd32(priv, E1KX_WUFC);
	snap->rctl = e1kx_rd32(priv, E1KX_RCTL);
	if (e1kx_phy_read(priv, MII_BMCR, &snap->bmcr))
		snap->bmcr = U16_MAX;
	snap->valid = true;
}

/* Stop the datapath and leave the device quiet */
static void e1kx_quiesce(struct e1kx_priv *priv)
{
	struct net_device *netdev = priv->netdev;

	rtnl_lock();
	netif_device_detach(netdev);
	if (netif_running(netdev)) {
		e1kx_down(priv);
		e1kx_free_rings(priv);
	}
	rtnl_unlock();
	cancel_delayed_work_sync(&priv->watchdog);
	cancel_work_sync(&priv->reset_task);
	e1kx_hw_release(priv);
}

/* Quiesce, then arm Wake-on-LAN or power the PHY down: the device sleeps */
static void e1kx_quiesce_for_sleep(struct e1kx_priv *priv)
{
	e1kx_quiesce(priv);
	e1kx_wol_arm(priv);
	e1kx_phy_power_down(priv);
	e1kx_pm_snapshot(priv);
}

/*
 * Bring the device back to its configuration before sleep or error; the
 * caller has made sure ASPM is off.
 */
static int e1kx_restart(struct e1kx_priv *priv)
{
	struct net_device *netdev = priv->netdev;
	int err = 0;

	rtnl_lock();
	e1kx_wr32(priv, E1KX_WUC, 0);
	e1kx_wr32(priv, E1KX_WUFC, 0);
	e1kx_wr32(priv, E1KX_WUS, E1KX_WUS_ALL);
	e1kx_hw_reset(priv);
	e1kx_hw_init(priv);
	if (netif_running(netdev)) {
		netif_carrier_off(netdev);
		/* Link first, as at open: the watchdog starts with e1kx_up() */
		err = e1kx_phy_apply_config(priv);
		if (!err)
			err = e1kx_alloc_rings(priv);
		if (!err) {
			err = e1kx_up(priv);
			if (err)
				e1kx_free_rings(priv);
		}
		if (err) {
			netdev_err(netdev, "restart failed: %d\n", err);
			dev_close(netdev);
		}
	}
	netif_device_attach(netdev);
	rtnl_unlock();
	return err;
}

/* suspend and poweroff: the device may lose power, WoL stays armed */
static int e1kx_suspend(struct device *dev)
{
	struct net_device *netdev = dev_get_drvdata(dev);

	e1kx_quiesce_for_sleep(netdev_priv(netdev));
	return 0;
}

/*
 * freeze (hibernation image creation and its dry runs): only stop DMA and
 * interrupts.  The PHY keeps its link, so thaw is quick; if the machine
 * goes on to power off, poweroff() arms WoL.
 */
static int e1kx_freeze(struct device *dev)
{
	struct net_device *netdev = dev_get_drvdata(dev);

	e1kx_quiesce(netdev_priv(netdev));
	return 0;
}

/* resume, thaw and restore: reset the MAC and bring the datapath back */
static int e1kx_resume(struct device *dev)
{
	struct net_device *netdev = dev_get_drvdata(dev);

	/* Firmware may have turned ASPM back on while the system slept */
	e1kx_aspm_disable(to_pci_dev(dev));
	return e1kx_restart(netdev_priv(netdev));
}

const struct dev_pm_ops e1kx_pm_ops = {
	.suspend	= e1kx_suspend,
	.resume		= e1kx_resume,
	.freeze		= e1kx_freeze,
	.thaw		= e1kx_resume,
	.poweroff	= e1kx_suspend,
	.restore	= e1kx_resume,
};

void e1kx_shutdown(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct e1kx_priv *priv = netdev_priv(netdev);

	e1kx_quiesce_for_sleep(priv);
	if (system_state == SYSTEM_POWER_OFF) {
		pci_wake_from_d3(pdev, !!priv->wol);
		pci_set_power_state(pdev, PCI_D3hot);
	}
}

static pci_ers_result_t e1kx_io_error_detected(struct pci_dev *pdev,
					       pci_channel_state_t state)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct e1kx_priv *priv = netdev_priv(netdev);

	netdev_warn(netdev, "PCIe error detected (state %d)\n", state);
	rtnl_lock();
	netif_device_detach(netdev);
	if (state == pci_channel_io_perm_failure) {
		rtnl_unlock();
		return PCI_ERS_RESULT_DISCONNECT;
	}
	if (netif_running(netdev)) {
		e1kx_down(priv);
		e1kx_free_rings(priv);
	}
	rtnl_unlock();
	pci_disable_device(pdev);
	return PCI_ERS_RESULT_NEED_RESET;
}

static pci_ers_result_t e1kx_io_slot_reset(struct pci_dev *pdev)
{
	if (pci_enable_device_mem(pdev)) {
		dev_err(&pdev->dev, "cannot re-enable device after reset\n");
		return PCI_ERS_RESULT_DISCONNECT;
	}
	pci_set_master(pdev);
	pci_restore_state(pdev);
	pci_save_state(pdev);
	return PCI_ERS_RESULT_RECOVERED;
}

static void e1kx_io_resume(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);

	/*
	 * The AER core calls this while it walks the bus holding
	 * pci_bus_sem, which pci_disable_link_state() would take again (a
	 * deadlock if a writer queues in between). The core's ASPM policy
	 * for the link outlives the recovery: only check the link by hand.
	 */
	e1kx_aspm_clear(pdev);
	if (!e1kx_restart(netdev_priv(netdev)))
		netdev_info(netdev, "recovered from PCIe error\n");
}

const struct pci_error_handlers e1kx_err_handlers = {
	.error_detected	= e1kx_io_error_detected,
	.slot_reset	= e1kx_io_slot_reset,
	.resume		= e1kx_io_resume,
};
