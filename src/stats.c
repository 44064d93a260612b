// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: statistics.
 *
 * Per-ring software counters (u64_stats) and the MAC's clear-on-read
 * hardware counters, accumulated into 64-bit totals by the watchdog and by
 * ethtool's readers, so no count is lost. ndo_get_stats64 serves the totals
 * without touching the device.
 */
#include <linux/ethtool.h>

#include "e1kx.h"

struct e1kx_hw_stat {
	char name[ETH_GSTRING_LEN];
	u32 reg;
	bool is64;
	bool netdev;	/* feeds ndo_get_stats64 or the base qstats */
};

enum e1kx_hw_stat_idx {
	E1KX_HWS_CRCERRS, E1KX_HWS_ALGNERRC, E1KX_HWS_SYMERRS, E1KX_HWS_RXERRC,
	E1KX_HWS_MPC, E1KX_HWS_SCC, E1KX_HWS_ECOL, E1KX_HWS_MCC,
	E1KX_HWS_LATECOL, E1KX_HWS_COLC, E1KX_HWS_DC, E1KX_HWS_TNCRS,
	E1KX_HWS_SEC, E1KX_HWS_CEXTERR, E1KX_HWS_RLEC, E1KX_HWS_XONRXC,
	E1KX_HWS_XONTXC, E1KX_HWS_XOFFRXC, E1KX_HWS_XOFFTXC, E1KX_HWS_FCRUC,
	E1KX_HWS_PRC64, E1KX_HWS_PRC127, E1KX_HWS_PRC255, E1KX_HWS_PRC511,
	E1KX_HWS_PRC1023, E1KX_HWS_PRC1522, E1KX_HWS_GPRC, E1KX_HWS_BPRC,
	E1KX_HWS_MPRC, E1KX_HWS_GPTC, E1KX_HWS_GORC, E1KX_HWS_GOTC,
	E1KX_HWS_RNBC, E1KX_HWS_RUC, E1KX_HWS_RFC, E1KX_HWS_ROC, E1KX_HWS_RJC,
	E1KX_HWS_MGTPRC, E1KX_HWS_MGTPDC, E1KX_HWS_MGTPTC, E1KX_HWS_TOR,
	E1KX_HWS_TOT, E1KX_HWS_TPR, E1KX_HWS_TPT, E1KX_HWS_PTC64,
	E1KX_HWS_PTC127, E1KX_HWS_PTC255, E1KX_HWS_PTC511, E1KX_HWS_PTC1023,
	E1KX_HWS_PTC1522, E1KX_HWS_MPTC, E1KX_HWS_BPTC, E1KX_HWS_TSCTC,
	E1KX_HWS_TSCTFC, E1KX_HWS_IAC,
	E1KX_HWS_NUM
};

