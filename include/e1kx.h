/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1kx: driver for the Intel 82574L gigabit Ethernet controller.
 *
 * Shared definitions: the per-device private structure and the interfaces
 * between the files of the driver (one concern per file).
 */
#ifndef _E1KX_H_
#define _E1KX_H_

#include <linux/bpf.h>
#include <linux/dim.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/io.h>
#include <linux/jump_label.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/xdp.h>
#include <net/xdp_sock_drv.h>

#include "e1kx_compat.h"
#include "e1kx_desc.h"
#include "e1kx_regs.h"

#define E1KX_DRV_NAME		"e1kx"
/* Set by Kbuild from scripts/e1kx-version (git describe, or VERSION) */
#ifndef E1KX_DRV_VERSION
#define E1KX_DRV_VERSION	"0~unknown"
#endif

/* NVM layout: words 0x00..0x3f are checksummed to a fixed value */
#define E1KX_NVM_WORDS		64
#define E1KX_NVM_CHECKSUM_SUM	0xBABA
#define E1KX_NVM_WORD_MAC	0x00
#define E1KX_NVM_WORD_VERSION	0x05
#define E1KX_NVM_WORD_INIT_CTRL2	0x0F
#define E1KX_NVM_INIT_CTRL2_MNGM	GENMASK(14, 13)	/* manageability mode */
#define E1KX_NVM_WORD_CHECKSUM	0x3F
#define E1KX_NVM_VERSION_MAJOR	GENMASK(15, 12)
#define E1KX_NVM_VERSION_MINOR	GENMASK(11, 4)
#define E1KX_NVM_VERSION_IMAGE	GENMASK(3, 0)

/* The internal PHY answers at one MDIO address */
#define E1KX_PHY_ADDR		1
/* PHY receive error counter (saturates at 0xFFFF) */
#define E1KX_PHY_RX_ERR_CNT	0x15
#define E1KX_PHY_RX_ERR_MAX	0xFFFF
/* 1000BASE-T status: idle error count, saturates */
#define E1KX_STAT1000_IDLE_ERR	GENMASK(7, 0)
/* Watchdog passes with both PHY error counts saturated before a reset */
#define E1KX_PHY_HANG_PASSES	2
/* PHY specific control: MDI crossover (forced modes need it fixed) */
#define E1KX_PHY_SPEC_CTRL	0x10
#define E1KX_PSCR_MDIX		GENMASK(6, 5)
#define E1KX_PSCR_MDIX_MDI	0
#define E1KX_PSCR_MDIX_AUTO	3
/* PHY resets: CTRL.PHY_RST held this long, then configuration load time */
#define E1KX_PHY_RST_ASSERT_US	100
#define E1KX_PHY_RST_CFG_MS	10
#define E1KX_PHY_RESET_TIMEOUT_US	100000

/* Interrupt delivery: MSI-X with a vector per queue pair plus "other" */
enum e1kx_irq_mode {
	E1KX_IRQ_MSIX,
	E1KX_IRQ_MSI,
	E1KX_IRQ_INTX,
};

#define E1KX_MAX_QUEUE_PAIRS	E1KX_NUM_QUEUES
#define E1KX_MSIX_VECTORS	(E1KX_MAX_QUEUE_PAIRS + 1)

/* Watchdog period: link check backup, TX hang check, statistics */
#define E1KX_WATCHDOG_PERIOD	(2 * HZ)

/*
 * The watchdog folds the clear-on-read hardware counters into 64-bit
 * totals: those ndo_get_stats64 reports on every pass, each of the others
 * every E1KX_STATS_SLICES passes (one slice of them per pass).
 * ndo_get_stats64 (any context, even inside a MAC reset) serves the
 * totals and never touches the device.
 */
#define E1KX_STATS_SLICES	8
#define E1KX_STATS_ALL		UINT_MAX

