// SPDX-License-Identifier: GPL-2.0
/*
 * e1kx: NVM (EEPROM) access through EERD, checksum and MAC address.
 */
#include <linux/etherdevice.h>
#include <linux/iopoll.h>

#include "e1kx.h"

static int e1kx_nvm_read_word(struct e1kx_priv *priv, unsigned int word,
			      u16 *data)
{
	u32 val;
	int err;

	e1kx_wr32(priv, E1KX_EERD,
		  FIELD_PREP(E1KX_EERD_ADDR, word) | E1KX_EERD_START);
	err = readl_poll_timeout(priv->io + E1KX_EERD, val,
				 val & E1KX_EERD_DONE, 5, E1KX_EERD_TIMEOUT_US);
	if (err)
		return err;
	*data = FIELD_GET(E1KX_EERD_DATA, val);
	return 0;
}

static bool e1kx_nvm_is_flash(struct e1kx_priv *priv)
{
	return FIELD_GET(E1KX_EECD_NVM_TYPE, e1kx_rd32(priv, E1KX_EECD)) ==
	       E1KX_EECD_NVM_TYPE_FLASH ||
	       e1kx_fault(priv, E1KX_FAULT_NVM_FLASH);
}

static bool e1kx_nvm_checksum_ok(const u16 *words)
{
	u16 sum = 0;
	unsigned int i;

	for (i = 0; i < E1KX_NVM_WORDS; i++)
		sum += words[i];
	return sum == E1KX_NVM_CHECKSUM_SUM;
}

/* Read the checksummed part of the NVM into priv->nvm and validate it */
int e1kx_nvm_load(struct e1kx_priv *priv)
{
	struct device *dev = &priv->pdev->dev;
	u16 ver;
	int err;

	err = e1kx_nvm_read(priv, 0, E1KX_NVM_WORDS, priv->nvm);
	if (err) {
		dev_err(dev, "NVM read failed: %d\n", err);
		return err;
	}

	/* Flash-backed: autonomous flash updates would collide with ours */
	if (e1kx_nvm_is_flash(priv))
		e1kx_wr32(priv, E1KX_EECD,
			  e1kx_rd32(priv, E1KX_EECD) & ~E1KX_EECD_AUPDEN);

	priv->nvm_valid = e1kx_nvm_checksum_ok(priv->nvm);
	if (!priv->nvm_valid)
		dev_warn(dev, "NVM checksum is invalid (words 0-0x3f must sum to 0x%04x)\n",
			 E1KX_NVM_CHECKSUM_SUM);

	ver = priv->nvm[E1KX_NVM_WORD_VERSION];
	snprintf(priv->nvm_version, sizeof(priv->nvm_version), "%lu.%lu-%lu",
		 FIELD_GET(E1KX_NVM_VERSION_MAJOR, ver),
		 FIELD_GET(E1KX_NVM_VERSION_MINOR, ver),
		 FIELD_GET(E1KX_NVM_VERSION_IMAGE, ver));
	return 0;
}

/*
 * The permanent address comes from NVM words 0-2 (little endian). A bad
 * checksum or an unusable address is not fatal: warn, use a random one.
 */
void e1kx_nvm_set_mac(struct e1kx_priv *priv)
{
	struct net_device *netdev = priv->netdev;
	u8 addr[ETH_ALEN];
	unsigned int i;

	for (i = 0; i < ETH_ALEN / 2; i++)
		put_unaligned_le16(priv->nvm[E1KX_NVM_WORD_MAC + i], addr + 2 * i);

	if (priv->nvm_valid && is_valid_ether_addr(addr)) {
		eth_hw_addr_set(netdev, addr);
		ether_addr_copy(netdev->perm_addr, addr);
		return;
	}

	eth_hw_addr_random(netdev);
	dev_warn(&priv->pdev->dev,
		 "%s NVM MAC address %pM, using random address %pM\n",
		 priv->nvm_valid ? "invalid" : "untrusted", addr,
		 netdev->dev_addr);
}

/*
 * Read words [first, first + count) straight from the device. phy_lock
 * keeps the driver's own PHY and NVM users apart (the ownership flag only
 * keeps firmware out).
 */