#define E1KX_HWS(idx, str, r)	\
	[E1KX_HWS_##idx] = { .name = str, .reg = r }
#define E1KX_HWS64(idx, str, r)	\
	[E1KX_HWS_##idx] = { .name = str, .reg = r, .is64 = true }
#define E1KX_HWSN(idx, str, r)	\
	[E1KX_HWS_##idx] = { .name = str, .reg = r, .netdev = true }

static const struct e1kx_hw_stat e1kx_hw_stats[E1KX_HWS_NUM] = {
	E1KX_HWSN(CRCERRS, "rx_crc_errors", E1KX_CRCERRS),
	E1KX_HWSN(ALGNERRC, "rx_align_errors", E1KX_ALGNERRC),
	E1KX_HWSN(SYMERRS, "rx_symbol_errors", E1KX_SYMERRS),
	E1KX_HWSN(RXERRC, "rx_phy_errors", E1KX_RXERRC),
	E1KX_HWSN(MPC, "rx_missed_errors", E1KX_MPC),
	E1KX_HWS(SCC, "tx_single_collisions", E1KX_SCC),
	E1KX_HWSN(ECOL, "tx_excessive_collisions", E1KX_ECOL),
	E1KX_HWS(MCC, "tx_multiple_collisions", E1KX_MCC),
	E1KX_HWSN(LATECOL, "tx_late_collisions", E1KX_LATECOL),
	E1KX_HWSN(COLC, "collisions", E1KX_COLC),
	E1KX_HWS(DC, "tx_deferred", E1KX_DC),
	E1KX_HWSN(TNCRS, "tx_no_carrier_sense", E1KX_TNCRS),
	E1KX_HWS(SEC, "rx_sequence_errors", E1KX_SEC),
	E1KX_HWSN(CEXTERR, "rx_carrier_ext_errors", E1KX_CEXTERR),
	E1KX_HWSN(RLEC, "rx_length_errors", E1KX_RLEC),
	E1KX_HWS(XONRXC, "rx_xon", E1KX_XONRXC),
	E1KX_HWS(XONTXC, "tx_xon", E1KX_XONTXC),
	E1KX_HWS(XOFFRXC, "rx_xoff", E1KX_XOFFRXC),
	E1KX_HWS(XOFFTXC, "tx_xoff", E1KX_XOFFTXC),
	E1KX_HWS(FCRUC, "rx_flow_control_unsupported", E1KX_FCRUC),
	E1KX_HWS(PRC64, "rx_size_64", E1KX_PRC64),
	E1KX_HWS(PRC127, "rx_size_65_to_127", E1KX_PRC127),
	E1KX_HWS(PRC255, "rx_size_128_to_255", E1KX_PRC255),
	E1KX_HWS(PRC511, "rx_size_256_to_511", E1KX_PRC511),
	E1KX_HWS(PRC1023, "rx_size_512_to_1023", E1KX_PRC1023),
	E1KX_HWS(PRC1522, "rx_size_1024_to_max", E1KX_PRC1522),
	E1KX_HWS(GPRC, "rx_packets_hw", E1KX_GPRC),
	E1KX_HWS(BPRC, "rx_broadcast", E1KX_BPRC),
	E1KX_HWSN(MPRC, "rx_multicast", E1KX_MPRC),
	E1KX_HWS(GPTC, "tx_packets_hw", E1KX_GPTC),
	E1KX_HWS64(GORC, "rx_bytes_hw", E1KX_GORCL),
	E1KX_HWS64(GOTC, "tx_bytes_hw", E1KX_GOTCL),
	E1KX_HWS(RNBC, "rx_no_buffer", E1KX_RNBC),
	E1KX_HWSN(RUC, "rx_undersize", E1KX_RUC),
	E1KX_HWS(RFC, "rx_fragments", E1KX_RFC),
	E1KX_HWSN(ROC, "rx_oversize", E1KX_ROC),
	E1KX_HWS(RJC, "rx_jabbers", E1KX_RJC),
	E1KX_HWS(MGTPRC, "rx_mgmt_packets", E1KX_MGTPRC),
	E1KX_HWS(MGTPDC, "rx_mgmt_dropped", E1KX_MGTPDC),
	E1KX_HWS(MGTPTC, "tx_mgmt_packets", E1KX_MGTPTC),
	E1KX_HWS64(TOR, "rx_total_bytes", E1KX_TORL),
	E1KX_HWS64(TOT, "tx_total_bytes", E1KX_TOTL),
	E1KX_HWS(TPR, "rx_total_packets", E1KX_TPR),
	E1KX_HWS(TPT, "tx_total_packets", E1KX_TPT),
	E1KX_HWS(PTC64, "tx_size_64", E1KX_PTC64),
	E1KX_HWS(PTC127, "tx_size_65_to_127", E1KX_PTC127),
	E1KX_HWS(PTC255, "tx_size_128_to_255", E1KX_PTC255),
	E1KX_HWS(PTC511, "tx_size_256_to_511", E1KX_PTC511),
	E1KX_HWS(PTC1023, "tx_size_512_to_1023", E1KX_PTC1023),
	E1KX_HWS(PTC1522, "tx_size_1024_to_max", E1KX_PTC1522),
	E1KX_HWS(MPTC, "tx_multicast", E1KX_MPTC),
	E1KX_HWS(BPTC, "tx_broadcast", E1KX_BPTC),
	E1KX_HWS(TSCTC, "tx_tso_contexts", E1KX_TSCTC),
	E1KX_HWS(TSCTFC, "tx_tso_context_failures", E1KX_TSCTFC),
	E1KX_HWS(IAC, "interrupt_assertions", E1KX_IAC),
};

/* Per-queue counters shown by ethtool -S, in this order */
static const char * const e1kx_txq_stat_names[] = {
	"packets", "bytes", "restarts", "drops", "xdp_xmit", "xsk_tx",
};

static const char * const e1kx_rxq_stat_names[] = {
	"packets", "bytes", "drops", "errors", "length_errors", "csum_err",
	"alloc_fail", "xdp_drop", "xdp_tx", "xdp_redirect", "xdp_errors",
	"xsk_rx", "xsk_fill_empty",
};

static const char * const e1kx_sw_stat_names[] = {
	"tx_timeouts", "resets", "link_changes",
};

int e1kx_stats_init(struct e1kx_priv *priv)
{
	unsigned int q;

	priv->hw_stats = devm_kcalloc(&priv->pdev->dev, E1KX_HWS_NUM,
				      sizeof(*priv->hw_stats), GFP_KERNEL);
	if (!priv->hw_stats)
		return -ENOMEM;
	spin_lock_init(&priv->hw_stats_lock);
	for (q = 0; q < E1KX_MAX_QUEUE_PAIRS; q++) {
		u64_stats_init(&priv->tx_ring[q].stats.syncp);
		u64_stats_init(&priv->rx_ring[q].stats.syncp);
	}
	return 0;
}

/*
 * Fold clear-on-read registers into the 64-bit totals: every register when
 * slice is E1KX_STATS_ALL, else those marked netdev and one slice of the
 * others (every E1KX_STATS_SLICES-th, starting at slice). The registers
 * are read outside the lock (interrupts stay on), which guards only the
 * addition: a read clears what it returns, so a fold by the watchdog and
 * one by an ethtool reader each add what they cleared.
 */
static void e1kx_stats_fold(struct e1kx_priv *priv, unsigned int slice)
{
	u64 val[E1KX_HWS_NUM] = {};
	unsigned long flags;
	unsigned int i;

	if (pci_channel_offline(priv->pdev))
		return;
	for (i = 0; i < E1KX_HWS_NUM; i++) {
		const struct e1kx_hw_stat *s = &e1kx_hw_stats[i];

		if (slice != E1KX_STATS_ALL && !s->netdev &&
		    i % E1KX_STATS_SLICES != slice)
			continue;
		val[i] = e1kx_rd32(priv, s->reg);
		if (s->is64)
			val[i] |= (u64)e1kx_rd32(priv, s->reg +
						 E1KX_STAT_HI_OFFSET) << 32;
	}
	spin_lock_irqsave(&priv->hw_stats_lock, flags);
	for (i = 0; i < E1KX_HWS_NUM; i++)
		priv->hw_stats[i] += val[i];
	spin_unlock_irqrestore(&priv->hw_stats_lock, flags);
}

/* Every counter: for ethtool's readers and before a reset clears them */
void e1kx_stats_update_hw(struct e1kx_priv *priv)
{
	e1kx_stats_fold(priv, E1KX_STATS_ALL);
}

/*
 * From the watchdog: on every pass the 14 counters that ndo_get_stats64
 * and the base qstats report, and one of E1KX_STATS_SLICES slices of the
 * other ~40 (4-6 registers), so each is folded every E1KX_STATS_SLICES
 * passes and no pass reads them all at once. That keeps the idle cost low
 * and even (each read is a PCIe round trip, a VM exit under a hypervisor)
 * and is still far from the shortest time to saturate (the MAC's counters
 * stop at all ones): a 32-bit frame counter takes ~48 minutes of
 * minimum-size frames at 1 Gb/s, and the octet counters are 64-bit.
 */
void e1kx_stats_watchdog(struct e1kx_priv *priv)
{
	e1kx_stats_fold(priv, priv->stats_slice);
	priv->stats_slice = (priv->stats_slice + 1) % E1KX_STATS_SLICES;
}

static void e1kx_ring_stats_read(const struct e1kx_ring_stats *s,
				 struct e1kx_ring_stats *out)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		out->packets = s->packets;
		out->bytes = s->bytes;
		out->restarts = s->restarts;
		out->wakes = s->wakes;
		out->drops = s->drops;
		out->errors = s->errors;
		out->length_errors = s->length_errors;
		out->csum_err = s->csum_err;
		out->alloc_fail = s->alloc_fail;
		out->xdp_drop = s->xdp_drop;
		out->xdp_tx = s->xdp_tx;
		out->xdp_redirect = s->xdp_redirect;
		out->xdp_errors = s->xdp_errors;
		out->xdp_xmit = s->xdp_xmit;
		out->xsk_rx = s->xsk_rx;
		out->xsk_tx = s->xsk_tx;
		out->xsk_fill_empty = s->xsk_fill_empty;
	} while (u64_stats_fetch_retry(&s->syncp, start));
}

void e1kx_get_stats64(struct net_device *netdev,
		      struct rtnl_link_stats64 *stats)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	const u64 *hw = priv->hw_stats;
	struct e1kx_ring_stats rs;
	unsigned long flags;
	unsigned int q;

	for (q = 0; q < E1KX_MAX_QUEUE_PAIRS; q++) {
		e1kx_ring_stats_read(&priv->tx_ring[q].stats, &rs);
		stats->tx_packets += rs.packets;
		stats->tx_bytes += rs.bytes;
		stats->tx_dropped += rs.drops;

		e1kx_ring_stats_read(&priv->rx_ring[q].stats, &rs);
		stats->rx_packets += rs.packets;
		stats->rx_bytes += rs.bytes;
		stats->rx_dropped += rs.drops;
		stats->rx_length_errors += rs.length_errors;
		stats->rx_errors += rs.errors + rs.length_errors;
	}

	/* What the watchdog last folded: no device access in any context */
	spin_lock_irqsave(&priv->hw_stats_lock, flags);
	stats->multicast = hw[E1KX_HWS_MPRC];
	stats->collisions = hw[E1KX_HWS_COLC];
	stats->rx_crc_errors = hw[E1KX_HWS_CRCERRS];
	stats->rx_frame_errors = hw[E1KX_HWS_ALGNERRC];
	stats->rx_missed_errors = hw[E1KX_HWS_MPC];
	stats->rx_length_errors += hw[E1KX_HWS_RLEC] + hw[E1KX_HWS_ROC] +
				   hw[E1KX_HWS_RUC];
	stats->rx_errors += hw[E1KX_HWS_CRCERRS] + hw[E1KX_HWS_ALGNERRC] +
			    hw[E1KX_HWS_SYMERRS] + hw[E1KX_HWS_RXERRC] +
			    hw[E1KX_HWS_CEXTERR] + hw[E1KX_HWS_RLEC] +
			    hw[E1KX_HWS_ROC] + hw[E1KX_HWS_RUC];
	stats->tx_aborted_errors = hw[E1KX_HWS_ECOL];
	stats->tx_window_errors = hw[E1KX_HWS_LATECOL];
	stats->tx_carrier_errors = hw[E1KX_HWS_TNCRS];
	stats->tx_errors = hw[E1KX_HWS_ECOL] + hw[E1KX_HWS_LATECOL];
	spin_unlock_irqrestore(&priv->hw_stats_lock, flags);
}