/* Default interrupt rate limit: 20000 irq/s, in 256 ns units */
#define E1KX_USECS_DEFAULT	50
#define E1KX_ITR_DEFAULT	(E1KX_USECS_DEFAULT * NSEC_PER_USEC / \
				 E1KX_ITR_UNIT_NS)
#define E1KX_USECS_MAX		(E1KX_ITR_INTERVAL * E1KX_ITR_UNIT_NS / \
				 NSEC_PER_USEC)
/*
 * adaptive-tx (moderation.c): while the interface receives nothing for a
 * sample period and a vector sent at least E1KX_TXM_MIN_FRAMES in it
 * (1,600 frames/s), the vector gets an interval in which a quarter of its
 * TX ring completes, at most 1 ms. Periods are HZ/25 (40 ms), long enough
 * for jiffies.
 */
#define E1KX_TXM_RING_FRACTION	4
#define E1KX_TXM_MIN_FRAMES	64
#define E1KX_TXM_USECS_MAX	1000
#define E1KX_TXM_PERIOD		DIV_ROUND_UP(HZ, 25)
/*
 * The "other" vector also fires on RX overrun, which comes in storms
 * while the host is behind: hold it to 100 irq/s (link changes are
 * still seen within 10 ms).
 */
#define E1KX_ITR_OTHER		(NSEC_PER_SEC / 100 / E1KX_ITR_UNIT_NS)

/* Faults injected through debugfs fault_inject */
#define E1KX_FAULT_REG_STUCK	BIT(0)	/* self-test: a register bit sticks */
#define E1KX_FAULT_IRQ_LOST	BIT(1)	/* self-test: interrupts get lost */
#define E1KX_FAULT_TX_STALL	BIT(2)	/* the device stops taking TX */
#define E1KX_FAULT_RX_ALLOC	BIT(3)	/* RX buffer allocations fail */
#define E1KX_FAULT_SLOW_UP	BIT(4)	/* open stalls after RX is enabled */
#define E1KX_FAULT_PHY_HANG	BIT(5)	/* PHY error counts read saturated */
#define E1KX_FAULT_NVM_FLASH	BIT(6)	/* the NVM is taken to be flash */
#define E1KX_FAULTS_ALL		GENMASK(6, 0)
#define E1KX_FAULT_SLOW_UP_MS	5000

enum e1kx_state_bits {
	E1KX_STATE_UP,		/* datapath running, interrupts armed */
	E1KX_STATE_RESETTING,	/* a reset or self-test owns MAC and PHY */
	E1KX_STATE_PHY_RESET,	/* the reset task also resets the PHY */
};

/* Ring sizes: descriptors, a multiple of 8 (128-byte RDLEN/TDLEN units) */
#define E1KX_TX_RING_DEFAULT	1024
#define E1KX_RX_RING_DEFAULT	1024
#define E1KX_RING_MIN		128
#define E1KX_RING_MAX		4096
#define E1KX_RING_ALIGN		8

/*
 * TX: at most 64 data descriptors per packet; longer skbs are linearized
 * by ndo_features_check. The 82574 needs no such limit and QEMU's model
 * drops longer chains; on silicon it only costs a copy of the rare skb
 * whose pieces, split at E1KX_TX_MAX_BUF, outnumber it.
 */
#define E1KX_TX_MAX_PKT_DESC	64
#define E1KX_TX_MAX_BUF		8192	/* bytes per data descriptor */
#define E1KX_TX_DESC_NEEDED	(E1KX_TX_MAX_PKT_DESC + 1)	/* + context */
#define E1KX_TX_WAKE_THRESH	(E1KX_TX_DESC_NEEDED + 16)
#define E1KX_TSO_MAX_SIZE	SZ_64K

/*
 * RX: buffers are cut from order-1 pool pages (three per 8 KiB): XDP
 * headroom, 2 KiB the device may write, room for skb_shared_info.
 */
