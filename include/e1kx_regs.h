/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1kx: register map of the Intel 82574L (from the public datasheet).
 *
 * Offsets are into BAR0. Every field is named; code never uses a bare
 * number for a register bit.
 */
#ifndef _E1KX_REGS_H_
#define _E1KX_REGS_H_

#include <linux/bits.h>
#include <linux/bitfield.h>

/* General control and status */
#define E1KX_CTRL		0x00000
#define E1KX_CTRL_FD			BIT(0)
#define E1KX_CTRL_GIO_MASTER_DISABLE	BIT(2)
#define E1KX_CTRL_ASDE			BIT(5)
#define E1KX_CTRL_SLU			BIT(6)
#define E1KX_CTRL_SPEED			GENMASK(9, 8)
#define E1KX_CTRL_FRCSPD		BIT(11)
#define E1KX_CTRL_FRCDPX		BIT(12)
#define E1KX_CTRL_ADVD3WUC		BIT(20)	/* advertise D3cold wake-up */
#define E1KX_CTRL_EN_PHY_PWR_MGMT	BIT(21)	/* PHY power management */
#define E1KX_CTRL_RST			BIT(26)
#define E1KX_CTRL_RFCE			BIT(27)
#define E1KX_CTRL_TFCE			BIT(28)
#define E1KX_CTRL_RSVD29		BIT(29)	/* must be 0 (82574 init) */
#define E1KX_CTRL_VME			BIT(30)
#define E1KX_CTRL_PHY_RST		BIT(31)

#define E1KX_STATUS		0x00008
#define E1KX_STATUS_FD			BIT(0)
#define E1KX_STATUS_LU			BIT(1)
#define E1KX_STATUS_TXOFF		BIT(4)
#define E1KX_STATUS_SPEED		GENMASK(7, 6)
#define E1KX_STATUS_SPEED_10		0
#define E1KX_STATUS_SPEED_100		1
#define E1KX_STATUS_SPEED_1000		2
#define E1KX_STATUS_PHYRA		BIT(10)
#define E1KX_STATUS_GIO_MASTER_EN	BIT(19)

/* NVM (EEPROM) access */
#define E1KX_EECD		0x00010
#define E1KX_EECD_PRES			BIT(8)
#define E1KX_EECD_AUTO_RD		BIT(9)
#define E1KX_EECD_NVM_TYPE		GENMASK(16, 15)
#define E1KX_EECD_NVM_TYPE_FLASH	3	/* no EEPROM: NVM in flash */
#define E1KX_EECD_FLUPD			BIT(19)	/* commit the shadow to flash */
#define E1KX_EECD_AUPDEN		BIT(20)	/* autonomous flash updates */

#define E1KX_EERD		0x00014
#define E1KX_EERD_START			BIT(0)
#define E1KX_EERD_DONE			BIT(1)
#define E1KX_EERD_ADDR			GENMASK(15, 2)
#define E1KX_EERD_DATA			GENMASK(31, 16)

#define E1KX_CTRL_EXT		0x00018
#define E1KX_CTRL_EXT_RO_DIS		BIT(17)
#define E1KX_CTRL_EXT_INIT_SET		BIT(22)	/* 82574 init: must be 1 */
#define E1KX_CTRL_EXT_INIT_CLR		BIT(23)	/* 82574 init: must be 0 */
#define E1KX_CTRL_EXT_EIAME		BIT(24)
#define E1KX_CTRL_EXT_IAME		BIT(27)
#define E1KX_CTRL_EXT_DRV_LOAD		BIT(28)
#define E1KX_CTRL_EXT_PBA_CLR		BIT(31)

/* MDI (PHY) control */
#define E1KX_MDIC		0x00020
#define E1KX_MDIC_DATA			GENMASK(15, 0)
#define E1KX_MDIC_REGADD		GENMASK(20, 16)
#define E1KX_MDIC_PHYADD		GENMASK(25, 21)
#define E1KX_MDIC_OP			GENMASK(27, 26)
#define E1KX_MDIC_OP_WRITE		1
#define E1KX_MDIC_OP_READ		2
#define E1KX_MDIC_READY			BIT(28)
#define E1KX_MDIC_ERROR			BIT(30)

/* 802.3x flow control */
#define E1KX_FCAL		0x00028
#define E1KX_FCAH		0x0002C
#define E1KX_FCT		0x00030
#define E1KX_VET		0x00038
#define E1KX_FCTTV		0x00170
#define E1KX_FCRTL		0x02160
#define E1KX_FCRTL_XONE			BIT(31)
#define E1KX_FCRTH		0x02168
#define E1KX_FCRT_MASK			GENMASK(15, 3)
#define E1KX_PBA		0x01000
#define E1KX_PBA_RX_KB			GENMASK(15, 0)
#define E1KX_LEDCTL		0x00E00
#define E1KX_LEDCTL_LED0_MODE		GENMASK(3, 0)
#define E1KX_LEDCTL_MODE_ON		0xE
#define E1KX_LEDCTL_MODE_OFF		0xF
#define E1KX_EEWR		0x0102C	/* same fields as EERD */