/*
 * Per-queue statistics for netlink (qstats-get). They come from the same
 * ring counters as ndo_get_stats64, which never resets them: a queue that
 * ethtool -L took away keeps its counts in its ring, and the base stats
 * report those, so base plus live queues equals the device totals.
 */
static void e1kx_qstats_rx(const struct e1kx_rx_ring *ring,
			   struct netdev_queue_stats_rx *rx)
{
	struct e1kx_ring_stats rs;

	e1kx_ring_stats_read(&ring->stats, &rs);
	rx->packets += rs.packets;
	rx->bytes += rs.bytes;
	/* A socket's fill ring running dry is a buffer allocation failure */
	rx->alloc_fail += rs.alloc_fail + rs.xsk_fill_empty;
	rx->csum_bad += rs.csum_err;
}

static void e1kx_qstats_tx(const struct e1kx_tx_ring *ring,
			   struct netdev_queue_stats_tx *tx)
{
	struct e1kx_ring_stats rs;

	e1kx_ring_stats_read(&ring->stats, &rs);
	tx->packets += rs.packets;
	tx->bytes += rs.bytes;
	tx->stop += rs.restarts;
	tx->wake += rs.wakes;
}

static void e1kx_get_queue_stats_rx(struct net_device *netdev, int idx,
				    struct netdev_queue_stats_rx *rx)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	rx->packets = 0;
	rx->bytes = 0;
	rx->alloc_fail = 0;
	rx->csum_bad = 0;
	e1kx_qstats_rx(&priv->rx_ring[idx], rx);
}

