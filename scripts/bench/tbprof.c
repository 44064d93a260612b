// SPDX-License-Identifier: GPL-2.0
/*
 * tbprof: a QEMU TCG plugin (plugin API version 1, QEMU 7.2) that counts
 * how often each translation block of the guest kernel runs, so that
 * `make bench` can give an instruction profile of the guest: perf inside a
 * TCG guest only ever samples the idle loop.
 *
 *   qemu-system-x86_64 ... -plugin tbprof.so,ctl=CTLFILE
 *
 * Every block that starts at a kernel address gets an inline counter (one
 * add per execution, no call). To take a snapshot, write an output path
 * into CTLFILE: within ~20 ms the plugin writes one line per block that
 * ran, "<start address, hex> <instructions in the block> <executions>",
 * to that path and then empties CTLFILE. The difference of two snapshots
 * is the profile of the time between them. A `rep`-prefixed string
 * instruction is one block execution per iteration under TCG, so it
 * counts as one instruction per byte (or word) it moves, which is about
 * what it costs there.
 *
 * Counters are plain 64-bit adds from every vCPU thread: a rare lost
 * increment is fine for a profile.
 *
 * The API is declared here (it is small and stable within version 1), so
 * that the plugin builds without QEMU's development headers.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;

typedef struct {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus;
			int max_vcpus;
		} system;
	};
} qemu_info_t;

enum { QEMU_PLUGIN_INLINE_ADD_U64 };

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      int op, void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = 1;

/* x86-64 kernel half of the address space */
#define KERNEL_START	0xffff800000000000ull
#define BUCKETS		(1u << 18)
#define POLL_US		20000

/* One block: a block retranslated at the same address keeps its counter */
struct block {
	uint64_t pc;
	uint64_t insns;
	uint64_t execs;
	struct block *next;
};

static struct block *table[BUCKETS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *ctl_path;

static unsigned int bucket(uint64_t pc)
{
	return (unsigned int)((pc * 0x9e3779b97f4a7c15ull) >> 46) % BUCKETS;
}

/* Under table_lock; readers walk the chains without it */
static struct block *block_get(uint64_t pc, uint64_t insns)
{
	unsigned int h = bucket(pc);
	struct block *b;

	for (b = table[h]; b; b = b->next)
		if (b->pc == pc && b->insns == insns)
			return b;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->pc = pc;
	b->insns = insns;
	b->next = table[h];
	__atomic_store_n(&table[h], b, __ATOMIC_RELEASE);
	return b;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t pc = qemu_plugin_tb_vaddr(tb);
	struct block *b;

	(void)id;
	if (pc < KERNEL_START)
		return;
	pthread_mutex_lock(&table_lock);
	b = block_get(pc, qemu_plugin_tb_n_insns(tb));
	pthread_mutex_unlock(&table_lock);
	if (b)
		qemu_plugin_register_vcpu_tb_exec_inline(tb,
							 QEMU_PLUGIN_INLINE_ADD_U64,
							 &b->execs, 1);
}

static void snapshot(const char *path)
{
	char tmp[4200];
	unsigned int h;
	struct block *b;
	FILE *f;

	/* Readers never see a half-written snapshot */
	snprintf(tmp, sizeof(tmp), "%s.part", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	for (h = 0; h < BUCKETS; h++)
		for (b = __atomic_load_n(&table[h], __ATOMIC_ACQUIRE); b;
		     b = b->next) {
			uint64_t n = __atomic_load_n(&b->execs,
						     __ATOMIC_RELAXED);

			if (n)
				fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64
					"\n", b->pc, b->insns, n);
		}
	if (fclose(f) == 0)
		rename(tmp, path);
}

/* Serve snapshot requests written into the control file */
static void *ctl_thread(void *arg)
{
	char path[4096];

	(void)arg;
	for (;;) {
		FILE *f = fopen(ctl_path, "r+");

		if (f) {
			if (fgets(path, sizeof(path), f)) {
				path[strcspn(path, "\n")] = '\0';
				if (path[0])
					snapshot(path);
				if (ftruncate(fileno(f), 0) != 0)
					perror("tbprof: truncate");
			}
			fclose(f);
		}
		usleep(POLL_US);
	}
	return NULL;
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			       int argc, char **argv)
{
	pthread_t thread;
	int i;

	(void)info;
	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "ctl=", 4))
			ctl_path = argv[i] + 4;
	if (!ctl_path) {
		fprintf(stderr, "tbprof: needs ctl=FILE\n");
		return 1;
	}
	if (pthread_create(&thread, NULL, ctl_thread, NULL))
		return 1;
	pthread_detach(thread);
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	return 0;
}