/* Interrupts */
#define E1KX_ICR		0x000C0
#define E1KX_ITR		0x000C4
#define E1KX_ICS		0x000C8
#define E1KX_IMS		0x000D0
#define E1KX_IMC		0x000D8
#define E1KX_EIAC		0x000DC
#define E1KX_IAM		0x000E0
#define E1KX_IVAR		0x000E4
#define E1KX_EITR(v)		(0x000E8 + 4 * (v))

/* Cause bits, shared by ICR, ICS, IMS, IMC, IAM and EIAC */
#define E1KX_INT_TXDW			BIT(0)
#define E1KX_INT_TXQE			BIT(1)
#define E1KX_INT_LSC			BIT(2)
#define E1KX_INT_RXDMT0			BIT(4)
#define E1KX_INT_RXO			BIT(6)
#define E1KX_INT_RXT0			BIT(7)
#define E1KX_INT_MDAC			BIT(9)
#define E1KX_INT_SRPD			BIT(16)	/* small packet received */
#define E1KX_INT_ACK			BIT(17)	/* TCP ACK received */
#define E1KX_INT_MNG			BIT(18)
#define E1KX_INT_RXQ(q)			BIT(20 + (q))
#define E1KX_INT_TXQ(q)			BIT(22 + (q))
#define E1KX_INT_OTHER			BIT(24)
#define E1KX_ICR_INT_ASSERTED		BIT(31)
/* Causes that MSI-X delivers through the "other" vector */
#define E1KX_INT_OTHER_CAUSES		(E1KX_INT_OTHER | E1KX_INT_LSC | \
					 E1KX_INT_RXO | E1KX_INT_MDAC | \
					 E1KX_INT_SRPD | E1KX_INT_ACK | \
					 E1KX_INT_MNG)
#define E1KX_INT_ALL			GENMASK(31, 0)

/* IVAR: a 4-bit entry per cause: vector number plus a valid bit */
#define E1KX_IVAR_VECTOR		GENMASK(2, 0)
#define E1KX_IVAR_VALID			BIT(3)
#define E1KX_IVAR_ENTRY_BITS		4
#define E1KX_IVAR_RXQ_SHIFT(q)		(E1KX_IVAR_ENTRY_BITS * (q))
#define E1KX_IVAR_TXQ_SHIFT(q)		(E1KX_IVAR_ENTRY_BITS * (2 + (q)))
#define E1KX_IVAR_OTHER			GENMASK(19, 16)
#define E1KX_IVAR_TX_WB_INT		BIT(31)

/* ITR/EITR interval, in 256 ns units */
#define E1KX_ITR_INTERVAL		GENMASK(15, 0)
#define E1KX_ITR_UNIT_NS		256

/* Receive control */
#define E1KX_RCTL		0x00100
#define E1KX_RCTL_EN			BIT(1)
#define E1KX_RCTL_SBP			BIT(2)
#define E1KX_RCTL_UPE			BIT(3)
#define E1KX_RCTL_MPE			BIT(4)
#define E1KX_RCTL_LPE			BIT(5)
#define E1KX_RCTL_LBM			GENMASK(7, 6)
#define E1KX_RCTL_LBM_MAC		1
#define E1KX_RCTL_RDMTS			GENMASK(9, 8)
#define E1KX_RCTL_DTYP			GENMASK(11, 10)
#define E1KX_RCTL_RDMTS_HALF		0
#define E1KX_RCTL_MO			GENMASK(13, 12)
#define E1KX_RCTL_BAM			BIT(15)
#define E1KX_RCTL_BSIZE			GENMASK(17, 16)
#define E1KX_RCTL_BSIZE_2048		0
#define E1KX_RCTL_VFE			BIT(18)
#define E1KX_RCTL_DPF			BIT(22)
#define E1KX_RCTL_BSEX			BIT(25)
#define E1KX_RCTL_SECRC			BIT(26)

/* Transmit control */
#define E1KX_TCTL		0x00400
#define E1KX_TCTL_EN			BIT(1)
#define E1KX_TCTL_PSP			BIT(3)
#define E1KX_TCTL_CT			GENMASK(11, 4)
#define E1KX_TCTL_COLD			GENMASK(21, 12)
#define E1KX_TCTL_RTLC			BIT(24)
#define E1KX_TCTL_MULR			BIT(28)
#define E1KX_TCTL_CT_DEFAULT		0x0F	/* collision threshold, 802.3 */
#define E1KX_TCTL_COLD_FD		0x3F	/* collision distance, full dup */

