/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1kx: driver for the Intel 82574L gigabit Ethernet controller.
 *
 * Shared definitions: the per-device private structure and the interfaces
 * between the files of the driver (one concern per file).
 */
#ifndef _E1KX_H_
#define _E1KX_H_

#include <linux/ethtool.h>
#include <linux/io.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/workqueue.h>

#include "e1kx_compat.h"
#include "e1kx_regs.h"

#define E1KX_DRV_NAME		"e1kx"
#define E1KX_DRV_VERSION	"0.1.0"

/* NVM layout: words 0x00..0x3f are checksummed to a fixed value */
#define E1KX_NVM_WORDS		64
#define E1KX_NVM_CHECKSUM_SUM	0xBABA
#define E1KX_NVM_WORD_MAC	0x00
#define E1KX_NVM_WORD_VERSION	0x05
#define E1KX_NVM_VERSION_MAJOR	GENMASK(15, 12)
#define E1KX_NVM_VERSION_MINOR	GENMASK(11, 4)
#define E1KX_NVM_VERSION_IMAGE	GENMASK(3, 0)

/* The internal PHY answers at one MDIO address */
#define E1KX_PHY_ADDR		1

/* Interrupt delivery: MSI-X with a vector per queue pair plus "other" */
enum e1kx_irq_mode {
	E1KX_IRQ_MSIX,
	E1KX_IRQ_MSI,
	E1KX_IRQ_INTX,
};

#define E1KX_MAX_QUEUE_PAIRS	E1KX_NUM_QUEUES
#define E1KX_MSIX_VECTORS	(E1KX_MAX_QUEUE_PAIRS + 1)

/* Watchdog period: link check backup and (later) statistics */
#define E1KX_WATCHDOG_PERIOD	(2 * HZ)

/* Default interrupt rate limit: 20000 irq/s, in 256 ns units */
#define E1KX_ITR_DEFAULT	(NSEC_PER_SEC / 20000 / E1KX_ITR_UNIT_NS)

enum e1kx_state_bits {
	E1KX_STATE_UP,		/* opened and interrupts armed */
};

struct e1kx_priv {
	struct net_device *netdev;
	struct pci_dev *pdev;
	void __iomem *io;

	unsigned long state;
	u32 msg_enable;

	/* Interrupts */
	enum e1kx_irq_mode irq_mode;
	unsigned int num_vectors;
	unsigned int num_queue_pairs;
	char irq_name[E1KX_MSIX_VECTORS][IFNAMSIZ + 16];

	/* PHY access (MDIC) is serialised; sleeps, process context only */
	struct mutex phy_lock;
	u32 phy_id;

	/* NVM copy read at probe, and its derived facts */
	u16 nvm[E1KX_NVM_WORDS];
	bool nvm_valid;
	char nvm_version[32];

	/* Link */
	struct delayed_work watchdog;
	unsigned int link_speed;	/* SPEED_* while carrier is on */
	u8 link_duplex;			/* DUPLEX_* while carrier is on */

	/* Software counters until the datapath owns per-ring ones */
	atomic64_t tx_dropped;
};

static inline u32 e1kx_rd32(struct e1kx_priv *priv, u32 reg)
{
	return readl(priv->io + reg);
}

static inline void e1kx_wr32(struct e1kx_priv *priv, u32 reg, u32 val)
{
	writel(val, priv->io + reg);
}

/* Push posted writes to the device */
static inline void e1kx_flush(struct e1kx_priv *priv)
{
	e1kx_rd32(priv, E1KX_STATUS);
}

/* hw.c: reset and register programming */
int e1kx_hw_reset(struct e1kx_priv *priv);
void e1kx_hw_init(struct e1kx_priv *priv);
void e1kx_hw_quiesce(struct e1kx_priv *priv);
void e1kx_hw_release(struct e1kx_priv *priv);
void e1kx_hw_set_rar(struct e1kx_priv *priv, unsigned int idx, const u8 *addr);
int e1kx_hw_swflag_acquire(struct e1kx_priv *priv);
void e1kx_hw_swflag_release(struct e1kx_priv *priv);

/* nvm.c: NVM words, checksum, MAC address, version */
int e1kx_nvm_load(struct e1kx_priv *priv);
void e1kx_nvm_set_mac(struct e1kx_priv *priv);

/* phy.c: MDIC access, autonegotiation, link state */
int e1kx_phy_read(struct e1kx_priv *priv, u32 reg, u16 *val);
int e1kx_phy_write(struct e1kx_priv *priv, u32 reg, u16 val);
int e1kx_phy_probe(struct e1kx_priv *priv);
int e1kx_phy_power_up_autoneg(struct e1kx_priv *priv);
void e1kx_phy_power_down(struct e1kx_priv *priv);
int e1kx_phy_restart_autoneg(struct e1kx_priv *priv);
void e1kx_link_update(struct e1kx_priv *priv);

/* irq.c: vector allocation, handlers, masking */
int e1kx_irq_alloc_vectors(struct e1kx_priv *priv);
void e1kx_irq_free_vectors(struct e1kx_priv *priv);
int e1kx_irq_request(struct e1kx_priv *priv);
void e1kx_irq_release(struct e1kx_priv *priv);
void e1kx_irq_enable(struct e1kx_priv *priv);
void e1kx_irq_disable(struct e1kx_priv *priv);

/* netdev.c: net_device operations and the watchdog */
void e1kx_netdev_setup(struct e1kx_priv *priv);

/* ethtool.c */
void e1kx_set_ethtool_ops(struct net_device *netdev);

#endif /* _E1KX_H_ */
