# SPDX-License-Identifier: GPL-2.0
# e1kx: out-of-tree driver for the Intel 82574L.
#
#   make            build e1kx.ko
#   make lint       checkpatch --strict, sparse, W=1 build
#   make check      install deps, build, run the kselftests in QEMU guests
#                   (KERNEL=debug: on the KASAN/lockdep/kmemleak kernel)
#   make demo       boot a guest with an 82574L driven by e1kx
#   make clean      remove every build product

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

PWD := $(shell pwd)
HOST_KDIR := /lib/modules/$(shell uname -r)/build
NEWEST_DEBIAN_KDIR := $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64)))
KDIR ?= $(if $(wildcard $(HOST_KDIR)/Makefile),$(HOST_KDIR),$(NEWEST_DEBIAN_KDIR))

E1KX_CACHE ?= /var/cache/e1kx
CHECKPATCH ?= $(E1KX_CACHE)/linux-source-6.1/scripts/checkpatch.pl
SOURCES := $(wildcard src/*.c include/*.h)

.PHONY: all modules clean lint checkpatch sparse w1 check demo deps xdp-progs

all: modules

# KDIR is found when this Makefile is read: on a fresh machine the deps
# prerequisite installs the headers after that, so look once more in a new
# make before giving up.
modules:
	@if [ -n "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(PWD) modules; \
	elif [ -z "$(E1KX_KDIR_RETRY)" ]; then \
		$(MAKE) --no-print-directory E1KX_KDIR_RETRY=1 modules; \
	else \
		echo "no kernel headers: run scripts/install-deps.sh" >&2; exit 1; \
	fi

deps:
	scripts/install-deps.sh

# BPF programs the tests attach (tests/xdp), built on the host for guests
XDP_PROGS := $(patsubst tests/xdp/%.c,build/xdp/%.o,$(wildcard tests/xdp/*.c))
xdp-progs: $(XDP_PROGS)

build/xdp/%.o: tests/xdp/%.c
	@mkdir -p $(@D)
	clang -O2 -g -Wall -target bpf -I/usr/include/$(shell gcc -dumpmachine) \
		-c $< -o $@

# Without a kernel tree checkpatch cannot tell kernel API names such as
# ETHTOOL_LINK_MODE_1000baseT_Full_BIT from new CamelCase, so that one
# check is off; everything else runs in --strict mode.
checkpatch:
	$(CHECKPATCH) --strict --no-tree --quiet --show-types \
		--ignore CAMELCASE -f $(SOURCES)

sparse:
	$(MAKE) -C $(KDIR) M=$(PWD) clean >/dev/null
	$(MAKE) -C $(KDIR) M=$(PWD) C=2 modules 2>&1 | tee .sparse.log
	@! grep -E 'warning:|error:' .sparse.log
	@rm -f .sparse.log

w1:
	$(MAKE) -C $(KDIR) M=$(PWD) clean >/dev/null
	$(MAKE) -C $(KDIR) M=$(PWD) W=1 modules 2>&1 | tee .w1.log
	@! grep -E 'warning:|error:' .w1.log
	@rm -f .w1.log

lint: deps
	$(MAKE) checkpatch
	$(MAKE) sparse
	$(MAKE) w1

# KERNEL=debug: the cached KASAN/lockdep/kmemleak guest kernel, see
# Documentation/reliability.md; KERNEL=BZIMAGE: any other kernel.
ifeq ($(KERNEL),debug)
check: deps xdp-progs
	scripts/debug-kernel/check.sh $(if $(TESTS),--tests $(TESTS))
else
check: deps modules xdp-progs
	python3 scripts/check.py $(if $(TESTS),--tests $(TESTS)) $(if $(KERNEL),--kernel $(KERNEL))
endif

demo: deps modules
	scripts/demo.sh

bench: deps modules
	python3 scripts/bench/bench.py $(if $(QUICK),--quick) $(if $(ROUNDS),--rounds $(ROUNDS))

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean
	rm -rf build .sparse.log .w1.log

endif
