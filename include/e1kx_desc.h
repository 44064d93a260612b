/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1kx: descriptor formats of the 82574L (from the public datasheet).
 *
 * TX: context descriptors set up checksum/TSO offload for the data
 * descriptors that follow; extended data descriptors carry the buffers.
 * RX: extended descriptors (RFCTL.EXSTEN), needed for RSS.
 */
#ifndef _E1KX_DESC_H_
#define _E1KX_DESC_H_

#include <linux/bits.h>
#include <linux/types.h>

/* TX data descriptor (extended, DTYP=1) */
struct e1kx_tx_desc {
	__le64 addr;
	__le32 cmd_len;
	__le32 status_opts;
};

#define E1KX_TXD_LEN			GENMASK(19, 0)
#define E1KX_TXD_DTYP			GENMASK(23, 20)
#define E1KX_TXD_DTYP_CTX		0
#define E1KX_TXD_DTYP_DATA		1
#define E1KX_TXD_CMD_EOP		BIT(24)
#define E1KX_TXD_CMD_IFCS		BIT(25)
#define E1KX_TXD_CMD_TSE		BIT(26)
#define E1KX_TXD_CMD_RS			BIT(27)
#define E1KX_TXD_CMD_DEXT		BIT(29)
#define E1KX_TXD_CMD_VLE		BIT(30)
#define E1KX_TXD_CMD_IDE		BIT(31)
#define E1KX_TXD_STA_DD			BIT(0)
#define E1KX_TXD_POPTS_IXSM		BIT(8)
#define E1KX_TXD_POPTS_TXSM		BIT(9)
#define E1KX_TXD_VLAN			GENMASK(31, 16)

/* TX context descriptor (DTYP=0) */
struct e1kx_tx_ctx_desc {
	__le32 ip_setup;
	__le32 tu_setup;
	__le32 cmd_len;
	__le32 seg_setup;
};

#define E1KX_TXC_CSS			GENMASK(7, 0)	/* checksum start */
#define E1KX_TXC_CSO			GENMASK(15, 8)	/* checksum offset */
#define E1KX_TXC_CSE			GENMASK(31, 16)	/* checksum end */
#define E1KX_TXC_PAYLEN			GENMASK(19, 0)
#define E1KX_TXC_CMD_TCP		BIT(24)
#define E1KX_TXC_CMD_IP			BIT(25)	/* IPv4 (else IPv6) */
#define E1KX_TXC_HDRLEN			GENMASK(15, 8)
#define E1KX_TXC_MSS			GENMASK(31, 16)

/* RX extended descriptor: read format and write-back format */
union e1kx_rx_desc {
	struct {
		__le64 addr;
		__le64 zero;		/* cleared so DD reads 0 */
	} read;
	struct {
		__le32 mrq;
		__le32 rss_hash;
		__le32 status_err;
		__le16 length;
		__le16 vlan;
	} wb;
};

#define E1KX_RXD_MRQ_RSS_TYPE		GENMASK(3, 0)
#define E1KX_RXD_RSS_TCPV4		1
#define E1KX_RXD_RSS_IPV4		2
#define E1KX_RXD_RSS_TCPV6		3

#define E1KX_RXD_STA_DD			BIT(0)
#define E1KX_RXD_STA_EOP		BIT(1)
#define E1KX_RXD_STA_VP			BIT(3)
#define E1KX_RXD_STA_UDPCS		BIT(4)
#define E1KX_RXD_STA_TCPCS		BIT(5)
#define E1KX_RXD_STA_IPCS		BIT(6)
#define E1KX_RXD_ERR_CE			BIT(24)	/* CRC or alignment */
#define E1KX_RXD_ERR_SE			BIT(25)	/* symbol */
#define E1KX_RXD_ERR_SEQ		BIT(26)	/* sequence */
#define E1KX_RXD_ERR_CXE		BIT(28)	/* carrier extension */
#define E1KX_RXD_ERR_TCPE		BIT(29)	/* L4 checksum */
#define E1KX_RXD_ERR_IPE		BIT(30)	/* IPv4 header checksum */
#define E1KX_RXD_ERR_RXE		BIT(31)	/* other RX data error */
#define E1KX_RXD_ERR_FRAME		(E1KX_RXD_ERR_CE | E1KX_RXD_ERR_SE | \
					 E1KX_RXD_ERR_SEQ | E1KX_RXD_ERR_CXE | \
					 E1KX_RXD_ERR_RXE)

#endif /* _E1KX_DESC_H_ */
