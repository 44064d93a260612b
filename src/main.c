// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: PCI driver for the Intel 82574L gigabit Ethernet controller.
 *
 * Probe and remove: PCI resources, device reset, NVM, PHY, netdev.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include "e1kx.h"

#define E1KX_MSG_DEFAULT	(NETIF_MSG_DRV | NETIF_MSG_PROBE | \
				 NETIF_MSG_LINK | NETIF_MSG_IFUP | \
				 NETIF_MSG_IFDOWN)

static const struct pci_device_id e1kx_pci_ids[] = {
	{ PCI_VDEVICE(INTEL, 0x10d3) },	/* 82574L */
	{ PCI_VDEVICE(INTEL, 0x10f6) },	/* 82574LA */
	{ }
};
MODULE_DEVICE_TABLE(pci, e1kx_pci_ids);

/*
 * 82574 erratum: ASPM L0s and L1 make its PCIe completions unreliable (TX
 * hangs). Where firmware keeps control of ASPM, or the kernel has no ASPM
 * support, the PCI core cannot turn it off: clear both ends of the link
 * by hand if it is on.
 */
void e1kx_aspm_clear(struct pci_dev *pdev)
{
	struct pci_dev *up = pci_upstream_bridge(pdev);
	u16 lnkctl;

	if (pcie_capability_read_word(pdev, PCI_EXP_LNKCTL, &lnkctl) ||
	    !(lnkctl & PCI_EXP_LNKCTL_ASPMC))
		return;
	dev_info(&pdev->dev, "ASPM left on by the platform, clearing it\n");
	pcie_capability_clear_word(pdev, PCI_EXP_LNKCTL, PCI_EXP_LNKCTL_ASPMC);
	if (up)
		pcie_capability_clear_word(up, PCI_EXP_LNKCTL,
					   PCI_EXP_LNKCTL_ASPMC);
}

/*
 * At probe and on resume from sleep: the PCI core disables L0s and L1
 * where the OS controls ASPM (a policy it keeps for the link until the
 * device goes away), then the link is checked by hand.
 */
void e1kx_aspm_disable(struct pci_dev *pdev)
{
	pci_disable_link_state(pdev, PCIE_LINK_STATE_L0S | PCIE_LINK_STATE_L1);
	e1kx_aspm_clear(pdev);
}

static int e1kx_pci_setup(struct pci_dev *pdev, void __iomem **io)
{
	int err;

	e1kx_aspm_disable(pdev);

	err = pcim_enable_device(pdev);
	if (err)
		return dev_err_probe(&pdev->dev, err, "cannot enable device\n");

	err = pcim_iomap_regions(pdev, BIT(0), E1KX_DRV_NAME);
	if (err)
		return dev_err_probe(&pdev->dev, err, "cannot map BAR0\n");
	*io = pcim_iomap_table(pdev)[0];

	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err)
		err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (err)
		return dev_err_probe(&pdev->dev, err, "no usable DMA mask\n");

	pci_set_master(pdev);
	pci_save_state(pdev);
	return 0;
}

static int e1kx_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct net_device *netdev;
	struct e1kx_priv *priv;
	void __iomem *io;
	int err;

	err = e1kx_pci_setup(pdev, &io);
	if (err)
		return err;

	netdev = devm_alloc_etherdev_mqs(&pdev->dev, sizeof(*priv),
					 E1KX_NUM_QUEUES, E1KX_NUM_QUEUES);
	if (!netdev)
		return -ENOMEM;
	SET_NETDEV_DEV(netdev, &pdev->dev);
	pci_set_drvdata(pdev, netdev);

	priv = netdev_priv(netdev);
	priv->netdev = netdev;
	priv->pdev = pdev;
	priv->io = io;
	priv->msg_enable = E1KX_MSG_DEFAULT;
	mutex_init(&priv->phy_lock);
	e1kx_netdev_setup(priv);

	err = e1kx_hw_reset(priv);
	if (err)
		goto err_release;

	err = e1kx_nvm_load(priv);
	if (err)
		goto err_release;
	e1kx_nvm_set_mac(priv);
	priv->mng_enabled = e1kx_hw_mng_enabled(priv);
	if (priv->mng_enabled)
		dev_info(&pdev->dev, "manageability firmware shares the port\n");

	err = e1kx_phy_probe(priv);
	if (err)
		goto err_release;

	err = e1kx_stats_init(priv);
	if (err)
		goto err_release;

	e1kx_hw_init(priv);

	err = e1kx_irq_alloc_vectors(priv);
	if (err)
		goto err_release;
	e1kx_rss_init(priv);
	e1kx_napi_add(priv, 0, priv->num_queue_pairs);

	err = netif_set_real_num_queues(netdev, priv->num_queue_pairs,
					priv->num_queue_pairs);
	if (err)
		goto err_napi_del;

	device_set_wakeup_capable(&pdev->dev, true);
	netif_carrier_off(netdev);
	err = register_netdev(netdev);
	if (err) {
		dev_err(&pdev->dev, "register_netdev failed: %d\n", err);
		goto err_napi_del;
	}
	rtnl_lock();	/* against an early ethtool -L */
	e1kx_xps_init(priv);
	rtnl_unlock();

	e1kx_debugfs_add(priv);
	netif_info(priv, probe, netdev, "82574L at %s, MAC %pM, NVM %s, %s\n",
		   pci_name(pdev), netdev->dev_addr, priv->nvm_version,
		   priv->irq_mode == E1KX_IRQ_MSIX ? "MSI-X" :
		   priv->irq_mode == E1KX_IRQ_MSI ? "MSI" : "INTx");
	return 0;

err_napi_del:
	e1kx_napi_del(priv, 0, priv->num_queue_pairs);
	e1kx_irq_free_vectors(priv);
err_release:
	e1kx_hw_release(priv);
	mutex_destroy(&priv->phy_lock);
	return err;
}

static void e1kx_remove(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct e1kx_priv *priv = netdev_priv(netdev);

	e1kx_debugfs_remove(priv);
	cancel_work_sync(&priv->reset_task);
	unregister_netdev(netdev);
	cancel_work_sync(&priv->reset_task);
	e1kx_hw_release(priv);
	e1kx_napi_del(priv, 0, priv->num_queue_pairs);
	e1kx_irq_free_vectors(priv);
	mutex_destroy(&priv->phy_lock);
}

static struct pci_driver e1kx_pci_driver = {
	.name		= E1KX_DRV_NAME,
	.id_table	= e1kx_pci_ids,
	.probe		= e1kx_probe,
	.remove		= e1kx_remove,
	.shutdown	= e1kx_shutdown,
	.err_handler	= &e1kx_err_handlers,
	.driver.pm	= pm_sleep_ptr(&e1kx_pm_ops),
};

static int __init e1kx_init(void)
{
	int err;

	e1kx_debugfs_init();
	err = pci_register_driver(&e1kx_pci_driver);
	if (err)
		e1kx_debugfs_exit();
	return err;
}
module_init(e1kx_init);

static void __exit e1kx_exit(void)
{
	pci_unregister_driver(&e1kx_pci_driver);
	e1kx_debugfs_exit();
}
module_exit(e1kx_exit);

MODULE_DESCRIPTION("Intel 82574L gigabit Ethernet driver");
MODULE_AUTHOR("The e1kx developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(E1KX_DRV_VERSION);