#define E1KX_RX_HEADROOM	XDP_PACKET_HEADROOM
#define E1KX_RX_BUF_LEN		2048
#define E1KX_RX_PAGE_ORDER	1
#define E1KX_RX_POOL_PAGES(count)	(2 * (count))	/* see rx.c */
#define E1KX_RX_TRUESIZE	(SKB_DATA_ALIGN(E1KX_RX_HEADROOM + \
					       E1KX_RX_BUF_LEN) + \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
#define E1KX_RX_PAGE_SIZE	(PAGE_SIZE << E1KX_RX_PAGE_ORDER)
#define E1KX_RX_BUFS_PER_PAGE	(E1KX_RX_PAGE_SIZE / E1KX_RX_TRUESIZE)
/* The 82574 takes frames up to 9234 bytes with a VLAN tag and the FCS */
#define E1KX_MAX_FRAME		9234
#define E1KX_MAX_MTU		(E1KX_MAX_FRAME - VLAN_ETH_HLEN - ETH_FCS_LEN)
#define E1KX_RX_REFILL_BATCH	16
/* AF_XDP: slots that point at the ring's scratch buffer while the fill ring is dry */
#define E1KX_XSK_DROP_SLOTS	16
#define E1KX_RX_COPYBREAK	256	/* copied, buffer reused (rx.c) */
#define E1KX_RX_COPY_BLOCK	64	/* E1KX_RX_COPYBREAK is a multiple */
#define E1KX_RX_COPY_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)
#define E1KX_RX_COPY_TRUESIZE	(SKB_DATA_ALIGN(E1KX_RX_COPY_HEADROOM + \
					       E1KX_RX_COPYBREAK) + \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
/* XDP sees one buffer per frame: the largest MTU whose frames fit in it */
#define E1KX_XDP_MAX_MTU	(E1KX_RX_BUF_LEN - VLAN_ETH_HLEN - ETH_FCS_LEN)

struct e1kx_ring_stats {
	struct u64_stats_sync syncp;
	u64 packets;
	u64 bytes;
	u64 restarts;		/* TX: queue stopped for lack of room */
	u64 wakes;		/* TX: stopped queue woken by a reclaim */
	u64 drops;		/* RX: frames dropped by the driver */
	u64 errors;		/* RX: frames the device flagged bad */
	u64 length_errors;	/* RX: bad lengths reported by the device */
	u64 csum_err;		/* RX: L3/L4 checksum errors */
	u64 alloc_fail;		/* RX: buffer allocation failures */
	u64 xdp_drop;		/* RX: XDP_DROP verdicts */
	u64 xdp_tx;		/* RX: frames sent back by XDP_TX */
	u64 xdp_redirect;	/* RX: frames redirected by XDP_REDIRECT */
	u64 xdp_errors;		/* RX: XDP_ABORTED, bad verdicts, failed TX */
	u64 xdp_xmit;		/* TX: frames queued by ndo_xdp_xmit */
	u64 xsk_rx;		/* RX: zero-copy frames redirected to a socket */
	u64 xsk_tx;		/* TX: frames sent from a socket's TX ring */
	u64 xsk_fill_empty;	/* RX: refills the socket's fill ring starved */
};

/* The offload setup a TX context descriptor carries */
struct e1kx_tx_ctx {
	u32 ip_setup;
	u32 tu_setup;
	u32 cmd_len;
	u32 seg_setup;
};

/* What the first slot of a packet holds */
enum e1kx_tx_buf_type {
	E1KX_TX_BUF_SKB,	/* a packet from the stack */
	E1KX_TX_BUF_XDP_TX,	/* XDP_TX: a buffer of this pair's RX pool */
	E1KX_TX_BUF_XDP_XMIT,	/* ndo_xdp_xmit: mapped here, any owner */
	E1KX_TX_BUF_XSK,	/* AF_XDP zero-copy: a frame of the socket's umem */
};

