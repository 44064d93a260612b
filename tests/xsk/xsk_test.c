// SPDX-License-Identifier: GPL-2.0
/*
 * AF_XDP test tool for dp_xsk.sh, on libxdp's xsk.h and libbpf.
 *
 *   xsk_test rx IF QUEUE COUNT [options]
 *	Bind an AF_XDP socket to QUEUE of IF, attach xsk_redirect.o natively
 *	(UDP to ports 5800-5809 goes to the socket of its queue) and receive
 *	until COUNT distinct frames with the test pattern arrived; every
 *	byte of each is checked.
 *   xsk_test tx IF QUEUE COUNT --src-mac M --dst-mac M --src-ip A --dst-ip A
 *	Send COUNT IPv4/UDP frames with the test pattern from QUEUE and wait
 *	until the completion ring has returned every one.
 *
 * Rate modes (make bench), COUNT 0 for no limit:
 *   xsk_test rxdrop IF QUEUE COUNT
 *	Like rx, but every frame goes back to the fill ring unread. Waits in
 *	poll() while the RX ring is empty.
 *   xsk_test txonly IF QUEUE COUNT --src-mac M --dst-mac M --src-ip A ...
 *	Keep the TX ring fed with the same frame (built once per umem frame)
 *	and count completions.
 *   SIGUSR1 prints "n=N t=SECONDS" (frames received or completed so far,
 *   CLOCK_MONOTONIC), so that a caller can take the rate of any window.
 *   With --paused, txonly starts without sending; each SIGUSR2 switches
 *   between sending and not, answered by "sending=1|0" (completions are
 *   still reaped while paused).
 *
 * Options:
 *   --copy       bind with XDP_COPY (default: XDP_ZEROCOPY, no fallback)
 *   --skb        attach the XDP program in generic (skb) mode, for drivers
 *                without native XDP
 *   --chunk N    umem chunk (frame) size, default 4096
 *   --port P     UDP destination port, default 5800
 *   --size N     UDP payload bytes (tx), at least 12, default 64
 *   --time S     stop after S seconds (default 30); rx with COUNT 0 counts
 *                for S seconds and succeeds if anything arrived
 *   --gap-us N   tx: pause N microseconds after each batch of 16 frames
 *   --prog FILE  the XDP object (default: build/xdp/xsk_redirect.o beside
 *                this program's build directory)
 *   --ready FILE create FILE once the socket is bound (and the program
 *                attached)
 *   --fill N     rx: put only N frames in the fill ring, once, and never
 *                give the received ones back (a consumer that stalls)
 *   --paused     txonly: wait for SIGUSR2 before sending
 *
 * Prints one line: "rx=N bad=N dup=N other=N zc=0|1",
 * "tx=N completed=N zc=0|1", "rxdrop=N secs=S zc=0|1" or
 * "txonly=N completed=N secs=S zc=0|1" (rate modes: the last). Exit 0 when
 * the goal was met (rate modes: any frame), 1 when not, 2 when the socket
 * could not be set up (the reason on stderr).
 *
 * The pattern: a UDP payload of len bytes starts with the magic 0x45314b58,
 * the frame's sequence number and len (3 x 32 bits, network order); byte i
 * after that is (seq * 31 + i * 7) & 0xff.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#define NUM_FRAMES	4096
#define RING_SIZE	2048
#define BATCH		16
#define MAGIC		0x45314b58u
#define HDR_LEN		(sizeof(struct ethhdr) + sizeof(struct iphdr) + \
			 sizeof(struct udphdr))
#define PAT_HDR		12

struct opts {
	const char *mode, *ifname, *prog, *ready;
	unsigned int queue, count, chunk, port, size, gap_us, fill;
	double time;
	bool copy, skb, paused;
	unsigned char src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
	struct in_addr src_ip, dst_ip;
	bool have_macs, have_ips;
};

struct ctx {
	struct opts *o;
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq, rx;
	int ifindex;
	bool prog_attached;
	uint64_t free_tx[NUM_FRAMES];
	unsigned int n_free_tx;
};

static volatile sig_atomic_t stop, dump, toggle;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	dump = 1;
}

static void on_usr2(int sig)
{
	(void)sig;
	toggle = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char pattern_byte(uint32_t seq, unsigned int i)
{
	return (seq * 31 + i * 7) & 0xff;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: xsk_test rx|tx|rxdrop|txonly IF QUEUE COUNT [--copy] [--skb]\n"
		"       [--chunk N] [--port P]\n"
		"       [--size N] [--time S] [--gap-us N] [--prog FILE] [--ready FILE]\n"
		"       [--fill N]\n"
		"       [--src-mac M --dst-mac M --src-ip A --dst-ip A]\n");
	exit(2);
}

static bool parse_mac(const char *s, unsigned char *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5]) == 6;
}

static uint16_t ip_csum(const void *hdr, unsigned int len)
{
	const uint16_t *p = hdr;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Frame seq into buf; returns its length */