int e1kx_nvm_read(struct e1kx_priv *priv, unsigned int first,
		  unsigned int count, u16 *words)
{
	unsigned int i;
	int err;

	mutex_lock(&priv->phy_lock);
	err = e1kx_hw_swflag_acquire(priv);
	if (!err) {
		for (i = 0; i < count && !err; i++)
			err = e1kx_nvm_read_word(priv, first + i, &words[i]);
		e1kx_hw_swflag_release(priv);
	}
	mutex_unlock(&priv->phy_lock);
	return err;
}

static int e1kx_nvm_write_word(struct e1kx_priv *priv, unsigned int word,
			       u16 data)
{
	u32 val;

	e1kx_wr32(priv, E1KX_EEWR, FIELD_PREP(E1KX_EERD_ADDR, word) |
		  FIELD_PREP(E1KX_EERD_DATA, data) | E1KX_EERD_START);
	return readl_poll_timeout(priv->io + E1KX_EEWR, val,
				  val & E1KX_EERD_DONE, 5,
				  E1KX_EERD_TIMEOUT_US);
}

static int e1kx_nvm_flupd_wait(struct e1kx_priv *priv)
{
	u32 eecd;

	return read_poll_timeout(e1kx_rd32, eecd, !(eecd & E1KX_EECD_FLUPD),
				 1000, E1KX_FLUPD_TIMEOUT_US, false, priv,
				 E1KX_EECD);
}

/*
 * Without an EEPROM the 82574 keeps its NVM in flash, and EEWR only writes
 * the device's shadow copy of it: commit the shadow (EECD.FLUPD, cleared by
 * the device when done) or the words are lost at the next power cycle.
 */
static int e1kx_nvm_commit(struct e1kx_priv *priv)
{
	int err;

	if (!e1kx_nvm_is_flash(priv))
		return 0;
	err = e1kx_nvm_flupd_wait(priv);
	if (err)
		return err;
	e1kx_wr32(priv, E1KX_EECD,
		  e1kx_rd32(priv, E1KX_EECD) | E1KX_EECD_FLUPD);
	err = e1kx_nvm_flupd_wait(priv);
	if (err)
		netdev_err(priv->netdev, "NVM flash update did not complete\n");
	return err;
}

/*
 * Write words and keep the checksum valid: the checksum word is
 * recomputed unless the caller wrote it explicitly. Then commit them.
 */
int e1kx_nvm_write(struct e1kx_priv *priv, unsigned int first,
		   unsigned int count, const u16 *words)
{
	unsigned int last = first + count - 1, i;
	u16 sum = 0;
	int err;

	if (!count || last >= E1KX_NVM_WORDS)
		return -EINVAL;
	mutex_lock(&priv->phy_lock);
	err = e1kx_hw_swflag_acquire(priv);
	if (err)
		goto out;
	for (i = 0; i < count && !err; i++) {
		err = e1kx_nvm_write_word(priv, first + i, words[i]);
		if (!err)
			priv->nvm[first + i] = words[i];
	}
	if (!err && last != E1KX_NVM_WORD_CHECKSUM) {
		for (i = 0; i < E1KX_NVM_WORD_CHECKSUM; i++)
			sum += priv->nvm[i];
		priv->nvm[E1KX_NVM_WORD_CHECKSUM] =
			(u16)(E1KX_NVM_CHECKSUM_SUM - sum);
		err = e1kx_nvm_write_word(priv, E1KX_NVM_WORD_CHECKSUM,
					  priv->nvm[E1KX_NVM_WORD_CHECKSUM]);
	}
	e1kx_hw_swflag_release(priv);
	/* The device commits on its own: firmware need not wait for it */
	if (!err)
		err = e1kx_nvm_commit(priv);
out:
	mutex_unlock(&priv->phy_lock);
	return err;
}

/* Self-test: re-read the checksummed words and verify them */
int e1kx_nvm_test(struct e1kx_priv *priv)
{
	u16 words[E1KX_NVM_WORDS];
	int err;

	err = e1kx_nvm_read(priv, 0, E1KX_NVM_WORDS, words);
	if (err)
		return err;
	return e1kx_nvm_checksum_ok(words) ? 0 : -EBADMSG;
}