#define E1KX_TIPG		0x00410
#define E1KX_TIPG_IPGT			GENMASK(9, 0)
#define E1KX_TIPG_IPGR1			GENMASK(19, 10)
#define E1KX_TIPG_IPGR2			GENMASK(29, 20)
#define E1KX_TIPG_IPGT_COPPER		8
#define E1KX_TIPG_IPGR1_DEFAULT		8
#define E1KX_TIPG_IPGR2_DEFAULT		6

/* Software/firmware ownership of the PHY and NVM */
#define E1KX_EXTCNF_CTRL	0x00F00
#define E1KX_EXTCNF_CTRL_SWFLAG		BIT(5)

/* Descriptor rings, two of each; queue 1 is 0x100 above queue 0 */
#define E1KX_QUEUE_STRIDE	0x100
#define E1KX_RING_BAL		0x00	/* offsets within a ring's block */
#define E1KX_RING_BAH		0x04
#define E1KX_RING_LEN		0x08
#define E1KX_RING_HEAD		0x10
#define E1KX_RING_TAIL		0x18
#define E1KX_RDBAL(q)		(0x02800 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_RDBAH(q)		(0x02804 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_RDLEN(q)		(0x02808 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_RDH(q)		(0x02810 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_RDT(q)		(0x02818 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_RDTR		0x02820
#define E1KX_RXDCTL(q)		(0x02828 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_RADV		0x0282C
#define E1KX_TDBAL(q)		(0x03800 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_TDBAH(q)		(0x03804 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_TDLEN(q)		(0x03808 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_TDH(q)		(0x03810 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_TDT(q)		(0x03818 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_TIDV		0x03820
#define E1KX_TXDCTL(q)		(0x03828 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_TADV		0x0382C
#define E1KX_TARC(q)		(0x03840 + E1KX_QUEUE_STRIDE * (q))
#define E1KX_TARC_ENABLE		BIT(10)
#define E1KX_TARC0_INIT_SET		BIT(26)	/* 82574 init: must be 1 */
#define E1KX_TARC0_INIT_CLR		GENMASK(30, 27)	/* must be 0 */
#define E1KX_TXDCTL_PTHRESH		GENMASK(5, 0)
#define E1KX_TXDCTL_HTHRESH		GENMASK(13, 8)
#define E1KX_TXDCTL_WTHRESH		GENMASK(21, 16)
#define E1KX_TXDCTL_COUNT_DESC		BIT(22)	/* datasheet: set to 1 */
#define E1KX_TXDCTL_GRAN		BIT(24)	/* thresholds in descriptors */
#define E1KX_RXDCTL_PTHRESH		GENMASK(5, 0)
#define E1KX_RXDCTL_HTHRESH		GENMASK(13, 8)
#define E1KX_RXDCTL_WTHRESH		GENMASK(21, 16)
#define E1KX_RXDCTL_GRAN		BIT(24)
/* Ring length register: bytes, a multiple of 128 */
#define E1KX_RING_LEN_ALIGN		128
#define E1KX_NUM_QUEUES		2

/* Statistics: clear-on-read; for 64-bit ones read low, then high */
#define E1KX_STATS_FIRST	0x04000
#define E1KX_CRCERRS		0x04000
#define E1KX_ALGNERRC		0x04004
#define E1KX_SYMERRS		0x04008
#define E1KX_RXERRC		0x0400C
#define E1KX_MPC		0x04010
#define E1KX_SCC		0x04014
#define E1KX_ECOL		0x04018
#define E1KX_MCC		0x0401C
#define E1KX_LATECOL		0x04020
#define E1KX_COLC		0x04028
#define E1KX_DC			0x04030
#define E1KX_TNCRS		0x04034
#define E1KX_SEC		0x04038
#define E1KX_CEXTERR		0x0403C
#define E1KX_RLEC		0x04040
#define E1KX_XONRXC		0x04048
#define E1KX_XONTXC		0x0404C
#define E1KX_XOFFRXC		0x04050
#define E1KX_XOFFTXC		0x04054
#define E1KX_FCRUC		0x04058
#define E1KX_PRC64		0x0405C
#define E1KX_PRC127		0x04060
#define E1KX_PRC255		0x04064
#define E1KX_PRC511		0x04068
#define E1KX_PRC1023		0x0406C
#define E1KX_PRC1522		0x04070
#define E1KX_GPRC		0x04074
#define E1KX_BPRC		0x04078
#define E1KX_MPRC		0x0407C
#define E1KX_GPTC		0x04080
#define E1KX_GORCL		0x04088
#define E1KX_GOTCL		0x04090
#define E1KX_RNBC		0x040A0
#define E1KX_RUC		0x040A4
#define E1KX_RFC		0x040A8
#define E1KX_ROC		0x040AC
#define E1KX_RJC		0x040B0
#define E1KX_MGTPRC		0x040B4
#define E1KX_MGTPDC		0x040B8
#define E1KX_MGTPTC		0x040BC
#define E1KX_TORL		0x040C0
#define E1KX_TOTL		0x040C8
#define E1KX_TPR		0x040D0
#define E1KX_TPT		0x040D4
#define E1KX_PTC64		0x040D8
#define E1KX_PTC127		0x040DC
#define E1KX_PTC255		0x040E0
#define E1KX_PTC511		0x040E4
#define E1KX_PTC1023		0x040E8
#define E1KX_PTC1522		0x040EC
#define E1KX_MPTC		0x040F0
#define E1KX_BPTC		0x040F4
#define E1KX_TSCTC		0x040F8
#define E1KX_TSCTFC		0x040FC
#define E1KX_IAC		0x04100
#define E1KX_STATS_LAST		0x04100
#define E1KX_STAT_HI_OFFSET	4	/* high half of a 64-bit counter */