static unsigned int build_frame(const struct opts *o, unsigned char *buf,
				uint32_t seq)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	unsigned char *pl = (unsigned char *)(udp + 1);
	uint32_t w[3] = { htonl(MAGIC), htonl(seq), htonl(o->size) };
	unsigned int i;

	memcpy(eth->h_dest, o->dst_mac, ETH_ALEN);
	memcpy(eth->h_source, o->src_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->id = htons(seq & 0xffff);
	ip->tot_len = htons(sizeof(*ip) + sizeof(*udp) + o->size);
	ip->saddr = o->src_ip.s_addr;
	ip->daddr = o->dst_ip.s_addr;
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(40000 + o->queue);
	udp->dest = htons(o->port);
	udp->len = htons(sizeof(*udp) + o->size);
	udp->check = 0;		/* none: IPv4 allows it */
	memcpy(pl, w, sizeof(w));
	for (i = PAT_HDR; i < o->size; i++)
		pl[i] = pattern_byte(seq, i);
	return HDR_LEN + o->size;
}

/*
 * Check one received frame. Returns 1 for a good pattern frame (seq set),
 * 0 for a frame that is not ours, -1 for a damaged one.
 */
static int check_frame(const struct opts *o, const unsigned char *buf,
		       unsigned int len, uint32_t *seq)
{
	const struct ethhdr *eth = (const void *)buf;
	const struct iphdr *ip = (const void *)(eth + 1);
	const struct udphdr *udp = (const void *)(ip + 1);
	const unsigned char *pl = (const void *)(udp + 1);
	unsigned int plen, i;
	uint32_t w[3];

	if (len < HDR_LEN + PAT_HDR || eth->h_proto != htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP ||
	    udp->dest != htons(o->port))
		return 0;
	memcpy(w, pl, sizeof(w));
	if (ntohl(w[0]) != MAGIC)
		return 0;
	plen = ntohs(udp->len) - sizeof(*udp);
	*seq = ntohl(w[1]);
	/* The device may pad a short frame; the lengths must agree */
	if (ntohl(w[2]) != plen || HDR_LEN + plen > len ||
	    ntohs(ip->tot_len) != sizeof(*ip) + sizeof(*udp) + plen ||
	    ip_csum(ip, sizeof(*ip)) != 0)
		return -1;
	for (i = PAT_HDR; i < plen; i++)
		if (pl[i] != pattern_byte(*seq, i))
			return -1;
	return 1;
}

static void die_setup(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(2);
}

static void fill_ring(struct ctx *c, unsigned int first, unsigned int n)
{
	unsigned int i;
	uint32_t idx;

	if (xsk_ring_prod__reserve(&c->fq, n, &idx) != n)
		die_setup("fill ring", ENOSPC);
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&c->fq, idx + i) =
			(uint64_t)(first + i) * c->o->chunk;
	xsk_ring_prod__submit(&c->fq, n);
}