static void e1kx_get_queue_stats_tx(struct net_device *netdev, int idx,
				    struct netdev_queue_stats_tx *tx)
{
	struct e1kx_priv *priv = netdev_priv(netdev);

	tx->packets = 0;
	tx->bytes = 0;
	tx->stop = 0;
	tx->wake = 0;
	e1kx_qstats_tx(&priv->tx_ring[idx], tx);
}

/*
 * Counts no live queue holds: the queues ethtool -L took away, and the
 * frames the MAC dropped before any queue saw them. The MAC counts those
 * per port, not per queue, so they appear at the device level only:
 * missed frames (no room in the packet buffer) as overruns, and with the
 * frames it discarded as bad in hw_drops.
 */
static void e1kx_get_base_stats(struct net_device *netdev,
				struct netdev_queue_stats_rx *rx,
				struct netdev_queue_stats_tx *tx)
{
	struct e1kx_priv *priv = netdev_priv(netdev);
	const u64 *hw = priv->hw_stats;
	unsigned long flags;
	unsigned int q;

	rx->packets = 0;
	rx->bytes = 0;
	rx->alloc_fail = 0;
	rx->csum_bad = 0;
	for (q = netdev->real_num_rx_queues; q < E1KX_MAX_QUEUE_PAIRS; q++)
		e1kx_qstats_rx(&priv->rx_ring[q], rx);

