// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: debugfs: fault injection for tests.
 *
 * /sys/kernel/debug/e1kx/<pci-bdf>/
 *   fault_inject  a bitmask of E1KX_FAULT_* to simulate faults that cannot
 *                 be provoked on demand: a stuck register bit and lost interrupts
 *                 (seen by the self-test), a transmit queue the device stops
 *                 consuming (seen by the TX watchdog; the reset that follows
 *                 clears it, as it would cure a hung device), failing RX
 *                 buffer allocations (rx_queue_N_alloc_fail), a slow open
 *                 (E1KX_FAULT_SLOW_UP_MS between RX enable and unmasking),
 *                 saturated PHY error counters and a flash-backed NVM.
 *                 While no device has a fault armed, e1kx_fault() is a
 *                 patched-out branch (static key).
 *   phy_regs      PHY registers 0-31 as read through MDIC ("reg value").
 *                 Reading clears the PHY's latched and clear-on-read
 *                 registers (BMSR's link latch, the error counters the
 *                 PHY lock-up check reads).
 *   pm_snapshot   CTRL, WUC, WUFC, RCTL and the PHY's BMCR as the last
 *                 suspend or shutdown left them.
 */
#include <linux/debugfs.h>
#include <linux/mii.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>

#include "e1kx.h"

#define E1KX_PHY_REGS	32

DEFINE_STATIC_KEY_FALSE(e1kx_faults_armed);

static struct dentry *e1kx_debugfs_root;

static int e1kx_faults_get(void *data, u64 *val)
{
	struct e1kx_priv *priv = data;

	*val = READ_ONCE(priv->faults);
	return 0;
}

/* Set the device's faults; the static key counts devices with any armed */
static void e1kx_faults_write(struct e1kx_priv *priv, u32 val)
{
	u32 was = priv->faults;

	ASSERT_RTNL();
	if (val && !was)
		static_branch_inc(&e1kx_faults_armed);
	WRITE_ONCE(priv->faults, val);
	if (was && !val)
		static_branch_dec(&e1kx_faults_armed);
}

/* A reset cures the faults that stand for a hung device */
void e1kx_faults_clear(struct e1kx_priv *priv, u32 faults)
{
	e1kx_faults_write(priv, priv->faults & ~faults);
}

static int e1kx_faults_set(void *data, u64 val)
{
	if (val & ~(u64)E1KX_FAULTS_ALL)
		return -EINVAL;
	rtnl_lock();
	e1kx_faults_write(data, val);
	rtnl_unlock();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(e1kx_faults_fops, e1kx_faults_get, e1kx_faults_set,
			 "0x%08llx\n");

static int e1kx_phy_regs_show(struct seq_file *m, void *unused)
{
	struct e1kx_priv *priv = m->private;
	unsigned int reg;
	u16 val;

	for (reg = 0; reg < E1KX_PHY_REGS; reg++) {
		if (e1kx_phy_read(priv, reg, &val))
			seq_printf(m, "%u error\n", reg);
		else
			seq_printf(m, "%u 0x%04x\n", reg, val);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(e1kx_phy_regs);

static int e1kx_pm_snapshot_show(struct seq_file *m, void *unused)
{
	struct e1kx_priv *priv = m->private;
	const struct e1kx_pm_snapshot *snap = &priv->pm_snap;

	if (!snap->valid)
		return -ENODATA;
	seq_printf(m, "ctrl 0x%08x\nwuc 0x%08x\nwufc 0x%08x\nrctl 0x%08x\nbmcr 0x%04x\n",
		   snap->ctrl, snap->wuc, snap->wufc, snap->rctl, snap->bmcr);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(e1kx_pm_snapshot);

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
	debugfs_create_file_unsafe("fault_inject", 0600, priv->debugfs, priv,
				   &e1kx_faults_fops);
	debugfs_create_file("phy_regs", 0400, priv->debugfs, priv,
			    &e1kx_phy_regs_fops);
	debugfs_create_file("pm_snapshot", 0400, priv->debugfs, priv,
			    &e1kx_pm_snapshot_fops);
}

void e1kx_debugfs_remove(struct e1kx_priv *priv)
{
	debugfs_remove_recursive(priv->debugfs);
	priv->debugfs = NULL;
	/* Removal disarms the device's faults */
	rtnl_lock();
	e1kx_faults_write(priv, 0);
	rtnl_unlock();
}