static unsigned int xdp_mode(const struct opts *o)
{
	return o->skb ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

static void attach_prog(struct ctx *c)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	int map_fd, err;

	obj = bpf_object__open_file(c->o->prog, NULL);
	if (!obj)
		die_setup(c->o->prog, errno);
	err = bpf_object__load(obj);
	if (err)
		die_setup("loading the XDP program", err);
	prog = bpf_object__find_program_by_name(obj, "xsk_redirect");
	map_fd = bpf_object__find_map_fd_by_name(obj, "xsks");
	if (!prog || map_fd < 0)
		die_setup("xsk_redirect or xsks not in the object", ENOENT);
	err = bpf_xdp_attach(c->ifindex, bpf_program__fd(prog),
			     xdp_mode(c->o), NULL);
	if (err)
		die_setup(c->o->skb ? "attaching the XDP program (skb)" :
			  "attaching the XDP program (native)", err);
	c->prog_attached = true;
	err = xsk_socket__update_xskmap(c->xsk, map_fd);
	if (err)
		die_setup("adding the socket to the map", err);
}

static void cleanup(struct ctx *c)
{
	if (c->prog_attached)
		bpf_xdp_detach(c->ifindex, xdp_mode(c->o), NULL);
	if (c->xsk)
		xsk_socket__delete(c->xsk);
	if (c->umem)
		xsk_umem__delete(c->umem);
}

static bool is_zc(struct ctx *c)
{
	struct xdp_options xo = {};
	socklen_t len = sizeof(xo);

	if (getsockopt(xsk_socket__fd(c->xsk), SOL_XDP, XDP_OPTIONS, &xo,
		       &len))
		return false;
	return xo.flags & XDP_OPTIONS_ZEROCOPY;
}

static void setup(struct ctx *c, bool want_rx)
{
	struct opts *o = c->o;
	struct xsk_umem_config ucfg = {
		.fill_size = NUM_FRAMES,
		.comp_size = RING_SIZE,
		.frame_size = o->chunk,
		.frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = NUM_FRAMES,
		.tx_size = RING_SIZE,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_USE_NEED_WAKEUP |
			      (o->copy ? XDP_COPY : XDP_ZEROCOPY),
	};
	size_t size = (size_t)NUM_FRAMES * o->chunk;
	unsigned int i;
	int err;

	c->ifindex = if_nametoindex(o->ifname);
	if (!c->ifindex)
		die_setup(o->ifname, errno);
	c->area = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->area == MAP_FAILED)
		die_setup("mmap", errno);
	err = xsk_umem__create(&c->umem, c->area, size, &c->fq, &c->cq, &ucfg);
	if (err)
		die_setup("umem", err);
	/*
	 * First half of the frames for receiving, the rest for sending;
	 * rxdrop receives into all, so that the device does not run out
	 * while the process waits to be woken; --fill N only N, once
	 */
	if (!strcmp(o->mode, "rxdrop")) {
		fill_ring(c, 0, NUM_FRAMES);
	} else {
		fill_ring(c, 0, o->fill ? o->fill : NUM_FRAMES / 2);
		for (i = NUM_FRAMES / 2; i < NUM_FRAMES; i++)
			c->free_tx[c->n_free_tx++] = (uint64_t)i * o->chunk;
	}
	/*
	 * A socket closed just before may still hold the queue: the kernel
	 * releases its pool from a work item (EBUSY meanwhile)
	 */
	for (i = 0; i < 100; i++) {
		err = xsk_socket__create(&c->xsk, o->ifname, o->queue, c->umem,
					 want_rx ? &c->rx : NULL, &c->tx,
					 &scfg);
		if (err != -EBUSY)
			break;
		usleep(100000);
	}
	if (err) {
		fprintf(stderr, "bind %s queue %u (%s, chunk %u): %s\n",
			o->ifname, o->queue, o->copy ? "copy" : "zero-copy",
			o->chunk, strerror(-err));
		cleanup(c);
		exit(2);
	}
	if (want_rx)
		attach_prog(c);
	if (o->ready) {
		int fd = open(o->ready, O_WRONLY | O_CREAT, 0644);

		if (fd >= 0)
			close(fd);
	}
}