	tx->packets = 0;
	tx->bytes = 0;
	tx->stop = 0;
	tx->wake = 0;
	for (q = netdev->real_num_tx_queues; q < E1KX_MAX_QUEUE_PAIRS; q++)
		e1kx_qstats_tx(&priv->tx_ring[q], tx);

	/* What the watchdog last folded, as ndo_get_stats64 reports it */
	spin_lock_irqsave(&priv->hw_stats_lock, flags);
	rx->hw_drop_overruns = hw[E1KX_HWS_MPC];
	rx->hw_drops = hw[E1KX_HWS_MPC] + hw[E1KX_HWS_CRCERRS] +
		       hw[E1KX_HWS_ALGNERRC] + hw[E1KX_HWS_SYMERRS] +
		       hw[E1KX_HWS_RXERRC] + hw[E1KX_HWS_CEXTERR] +
		       hw[E1KX_HWS_RLEC] + hw[E1KX_HWS_ROC] + hw[E1KX_HWS_RUC];
	spin_unlock_irqrestore(&priv->hw_stats_lock, flags);
}

static const struct netdev_stat_ops e1kx_stat_ops = {
	.get_queue_stats_rx	= e1kx_get_queue_stats_rx,
	.get_queue_stats_tx	= e1kx_get_queue_stats_tx,
	.get_base_stats		= e1kx_get_base_stats,
};

void e1kx_stats_setup(struct e1kx_priv *priv)
{
	e1kx_set_stat_ops(priv->netdev, &e1kx_stat_ops);
}

