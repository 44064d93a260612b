// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: debugfs: fault injection for tests.
 *
 * /sys/kernel/debug/e1kx/<pci-bdf>/fault_inject takes a bitmask of
 * E1KX_FAULT_* to simulate device faults that QEMU cannot produce: a
 * stuck register bit and lost interrupts (seen by the self-test), a
 * transmit queue the device stops consuming (seen by the TX watchdog;
 * the reset that follows clears it, as it would cure a hung device) and
 * failing RX buffer allocations (counted in rx_queue_N_alloc_fail; the
 * ring refills once the bit is cleared).
 */
#include <linux/debugfs.h>

#include "e1kx.h"

static struct dentry *e1kx_debugfs_root;

void e1kx_debugfs_init(void)
{
	e1kx_debugfs_root = debugfs_create_dir(E1KX_DRV_NAME, NULL);
}

void e1kx_debugfs_exit(void)
{
	debugfs_remove_recursive(e1kx_debugfs_root);
}

void e1kx_debugfs_add(struct e1kx_priv *priv)
{
	priv->debugfs = debugfs_create_dir(pci_name(priv->pdev),
					   e1kx_debugfs_root);
	debugfs_create_x32("fault_inject", 0600, priv->debugfs,
			   &priv->faults);
}

void e1kx_debugfs_remove(struct e1kx_priv *priv)
{
	debugfs_remove_recursive(priv->debugfs);
	priv->debugfs = NULL;
}
