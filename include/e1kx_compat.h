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
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/string.h>

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

#endif /* _E1KX_COMPAT_H_ */
