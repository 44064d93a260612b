/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1kx: the one place for differences between kernel versions.
 *
 * The driver is written against the newest API; this header maps it onto
 * older kernels (Debian 12 ships 6.1), so version checks never spread
 * through the code. Header availability is probed by Kbuild
 * (E1KX_HAVE_* defines), API renames are detected here.
 */
#ifndef _E1KX_COMPAT_H_
#define _E1KX_COMPAT_H_

#include <linux/dim.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <net/xdp_sock_drv.h>

/*
 * 6.3 added the lockless TX queue stop/wake helpers; Debian backports the
 * header to its 6.1 (without the completion variant, see below)
 */
#include <net/netdev_queues.h>

/* 6.12 moved the unaligned access helpers out of asm/ */
#ifdef E1KX_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.6 split the page_pool header */
#ifdef E1KX_HAVE_PAGE_POOL_HELPERS_H
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

/* 6.6 made fragment support unconditional and dropped the flag */
#ifndef PP_FLAG_PAGE_FRAG
#define PP_FLAG_PAGE_FRAG	0
#endif

/* 6.8 renamed PCI_IRQ_LEGACY to PCI_IRQ_INTX */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

/* 6.12 passes the DIM sample by reference */
#ifdef E1KX_HAVE_NET_DIM_PTR
#define e1kx_net_dim(dim, sample)	net_dim(dim, sample)
#else
#define e1kx_net_dim(dim, sample)	net_dim(dim, *(sample))
#endif

/*
 * 6.8 moved the RSS ethtool ops to struct ethtool_rxfh_param. The driver
 * implements e1kx_rxfh_get()/e1kx_rxfh_set(); these adapt them.
 */
#ifdef E1KX_HAVE_RXFH_PARAM
#define E1KX_DEFINE_RXFH_OPS(get, set)					\
static int get##_op(struct net_device *dev,				\
		    struct ethtool_rxfh_param *p)			\
{									\
	return get(dev, p->indir, p->key, &p->hfunc);			\
}									\
static int set##_op(struct net_device *dev,				\
		    struct ethtool_rxfh_param *p,			\
		    struct netlink_ext_ack *extack)			\
{									\
	return set(dev, p->indir, p->key, p->hfunc, extack);		\
}
#else
#define E1KX_DEFINE_RXFH_OPS(get, set)					\
static int get##_op(struct net_device *dev, u32 *indir, u8 *key,	\
		    u8 *hfunc)						\
{									\
	return get(dev, indir, key, hfunc);				\
}									\
static int set##_op(struct net_device *dev, const u32 *indir,		\
		    const u8 *key, const u8 hfunc)			\
{									\
	return set(dev, indir, key, hfunc, NULL);			\
}
#endif

/*
 * 6.3 lets drivers advertise their XDP actions (netdev->xdp_features);
 * before it there is nothing to advertise and the action bits are 0.
 */
#ifndef E1KX_HAVE_XDP_FEATURES
#define NETDEV_XDP_ACT_BASIC		0
#define NETDEV_XDP_ACT_REDIRECT		0
#define NETDEV_XDP_ACT_NDO_XMIT		0
#define NETDEV_XDP_ACT_XSK_ZEROCOPY	0
#endif

static inline void e1kx_set_xdp_features(struct net_device *netdev, u32 acts)
{
#ifdef E1KX_HAVE_XDP_FEATURES
	netdev->xdp_features = acts;
#endif
}

/* 6.7 added ethtool_puts() for names that need no formatting */
#ifndef E1KX_HAVE_ETHTOOL_PUTS
static inline void ethtool_puts(u8 **data, const char *str)
{
	strscpy(*data, str, ETH_GSTRING_LEN);
	*data += ETH_GSTRING_LEN;
}
#endif

/*
 * 6.4 replaced __netif_txq_maybe_wake() with __netif_txq_completed_wake(),
 * which also reports the completion to BQL and shares its barrier.
 */
#ifndef __netif_txq_completed_wake
#define __netif_txq_completed_wake(txq, pkts, bytes, get_desc,		\
				   start_thrs, down_cond)		\