struct e1kx_tx_buf {
	union {			/* on the first slot of a packet */
		struct sk_buff *skb;
		struct xdp_frame *xdpf;
	};
	dma_addr_t dma;
	u32 len;		/* mapped length, 0 for a context slot */
	u32 bytes;		/* on the first slot: wire bytes, for BQL */
	u16 segs;		/* on the first slot: packets on the wire */
	u16 eop;		/* on the first slot: index of its last desc */
	u8 type;		/* on the first slot: enum e1kx_tx_buf_type */
	bool is_page;
};

struct e1kx_tx_ring {
	struct e1kx_tx_desc *desc;
	struct e1kx_tx_buf *buf;
	struct e1kx_priv *priv;
	struct device *dev;
	struct net_device *netdev;
	void __iomem *tail;
	u16 count;
	u16 next_to_use;
	u16 next_to_clean;
	u8 qid;
	bool ctx_valid;		/* ctx is what the device holds */
	struct e1kx_tx_ctx ctx;
	dma_addr_t dma;
	struct e1kx_ring_stats stats;
	struct xsk_buff_pool *xsk_pool;	/* AF_XDP zero-copy socket's pool */
	void *xsk_pad;		/* zeros that pad a socket's runts */
	dma_addr_t xsk_pad_dma;
};

struct e1kx_rx_buf {
	struct page *page;
	u32 offset;		/* of this buffer within the pool page */
};

struct e1kx_rx_ring {
	union e1kx_rx_desc *desc;
	struct e1kx_rx_buf *bufs;
	struct page_pool *pool;
	/* The pool page the next buffers are cut from, and where (rx.c) */
	struct page *cut_page;
	u32 cut_offset;
	struct page_pool *copy_pool;	/* unmapped pages for copied frames */
	struct device *dev;
	struct net_device *netdev;
	struct napi_struct *napi;
	void __iomem *tail;
	struct bpf_prog *xdp_prog;	/* read once per poll */
	struct sk_buff *skb;	/* frame spanning descriptors, in progress */
	bool frame_bad;		/* drop the rest of the frame in progress */
	bool starved;		/* refill failed, watchdog retries */
	u16 count;
	u16 next_to_use;
	u16 next_to_clean;
	u8 qid;
	u8 xdp_pending;		/* E1KX_XDP_* work to finish after the poll */
	dma_addr_t dma;
	struct e1kx_ring_stats stats;
	struct xdp_rxq_info xdp_rxq;
	/* AF_XDP zero-copy: buffers come from this pool, not from pool */
	struct xsk_buff_pool *xsk_pool;
	struct xdp_buff **xsk_bufs;	/* per slot, replaces bufs */
	void *xsk_drop;		/* scratch the device writes dropped frames to */
	dma_addr_t xsk_drop_dma;
	u16 xsk_drop_posted;	/* slots pointing at xsk_drop (NULL xsk_bufs) */
};

/* One interrupt vector and its NAPI context: a TX/RX ring pair */
struct e1kx_q_vector {
	struct napi_struct napi;
	struct e1kx_priv *priv;
	struct e1kx_tx_ring *tx;
	struct e1kx_rx_ring *rx;
	u32 ims;		/* this vector's causes in IMS */
	bool masked;		/* MSI-X: masked while NAPI stays busy */
	unsigned int vector;
	u32 itr_usecs;		/* the interval EITR/ITR holds */
	struct dim dim;		/* adaptive RX moderation */
	u16 dim_events;
	u32 dim_usecs;		/* net_dim's latest choice */
	/* adaptive-tx: the current sample period, see moderation.c */
	unsigned long txm_stamp;
	u64 txm_tx;
	u64 txm_rx;
	u32 tx_only_usecs;	/* 0 unless the last period was TX only */
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

