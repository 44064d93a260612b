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

#include <linux/pci.h>

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

/* 6.8 renamed PCI_IRQ_LEGACY to PCI_IRQ_INTX */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX PCI_IRQ_LEGACY
#endif

#endif /* _E1KX_COMPAT_H_ */