static void kick(struct ctx *c)
{
	/* Errors (EAGAIN, EBUSY, ENOBUFS, ENETDOWN during a rebuild) pass */
	sendto(xsk_socket__fd(c->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
}

static int run_rx(struct ctx *c)
{
	struct opts *o = c->o;
	unsigned int rx = 0, bad = 0, dup = 0, other = 0;
	unsigned char *seen = calloc(o->count / 8 + 1, 1);
	double end = now() + o->time;
	struct pollfd pfd = { .fd = xsk_socket__fd(c->xsk), .events = POLLIN };

	while (!stop && now() < end && (!o->count || rx < o->count)) {
		uint32_t idx_rx, idx_fq = 0, i, n;

		n = xsk_ring_cons__peek(&c->rx, BATCH * 4, &idx_rx);
		if (!n) {
			poll(&pfd, 1, 50);
			continue;
		}
		while (!o->fill &&
		       xsk_ring_prod__reserve(&c->fq, n, &idx_fq) != n)
			if (xsk_ring_prod__needs_wakeup(&c->fq))
				recvfrom(pfd.fd, NULL, 0, MSG_DONTWAIT, NULL,
					 NULL);
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d =
				xsk_ring_cons__rx_desc(&c->rx, idx_rx + i);
			uint64_t addr = xsk_umem__extract_addr(d->addr);
			uint64_t off = xsk_umem__add_offset_to_addr(d->addr);
			uint32_t seq = 0;
			int r;

			r = check_frame(o, xsk_umem__get_data(c->area, off),
					d->len, &seq);
			if (r < 0) {
				bad++;
			} else if (!r) {
				other++;
			} else if (o->count && seq < o->count) {
				if (seen[seq / 8] & (1u << (seq % 8))) {
					dup++;
				} else {
					seen[seq / 8] |= 1u << (seq % 8);
					rx++;
				}
			} else if (!o->count) {
				rx++;
			} else {
				other++;
			}
			if (!o->fill)
				*xsk_ring_prod__fill_addr(&c->fq, idx_fq + i) =
					addr;
		}
		if (!o->fill)
			xsk_ring_prod__submit(&c->fq, n);
		xsk_ring_cons__release(&c->rx, n);
		if (xsk_ring_prod__needs_wakeup(&c->fq))
			recvfrom(pfd.fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	}
	printf("rx=%u bad=%u dup=%u other=%u zc=%d\n", rx, bad, dup, other,
	       is_zc(c));
	free(seen);
	if (bad)
		return 1;
	return o->count ? rx < o->count : !rx;
}

static unsigned int reap(struct ctx *c)
{
	uint32_t idx, i, n;

	n = xsk_ring_cons__peek(&c->cq, RING_SIZE, &idx);
	for (i = 0; i < n; i++)
		c->free_tx[c->n_free_tx++] =
			*xsk_ring_cons__comp_addr(&c->cq, idx + i);
	xsk_ring_cons__release(&c->cq, n);
	return n;
}

static int run_tx(struct ctx *c)
{
	struct opts *o = c->o;
	unsigned int sent = 0, done = 0;
	double end = now() + o->time, last = now();

	while (!stop && now() < end && done < o->count) {
		unsigned int n = o->count - sent, i, got;
		uint32_t idx;

		if (n > BATCH)
			n = BATCH;
		if (n > c->n_free_tx)
			n = c->n_free_tx;
		if (n && xsk_ring_prod__reserve(&c->tx, n, &idx) == n) {
			for (i = 0; i < n; i++) {
				struct xdp_desc *d =
					xsk_ring_prod__tx_desc(&c->tx, idx + i);
				uint64_t addr = c->free_tx[--c->n_free_tx];

				d->addr = addr;
				d->len = build_frame(o,
						     xsk_umem__get_data(c->area,
									addr),
						     sent + i);
				d->options = 0;
			}
			xsk_ring_prod__submit(&c->tx, n);
			sent += n;
			if (xsk_ring_prod__needs_wakeup(&c->tx))
				kick(c);
			if (o->gap_us)
				usleep(o->gap_us);
		}
		got = reap(c);
		done += got;
		if (got) {
			last = now();
		} else if (now() - last > 0.05) {
			/* Nothing completed for a while: wake the driver */
			kick(c);
			last = now();
			usleep(1000);
		}
	}
	printf("tx=%u completed=%u zc=%d\n", sent, done, is_zc(c));
	return done < o->count;
}

/* SIGUSR1: where the count stands now */
static void maybe_dump(uint64_t n)
{
	if (!dump)
		return;
	dump = 0;
	printf("n=%llu t=%.6f\n", (unsigned long long)n, now());
}

static int run_rxdrop(struct ctx *c)
{
	struct opts *o = c->o;
	struct pollfd pfd = { .fd = xsk_socket__fd(c->xsk), .events = POLLIN };
	double t0 = now(), end = t0 + o->time;
	uint64_t rx = 0;

	while (!stop && now() < end && (!o->count || rx < o->count)) {
		uint32_t idx_rx, idx_fq, i, n;

		maybe_dump(rx);
		n = xsk_ring_cons__peek(&c->rx, BATCH * 4, &idx_rx);
		if (!n) {
			if (xsk_ring_prod__needs_wakeup(&c->fq))
				recvfrom(pfd.fd, NULL, 0, MSG_DONTWAIT, NULL,
					 NULL);
			poll(&pfd, 1, 100);
			continue;
		}
		while (xsk_ring_prod__reserve(&c->fq, n, &idx_fq) != n)
			if (xsk_ring_prod__needs_wakeup(&c->fq))
				recvfrom(pfd.fd, NULL, 0, MSG_DONTWAIT, NULL,
					 NULL);
		for (i = 0; i < n; i++)
			*xsk_ring_prod__fill_addr(&c->fq, idx_fq + i) =
				xsk_ring_cons__rx_desc(&c->rx,
						       idx_rx + i)->addr;
		xsk_ring_prod__submit(&c->fq, n);
		xsk_ring_cons__release(&c->rx, n);
		rx += n;
		if (xsk_ring_prod__needs_wakeup(&c->fq))
			recvfrom(pfd.fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	}
	maybe_dump(rx);
	printf("rxdrop=%llu secs=%.3f zc=%d\n", (unsigned long long)rx,
	       now() - t0, is_zc(c));
	return !rx;
}

static int run_txonly(struct ctx *c)
{
	struct opts *o = c->o;
	double t0 = now(), end = t0 + o->time;
	uint64_t sent = 0, done = 0;
	unsigned int len = 0, i;
	bool sending = !o->paused;

	/* Every TX frame of the umem holds the same frame, built once */
	for (i = 0; i < c->n_free_tx; i++)
		len = build_frame(o, xsk_umem__get_data(c->area,
							 c->free_tx[i]), 0);
	while (!stop && now() < end && (!o->count || done < o->count)) {
		unsigned int n = c->n_free_tx, got;
		uint32_t idx;

		maybe_dump(done);
		if (toggle) {
			toggle = 0;
			sending = !sending;
			printf("sending=%d\n", sending);
		}
		if (n > BATCH * 4)
			n = BATCH * 4;
		if (!sending)
			n = 0;
		if (n && xsk_ring_prod__reserve(&c->tx, n, &idx) == n) {
			for (i = 0; i < n; i++) {
				struct xdp_desc *d =
					xsk_ring_prod__tx_desc(&c->tx, idx + i);

				d->addr = c->free_tx[--c->n_free_tx];
				d->len = len;
				d->options = 0;
			}
			xsk_ring_prod__submit(&c->tx, n);
			sent += n;
		} else {
			n = 0;
		}
		if (sent != done && xsk_ring_prod__needs_wakeup(&c->tx))
			kick(c);
		got = reap(c);
		done += got;
		/* Every frame in flight: give the completions time */
		if (!n && !got)
			usleep(sending ? 20 : 1000);
	}
	maybe_dump(done);
	printf("txonly=%llu completed=%llu secs=%.3f zc=%d\n",
	       (unsigned long long)sent, (unsigned long long)done,
	       now() - t0, is_zc(c));
	return !done;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "copy", no_argument, NULL, 'c' },
		{ "skb", no_argument, NULL, 'S' },
		{ "paused", no_argument, NULL, 'z' },
		{ "chunk", required_argument, NULL, 'k' },
		{ "port", required_argument, NULL, 'p' },
		{ "size", required_argument, NULL, 's' },
		{ "time", required_argument, NULL, 't' },
		{ "gap-us", required_argument, NULL, 'g' },
		{ "prog", required_argument, NULL, 'P' },
		{ "ready", required_argument, NULL, 'r' },
		{ "fill", required_argument, NULL, 'f' },
		{ "src-mac", required_argument, NULL, 'm' },
		{ "dst-mac", required_argument, NULL, 'M' },
		{ "src-ip", required_argument, NULL, 'i' },
		{ "dst-ip", required_argument, NULL, 'I' },
		{}
	};
	struct opts o = { .chunk = 4096, .port = 5800, .size = 64,
			  .time = 30 };
	static struct ctx c;
	static char prog[4096];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (opt) {
		case 'c': o.copy = true; break;
		case 'S': o.skb = true; break;
		case 'z': o.paused = true; break;
		case 'k': o.chunk = strtoul(optarg, NULL, 0); break;
		case 'p': o.port = strtoul(optarg, NULL, 0); break;
		case 's': o.size = strtoul(optarg, NULL, 0); break;
		case 't': o.time = strtod(optarg, NULL); break;
		case 'g': o.gap_us = strtoul(optarg, NULL, 0); break;
		case 'P': o.prog = optarg; break;
		case 'r': o.ready = optarg; break;
		case 'f': o.fill = strtoul(optarg, NULL, 0); break;
		case 'm': o.have_macs = parse_mac(optarg, o.src_mac); break;
		case 'M': o.have_macs &= parse_mac(optarg, o.dst_mac); break;
		case 'i': o.have_ips = inet_aton(optarg, &o.src_ip); break;
		case 'I': o.have_ips &= inet_aton(optarg, &o.dst_ip); break;
		default: usage();
		}
	}
	if (argc - optind != 4)
		usage();
	o.mode = argv[optind];
	o.ifname = argv[optind + 1];
	o.queue = strtoul(argv[optind + 2], NULL, 0);
	o.count = strtoul(argv[optind + 3], NULL, 0);
	if (o.size < PAT_HDR || HDR_LEN + o.size > o.chunk ||
	    o.fill > NUM_FRAMES / 2)
		usage();
	if (!o.prog) {
		/* build/xsk/xsk_test -> build/xdp/xsk_redirect.o */
		char *slash;

		snprintf(prog, sizeof(prog), "%s", argv[0]);
		slash = strrchr(prog, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(prog, sizeof(prog), ".");
		strncat(prog, "/../xdp/xsk_redirect.o",
			sizeof(prog) - strlen(prog) - 1);
		o.prog = prog;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	setvbuf(stdout, NULL, _IOLBF, 0);
	c.o = &o;

	if (!strcmp(o.mode, "rx")) {
		setup(&c, true);
		ret = run_rx(&c);
	} else if (!strcmp(o.mode, "tx")) {
		if (!o.have_macs || !o.have_ips || !o.count)
			usage();
		setup(&c, false);
		ret = run_tx(&c);
	} else if (!strcmp(o.mode, "rxdrop")) {
		setup(&c, true);
		ret = run_rxdrop(&c);
	} else if (!strcmp(o.mode, "txonly")) {
		if (!o.have_macs || !o.have_ips)
			usage();
		setup(&c, false);
		ret = run_txonly(&c);
	} else {
		usage();
	}
	cleanup(&c);
	return ret;
}