	/* Datapath */
	struct e1kx_tx_ring tx_ring[E1KX_MAX_QUEUE_PAIRS];
	struct e1kx_rx_ring rx_ring[E1KX_MAX_QUEUE_PAIRS];
	struct e1kx_q_vector q_vector[E1KX_MAX_QUEUE_PAIRS];
	u16 tx_ring_count;
	u16 rx_ring_count;
	u8 rss_key[E1KX_RSS_KEY_SIZE];
	u32 mta[E1KX_MTA_ENTRIES];	/* multicast hash table shadow */
	u32 vfta[E1KX_VFTA_ENTRIES];	/* VLAN filter table shadow */
	u8 rss_indir[E1KX_RETA_ENTRIES];
	struct bpf_prog *xdp_prog;	/* attached XDP program, RTNL */
	/* AF_XDP zero-copy pools by queue pair, RTNL; rings take them */
	struct xsk_buff_pool *xsk_pool[E1KX_MAX_QUEUE_PAIRS];
	spinlock_t rctl_lock;	/* RCTL writers: rx mode, MTU, features */
	spinlock_t ctrl_lock;	/* CTRL read-modify-writes */
	u32 rctl;		/* RCTL as last programmed, EN included */
	struct work_struct reset_task;
	u64 tx_timeouts;
	u64 resets;

	/* Hardware counters, accumulated from clear-on-read registers */
	spinlock_t hw_stats_lock;
	u64 *hw_stats;

	/* Link configuration (ethtool -s/-A), applied at every open */
	bool autoneg;
	u16 adv;		/* MII_ADVERTISE speed/duplex bits */
	u16 adv1000;		/* MII_CTRL1000 bits */
	unsigned int forced_speed;
	u8 forced_duplex;
	bool fc_autoneg;
	bool fc_rx;
	bool fc_tx;
	u8 fc_active;		/* FLOW_CTRL_* resolved at link-up */
	bool fc_stale;		/* link renegotiating: resolve again */

	/* Interrupt moderation (ethtool -C) */
	u32 rx_usecs;
	bool adaptive_rx;
	bool adaptive_tx;

	/* RSS hash fields (ethtool -N rx-flow-hash), MRQC bits */
	u32 rss_fields;

	/* Wake-on-LAN (ethtool -s wol), applied at suspend */
	u32 wol;
	u32 ledctl_saved;
	bool mng_enabled;	/* firmware (a BMC) shares the port */
	/* What the last suspend/shutdown left armed, for debugfs */
	struct e1kx_pm_snapshot {
		u32 ctrl;
		u32 wuc;
		u32 wufc;
		u32 rctl;
		u16 bmcr;
		bool valid;
	} pm_snap;
	u8 phy_hang_passes;	/* consecutive passes with saturated counts */
	u8 stats_slice;		/* the watchdog's next slice of counters */

	/* Test-only fault injection (debugfs), E1KX_FAULT_* bits */
	u32 faults;
	struct dentry *debugfs;

	/* Link */
	struct delayed_work watchdog;
	unsigned int link_speed;	/* SPEED_* while carrier is on */
	u8 link_duplex;			/* DUPLEX_* while carrier is on */

	u64 link_changes;
};

DECLARE_STATIC_KEY_FALSE(e1kx_faults_armed);

/* A test fault is armed: a patched-out branch until debugfs arms one */
static inline bool e1kx_fault(const struct e1kx_priv *priv, u32 fault)
{
	return static_branch_unlikely(&e1kx_faults_armed) &&
	       (READ_ONCE(priv->faults) & fault);
}

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
void e1kx_hw_ring_setup(struct e1kx_priv *priv, u32 bal, dma_addr_t dma,
			u32 bytes);