({									\
	struct netdev_queue *_e1kx_txq = (txq);				\
									\
	netdev_tx_completed_queue(_e1kx_txq, pkts, bytes);		\
	__netif_txq_maybe_wake(_e1kx_txq, get_desc, start_thrs,	\
			       down_cond);				\
})
#endif

/*
 * 6.10 added per-queue statistics for netlink (netdev_stat_ops, the
 * qstats-get command). Before it the driver still fills them, for nobody:
 * the structures carry the fields e1kx reports.
 */
#ifndef E1KX_HAVE_NETDEV_STAT_OPS
struct netdev_queue_stats_rx {
	u64 bytes;
	u64 packets;
	u64 alloc_fail;
	u64 hw_drops;
	u64 hw_drop_overruns;
	u64 csum_bad;
};

struct netdev_queue_stats_tx {
	u64 bytes;
	u64 packets;
	u64 stop;
	u64 wake;
};

struct netdev_stat_ops {
	void (*get_queue_stats_rx)(struct net_device *dev, int idx,
				   struct netdev_queue_stats_rx *stats);
	void (*get_queue_stats_tx)(struct net_device *dev, int idx,
				   struct netdev_queue_stats_tx *stats);
	void (*get_base_stats)(struct net_device *dev,
			       struct netdev_queue_stats_rx *rx,
			       struct netdev_queue_stats_tx *tx);
};
#endif

static inline void e1kx_set_stat_ops(struct net_device *netdev,
				     const struct netdev_stat_ops *ops)
{
#ifdef E1KX_HAVE_NETDEV_STAT_OPS
	netdev->stat_ops = ops;
#endif
}

/*
 * 6.8 links queues and NAPI instances to each other and to their IRQ, for
 * netlink's queue-get and napi-get; before it there is nothing to link.
 */
#ifndef E1KX_HAVE_QUEUE_SET_NAPI
enum e1kx_netdev_queue_type {
	NETDEV_QUEUE_TYPE_RX,
	NETDEV_QUEUE_TYPE_TX,
};

static inline void netif_queue_set_napi(struct net_device *dev,
					unsigned int queue_index,
					enum e1kx_netdev_queue_type type,
					struct napi_struct *napi)
{
}
#endif

#ifndef E1KX_HAVE_NAPI_SET_IRQ
static inline void netif_napi_set_irq(struct napi_struct *napi, int irq)
{
}
#endif

/*
 * A page_pool names the NAPI instance that consumes its pages (6.5: lets
 * that NAPI recycle directly) and its netdev (6.7: page-pool-get)
 */
static inline void e1kx_pp_set_owner(struct page_pool_params *pp,
				     struct net_device *netdev,
				     struct napi_struct *napi)
{
#ifdef E1KX_HAVE_PP_NAPI
	pp->napi = napi;
#endif
#ifdef E1KX_HAVE_PP_NETDEV
	pp->netdev = netdev;
#endif
}

/* 6.10 dropped the pool argument of xsk_buff_dma_sync_for_cpu() */
static inline void e1kx_xsk_sync_for_cpu(struct xdp_buff *xdp,
					 struct xsk_buff_pool *pool)
{
#ifdef E1KX_HAVE_XSK_SYNC_NO_POOL
	xsk_buff_dma_sync_for_cpu(xdp);
#else
	xsk_buff_dma_sync_for_cpu(xdp, pool);
#endif
}

/*
 * The kind of map the last bpf_redirect_map() of this CPU's program named,
 * before xdp_do_redirect() consumes it: 6.11 moved the redirect state
 * from a per-CPU variable into the context of the running NAPI poll.
 */
static inline enum bpf_map_type e1kx_xdp_redirect_map_type(void)
{
#ifdef E1KX_HAVE_BPF_NET_CTX
	return bpf_net_ctx_get_ri()->map_type;
#else
	return this_cpu_ptr(&bpf_redirect_info)->map_type;
#endif
}

#endif /* _E1KX_COMPAT_H_ */