int e1kx_stats_count(struct e1kx_priv *priv)
{
	return priv->num_queue_pairs * (ARRAY_SIZE(e1kx_txq_stat_names) +
					ARRAY_SIZE(e1kx_rxq_stat_names)) +
	       ARRAY_SIZE(e1kx_sw_stat_names) + E1KX_HWS_NUM;
}

void e1kx_stats_strings(struct e1kx_priv *priv, u8 *data)
{
	unsigned int q, i;

	for (q = 0; q < priv->num_queue_pairs; q++) {
		for (i = 0; i < ARRAY_SIZE(e1kx_txq_stat_names); i++)
			ethtool_sprintf(&data, "tx_queue_%u_%s", q,
					e1kx_txq_stat_names[i]);
		for (i = 0; i < ARRAY_SIZE(e1kx_rxq_stat_names); i++)
			ethtool_sprintf(&data, "rx_queue_%u_%s", q,
					e1kx_rxq_stat_names[i]);
	}
	for (i = 0; i < ARRAY_SIZE(e1kx_sw_stat_names); i++)
		ethtool_puts(&data, e1kx_sw_stat_names[i]);
	for (i = 0; i < E1KX_HWS_NUM; i++)
		ethtool_puts(&data, e1kx_hw_stats[i].name);
}

void e1kx_stats_fill(struct e1kx_priv *priv, u64 *data)
{
	struct e1kx_ring_stats rs;
	unsigned long flags;
	unsigned int q;

	for (q = 0; q < priv->num_queue_pairs; q++) {
		e1kx_ring_stats_read(&priv->tx_ring[q].stats, &rs);
		*data++ = rs.packets;
		*data++ = rs.bytes;
		*data++ = rs.restarts;
		*data++ = rs.drops;
		*data++ = rs.xdp_xmit;
		*data++ = rs.xsk_tx;
		e1kx_ring_stats_read(&priv->rx_ring[q].stats, &rs);
		*data++ = rs.packets;
		*data++ = rs.bytes;
		*data++ = rs.drops;
		*data++ = rs.errors;
		*data++ = rs.length_errors;
		*data++ = rs.csum_err;
		*data++ = rs.alloc_fail;
		*data++ = rs.xdp_drop;
		*data++ = rs.xdp_tx;
		*data++ = rs.xdp_redirect;
		*data++ = rs.xdp_errors;
		*data++ = rs.xsk_rx;
		*data++ = rs.xsk_fill_empty;
	}
	*data++ = READ_ONCE(priv->tx_timeouts);
	*data++ = READ_ONCE(priv->resets);
	*data++ = READ_ONCE(priv->link_changes);

	e1kx_stats_update_hw(priv);
	spin_lock_irqsave(&priv->hw_stats_lock, flags);
	memcpy(data, priv->hw_stats, E1KX_HWS_NUM * sizeof(*data));
	spin_unlock_irqrestore(&priv->hw_stats_lock, flags);
}

/* Standard statistics groups (ethtool -S --groups ...) */
#define E1KX_HW(priv, idx)	((priv)->hw_stats[E1KX_HWS_##idx])

void e1kx_stats_eth_mac(struct e1kx_priv *priv,
			struct ethtool_eth_mac_stats *mac)
{
	unsigned long flags;