void e1kx_hw_set_fc_watermarks(struct e1kx_priv *priv, bool enable);
void e1kx_rctl_update(struct e1kx_priv *priv, u32 clear, u32 set);
void e1kx_hw_set_rar(struct e1kx_priv *priv, unsigned int idx, const u8 *addr);
void e1kx_ctrl_update(struct e1kx_priv *priv, u32 clear, u32 set);
bool e1kx_hw_mng_enabled(struct e1kx_priv *priv);
void e1kx_hw_drv_load(struct e1kx_priv *priv);
void e1kx_hw_master_disable(struct e1kx_priv *priv);
int e1kx_hw_swflag_acquire(struct e1kx_priv *priv);
void e1kx_hw_swflag_release(struct e1kx_priv *priv);

/* nvm.c: NVM words, checksum, MAC address, version */
int e1kx_nvm_load(struct e1kx_priv *priv);
void e1kx_nvm_set_mac(struct e1kx_priv *priv);
int e1kx_nvm_read(struct e1kx_priv *priv, unsigned int first,
		  unsigned int count, u16 *words);
int e1kx_nvm_write(struct e1kx_priv *priv, unsigned int first,
		   unsigned int count, const u16 *words);
int e1kx_nvm_test(struct e1kx_priv *priv);

/* phy.c: MDIC access, autonegotiation, link state */
int e1kx_phy_read(struct e1kx_priv *priv, u32 reg, u16 *val);
int e1kx_phy_write(struct e1kx_priv *priv, u32 reg, u16 val);
int e1kx_phy_probe(struct e1kx_priv *priv);
int e1kx_phy_apply_config(struct e1kx_priv *priv);
void e1kx_phy_power_down(struct e1kx_priv *priv);
void e1kx_phy_power_up(struct e1kx_priv *priv);
int e1kx_phy_reset(struct e1kx_priv *priv);
u32 e1kx_phy_ctrl_link_bits(const struct e1kx_priv *priv);
bool e1kx_phy_hung(struct e1kx_priv *priv);
int e1kx_phy_restart_autoneg(struct e1kx_priv *priv);
void e1kx_link_update(struct e1kx_priv *priv);
void e1kx_flow_control_update(struct e1kx_priv *priv);
void e1kx_flow_control_check(struct e1kx_priv *priv);

/* irq.c: vector allocation, handlers, masking, NAPI */
int e1kx_irq_alloc_vectors(struct e1kx_priv *priv);
void e1kx_napi_add(struct e1kx_priv *priv, unsigned int first,
		   unsigned int end);
void e1kx_napi_del(struct e1kx_priv *priv, unsigned int first,
		   unsigned int end);
void e1kx_napi_enable(struct e1kx_priv *priv);
void e1kx_napi_disable(struct e1kx_priv *priv);
void e1kx_napi_kick(struct e1kx_priv *priv);
void e1kx_napi_schedule_all(struct e1kx_priv *priv);
void e1kx_irq_free_vectors(struct e1kx_priv *priv);
int e1kx_irq_request(struct e1kx_priv *priv);
void e1kx_irq_release(struct e1kx_priv *priv);
void e1kx_irq_enable(struct e1kx_priv *priv);
void e1kx_irq_disable(struct e1kx_priv *priv);

/* netdev.c: net_device operations, datapath up/down, watchdog, reset */
void e1kx_netdev_setup(struct e1kx_priv *priv);
int e1kx_alloc_rings(struct e1kx_priv *priv);
void e1kx_free_rings(struct e1kx_priv *priv);
int e1kx_up(struct e1kx_priv *priv);
void e1kx_down(struct e1kx_priv *priv);
void e1kx_xps_init(struct e1kx_priv *priv);
void e1kx_watchdog_stop(struct e1kx_priv *priv);
void e1kx_watchdog_start(struct e1kx_priv *priv);
int e1kx_reconfigure(struct e1kx_priv *priv, unsigned int tx_count,
		     unsigned int rx_count, unsigned int nqp);

/* tx.c: transmit rings */
int e1kx_tx_ring_alloc(struct e1kx_priv *priv, struct e1kx_tx_ring *ring,
		       unsigned int qid, unsigned int count);