/* Receive filtering and offloads */
#define E1KX_RXCSUM		0x05000
#define E1KX_RXCSUM_IPOFLD		BIT(8)
#define E1KX_RXCSUM_TUOFLD		BIT(9)
#define E1KX_RXCSUM_PCSD		BIT(13)	/* RSS hash instead of csum */
#define E1KX_RFCTL		0x05008
#define E1KX_RFCTL_ISCSI_DIS		BIT(0)
#define E1KX_RFCTL_NFSW_DIS		BIT(6)
#define E1KX_RFCTL_NFSR_DIS		BIT(7)
#define E1KX_RFCTL_ACK_DIS		BIT(12)	/* no ACK-detect interrupts */
#define E1KX_RFCTL_ACKD_DIS		BIT(13)	/* ACKs with data are not ACKs */
#define E1KX_RFCTL_EXSTEN		BIT(15)	/* extended RX descriptors */
#define E1KX_MTA(i)		(0x05200 + 4 * (i))
#define E1KX_MTA_ENTRIES	128
#define E1KX_RAL(i)		(0x05400 + 8 * (i))
#define E1KX_RAH(i)		(0x05404 + 8 * (i))
#define E1KX_RAH_ADDR_HI		GENMASK(15, 0)
#define E1KX_RAH_AV			BIT(31)
#define E1KX_RAR_ENTRIES	16
#define E1KX_VFTA(i)		(0x05600 + 4 * (i))
#define E1KX_VFTA_ENTRIES	128
#define E1KX_WUC		0x05800
#define E1KX_WUC_PME_EN			BIT(1)
#define E1KX_WUFC		0x05808
#define E1KX_WUFC_MAG			BIT(1)
#define E1KX_WUFC_EX			BIT(2)	/* directed unicast */
#define E1KX_WUFC_MC			BIT(3)
#define E1KX_WUFC_BC			BIT(4)
#define E1KX_WUS		0x05810
#define E1KX_WUS_ALL			GENMASK(31, 0)	/* write 1 to clear */
#define E1KX_MRQC		0x05818
#define E1KX_MRQC_ENABLE		GENMASK(1, 0)
#define E1KX_MRQC_ENABLE_RSS		1
#define E1KX_MRQC_TCPIPV4		BIT(16)
#define E1KX_MRQC_IPV4			BIT(17)
#define E1KX_MRQC_TCPIPV6		BIT(18)
#define E1KX_MRQC_IPV6EX		BIT(19)
#define E1KX_MRQC_IPV6			BIT(20)
#define E1KX_MANC		0x05820
#define E1KX_MANC_BLK_PHY_RST_ON_IDE	BIT(18)	/* firmware keeps the PHY */
#define E1KX_RSRPD		0x02C00	/* small packet detect size, 0: off */

/* PCIe control */
#define E1KX_GCR		0x05B00
#define E1KX_GCR_ERRATA_COMPL		BIT(22)	/* spec update: set */
#define E1KX_GCR2		0x05B64
#define E1KX_GCR2_ERRATA_COMPL		BIT(0)	/* spec update: set */
#define E1KX_RETA(i)		(0x05C00 + 4 * (i))
#define E1KX_RSSRK(i)		(0x05C80 + 4 * (i))
#define E1KX_RETA_ENTRIES	128
#define E1KX_RETA_QUEUE			BIT(7)
#define E1KX_RSS_KEY_SIZE	40

/* Bounded waits, in microseconds */
#define E1KX_MDIC_TIMEOUT_US		10000
#define E1KX_EERD_TIMEOUT_US		10000
#define E1KX_SWFLAG_TIMEOUT_US		100000
#define E1KX_MASTER_TIMEOUT_US		80000
#define E1KX_AUTO_RD_TIMEOUT_US		10000
#define E1KX_FLUPD_TIMEOUT_US		2000000	/* a flash sector erase */

#endif /* _E1KX_REGS_H_ */