	e1kx_stats_update_hw(priv);
	spin_lock_irqsave(&priv->hw_stats_lock, flags);
	mac->FramesTransmittedOK = E1KX_HW(priv, GPTC);
	mac->SingleCollisionFrames = E1KX_HW(priv, SCC);
	mac->MultipleCollisionFrames = E1KX_HW(priv, MCC);
	mac->FramesReceivedOK = E1KX_HW(priv, GPRC);
	mac->FrameCheckSequenceErrors = E1KX_HW(priv, CRCERRS);
	mac->AlignmentErrors = E1KX_HW(priv, ALGNERRC);
	mac->OctetsTransmittedOK = E1KX_HW(priv, GOTC);
	mac->FramesWithDeferredXmissions = E1KX_HW(priv, DC);
	mac->LateCollisions = E1KX_HW(priv, LATECOL);
	mac->FramesAbortedDueToXSColls = E1KX_HW(priv, ECOL);
	mac->CarrierSenseErrors = E1KX_HW(priv, TNCRS);
	mac->OctetsReceivedOK = E1KX_HW(priv, GORC);
	mac->MulticastFramesXmittedOK = E1KX_HW(priv, MPTC);
	mac->BroadcastFramesXmittedOK = E1KX_HW(priv, BPTC);
	mac->MulticastFramesReceivedOK = E1KX_HW(priv, MPRC);
	mac->BroadcastFramesReceivedOK = E1KX_HW(priv, BPRC);
	mac->InRangeLengthErrors = E1KX_HW(priv, RLEC);
	mac->FrameTooLongErrors = E1KX_HW(priv, ROC);
	spin_unlock_irqrestore(&priv->hw_stats_lock, flags);
}

void e1kx_stats_eth_ctrl(struct e1kx_priv *priv,
			 struct ethtool_eth_ctrl_stats *ctrl)
{
	unsigned long flags;

	e1kx_stats_update_hw(priv);
	spin_lock_irqsave(&priv->hw_stats_lock, flags);
	ctrl->MACControlFramesTransmitted = E1KX_HW(priv, XONTXC) +
					    E1KX_HW(priv, XOFFTXC);
	ctrl->MACControlFramesReceived = E1KX_HW(priv, XONRXC) +
					 E1KX_HW(priv, XOFFRXC) +
					 E1KX_HW(priv, FCRUC);
	ctrl->UnsupportedOpcodesReceived = E1KX_HW(priv, FCRUC);
	spin_unlock_irqrestore(&priv->hw_stats_lock, flags);
}

void e1kx_stats_pause(struct e1kx_priv *priv, struct ethtool_pause_stats *p)
{
	unsigned long flags;

	e1kx_stats_update_hw(priv);
	spin_lock_irqsave(&priv->hw_stats_lock, flags);
	p->tx_pause_frames = E1KX_HW(priv, XOFFTXC);
	p->rx_pause_frames = E1KX_HW(priv, XOFFRXC);
	spin_unlock_irqrestore(&priv->hw_stats_lock, flags);
}

static const struct ethtool_rmon_hist_range e1kx_rmon_ranges[] = {
	{ 64, 64 },
	{ 65, 127 },
	{ 128, 255 },
	{ 256, 511 },
	{ 512, 1023 },
	{ 1024, 1522 },
	{}
};

void e1kx_stats_rmon(struct e1kx_priv *priv, struct ethtool_rmon_stats *rmon,
		     const struct ethtool_rmon_hist_range **ranges)
{
	static const u8 rx_hist[] = {
		E1KX_HWS_PRC64, E1KX_HWS_PRC127, E1KX_HWS_PRC255,
		E1KX_HWS_PRC511, E1KX_HWS_PRC1023, E1KX_HWS_PRC1522,
	};
	static const u8 tx_hist[] = {
		E1KX_HWS_PTC64, E1KX_HWS_PTC127, E1KX_HWS_PTC255,
		E1KX_HWS_PTC511, E1KX_HWS_PTC1023, E1KX_HWS_PTC1522,
	};
	unsigned long flags;
	unsigned int i;

	e1kx_stats_update_hw(priv);
	spin_lock_irqsave(&priv->hw_stats_lock, flags);
	rmon->undersize_pkts = E1KX_HW(priv, RUC);
	rmon->oversize_pkts = E1KX_HW(priv, ROC);
	rmon->fragments = E1KX_HW(priv, RFC);
	rmon->jabbers = E1KX_HW(priv, RJC);
	for (i = 0; i < ARRAY_SIZE(rx_hist); i++) {
		rmon->hist[i] = priv->hw_stats[rx_hist[i]];
		rmon->hist_tx[i] = priv->hw_stats[tx_hist[i]];
	}
	spin_unlock_irqrestore(&priv->hw_stats_lock, flags);
	*ranges = e1kx_rmon_ranges;
}