void e1kx_tx_ring_free(struct e1kx_tx_ring *ring);
void e1kx_tx_ring_configure(struct e1kx_priv *priv, struct e1kx_tx_ring *ring);
void e1kx_tx_ring_drain(struct e1kx_tx_ring *ring);
void e1kx_tx_poll(struct e1kx_tx_ring *ring, int napi_budget);
int e1kx_tx_xdp_frame(struct e1kx_tx_ring *ring, struct xdp_frame *xdpf,
		      dma_addr_t dma, enum e1kx_tx_buf_type type);

/* Free TX slots (the cleaner may move next_to_clean meanwhile) */
static inline u16 e1kx_tx_unused(const struct e1kx_tx_ring *ring)
{
	u16 ntc = READ_ONCE(ring->next_to_clean);
	u16 ntu = ring->next_to_use;

	return (ntc > ntu ? 0 : ring->count) + ntc - ntu - 1;
}

static inline u16 e1kx_tx_next(const struct e1kx_tx_ring *ring, u16 i)
{
	return ++i == ring->count ? 0 : i;
}

netdev_tx_t e1kx_xmit(struct sk_buff *skb, struct net_device *netdev);
netdev_features_t e1kx_features_check(struct sk_buff *skb,
				      struct net_device *netdev,
				      netdev_features_t features);

/* xdp.c: XDP programs, XDP_TX, ndo_xdp_xmit */
#define E1KX_XDP_TX		BIT(0)	/* frames wait for the TX doorbell */
#define E1KX_XDP_REDIRECT	BIT(1)	/* redirects wait for xdp_do_flush() */
int e1kx_xdp_bpf(struct net_device *netdev, struct netdev_bpf *bpf);
int e1kx_xdp_xmit(struct net_device *netdev, int n, struct xdp_frame **frames,
		  u32 flags);
u32 e1kx_xdp_run(struct e1kx_rx_ring *ring, struct bpf_prog *prog,
		 struct xdp_buff *xdp, struct page *page);
void e1kx_xdp_finish(struct e1kx_rx_ring *ring);
int e1kx_xdp_tx_copy(struct e1kx_rx_ring *ring, struct xdp_frame *xdpf);

/* xsk.c: AF_XDP zero-copy */
int e1kx_xsk_pool_setup(struct e1kx_priv *priv, struct xsk_buff_pool *pool,
			u16 qid);
int e1kx_xsk_wakeup(struct net_device *netdev, u32 qid, u32 flags);
bool e1kx_xsk_refill(struct e1kx_rx_ring *ring);
int e1kx_xsk_rx_poll(struct e1kx_rx_ring *ring, int budget);
void e1kx_xsk_rx_release(struct e1kx_rx_ring *ring);
bool e1kx_xsk_xmit(struct e1kx_tx_ring *ring, unsigned int budget);
bool e1kx_xsk_mtu_ok(struct e1kx_priv *priv, int mtu);

/* rx.c: receive rings */
int e1kx_rx_ring_alloc(struct e1kx_priv *priv, struct e1kx_rx_ring *ring,
		       unsigned int qid, unsigned int count);
void e1kx_rx_ring_free(struct e1kx_rx_ring *ring);
void e1kx_rx_ring_release_bufs(struct e1kx_rx_ring *ring);
void e1kx_rx_ring_configure(struct e1kx_priv *priv, struct e1kx_rx_ring *ring);
void e1kx_rx_configure(struct e1kx_priv *priv);
void e1kx_rx_enable(struct e1kx_priv *priv);
void e1kx_rx_apply_features(struct e1kx_priv *priv);
int e1kx_rx_poll(struct e1kx_rx_ring *ring, int budget);
bool e1kx_rx_refill(struct e1kx_rx_ring *ring);
bool e1kx_rx_check(struct e1kx_rx_ring *ring, unsigned int len, u32 staterr);
void e1kx_rx_skb_meta(struct e1kx_rx_ring *ring, struct sk_buff *skb,
		      const union e1kx_rx_desc *d, u32 staterr);

/* Free RX slots: the ring never fills completely (ntu == ntc is empty) */
static inline u16 e1kx_rx_unused(const struct e1kx_rx_ring *ring)
{
	u16 ntc = ring->next_to_clean, ntu = ring->next_to_use;

	return (ntc > ntu ? 0 : ring->count) + ntc - ntu - 1;
}

static inline u16 e1kx_rx_next(const struct e1kx_rx_ring *ring, u16 i)
{
	return ++i == ring->count ? 0 : i;
}

/* filter.c: address, multicast and VLAN filters; RSS */
void e1kx_set_rx_mode(struct net_device *netdev);
void e1kx_rx_mode_sync(struct e1kx_priv *priv);
int e1kx_vlan_rx_add_vid(struct net_device *netdev, __be16 proto, u16 vid);
int e1kx_vlan_rx_kill_vid(struct net_device *netdev, __be16 proto, u16 vid);
void e1kx_filters_restore(struct e1kx_priv *priv);
void e1kx_rss_init(struct e1kx_priv *priv);
void e1kx_rss_program(struct e1kx_priv *priv);

/* stats.c: software and hardware counters */
int e1kx_stats_init(struct e1kx_priv *priv);
void e1kx_stats_setup(struct e1kx_priv *priv);
void e1kx_stats_update_hw(struct e1kx_priv *priv);
void e1kx_stats_watchdog(struct e1kx_priv *priv);
void e1kx_get_stats64(struct net_device *netdev,
		      struct rtnl_link_stats64 *stats);
int e1kx_stats_count(struct e1kx_priv *priv);
void e1kx_stats_strings(struct e1kx_priv *priv, u8 *data);
void e1kx_stats_fill(struct e1kx_priv *priv, u64 *data);
void e1kx_stats_eth_mac(struct e1kx_priv *priv,
			struct ethtool_eth_mac_stats *mac);
void e1kx_stats_eth_ctrl(struct e1kx_priv *priv,
			 struct ethtool_eth_ctrl_stats *ctrl);
void e1kx_stats_pause(struct e1kx_priv *priv, struct ethtool_pause_stats *p);
void e1kx_stats_rmon(struct e1kx_priv *priv, struct ethtool_rmon_stats *rmon,
		     const struct ethtool_rmon_hist_range **ranges);

/* ethtool.c */
void e1kx_set_ethtool_ops(struct net_device *netdev);
void e1kx_moderation_apply(struct e1kx_priv *priv);
void e1kx_moderation_start(struct e1kx_priv *priv);
void e1kx_moderation_sample(struct e1kx_q_vector *qv);
void e1kx_dim_init(struct e1kx_priv *priv);
void e1kx_dim_cancel(struct e1kx_priv *priv);

/* main.c */
void e1kx_aspm_clear(struct pci_dev *pdev);
void e1kx_aspm_disable(struct pci_dev *pdev);

/* pm.c: suspend/resume, shutdown, PCIe error recovery */
extern const struct dev_pm_ops e1kx_pm_ops;
extern const struct pci_error_handlers e1kx_err_handlers;
void e1kx_shutdown(struct pci_dev *pdev);

/* debugfs.c */
void e1kx_debugfs_init(void);
void e1kx_debugfs_exit(void);
void e1kx_debugfs_add(struct e1kx_priv *priv);
void e1kx_debugfs_remove(struct e1kx_priv *priv);
void e1kx_faults_clear(struct e1kx_priv *priv, u32 faults);

/* selftest.c: ethtool -t */
int e1kx_selftest_count(void);
void e1kx_selftest_strings(u8 *data);
void e1kx_selftest_run(struct e1kx_priv *priv, struct ethtool_test *test,
		       u64 *data);

#endif /* _E1KX_H_ */
