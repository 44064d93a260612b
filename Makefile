# SPDX-License-Identifier: GPL-2.0
# e1kx: out-of-tree driver for the Intel 82574L.
#
#   make            build e1kx.ko (without kernel headers: says which package
#                   to install; scripts/install-deps.sh --build-only does)
#   make install    install it into /lib/modules/$(KVER)/updates, depmod
#   make uninstall  remove what make install added, depmod
#   make dkms-install    the source into /usr/src/e1kx-$(E1KX_VERSION), DKMS
#                        builds and installs it (for KVER, default the
#                        running kernel) and for every kernel installed later
#   make dkms-uninstall  dkms remove that version, delete its source
#   make deb        build/e1kx-dkms_$(E1KX_VERSION)_all.deb (dh-dkms), linted
#   make sign       sign e1kx.ko with the MOK key pair (MOK_KEY, MOK_CERT);
#                   make install signs too when the pair exists
#   make sign-keygen     create that key pair (Documentation/install.md)
#   make lint       checkpatch --strict, sparse, W=1 build
#   make check      install deps, build, run the kselftests in QEMU guests
#                   (KERNEL=debug: on the KASAN/lockdep/kmemleak kernel;
#                   KERNEL=6.12-fi: on a 6.12 with function error injection)
#
# KERNEL=6.1 (the default, Debian 12's stock kernel), KERNEL=6.12, a full
# release or a bzImage picks the kernel e1kx is built against and the one
# make check/demo boots, by one rule: scripts/e1kx-kernel (the newest
# installed kernel of that series, in version order).
#   make demo       boot a guest with an 82574L driven by e1kx
#   make clean      remove every build product

# kbuild reads Kbuild, never this file; a KERNELRELEASE= on the command
# line (DKMS passes one) changes nothing here.

PWD := $(shell pwd)
# KERNEL=debug and KERNEL=6.12-fi are make check's own kernels
# (scripts/debug-kernel/)
KSPEC := $(filter-out debug 6.12-fi,$(KERNEL))
# KVER=RELEASE: build for and install into that installed kernel
ifneq ($(KVER),)
KSPEC := $(KVER)
endif
ifeq ($(origin KDIR),undefined)
KDIR := $(shell scripts/e1kx-kernel --kdir $(KSPEC) 2>/dev/null)
endif
# The release KDIR is for, where make install puts the module
ifeq ($(KVER),)
KVER := $(if $(KDIR),$(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null))
endif

# make install: /lib/modules/$(KVER)/$(INSTALL_MOD_DIR)/e1kx.ko (.xz where
# the kernel compresses its modules), under $(DESTDIR) if set.
INSTALL_MOD_DIR ?= updates
INSTALL_MOD_PATH ?= $(DESTDIR)
MODDIR = $(INSTALL_MOD_PATH)/lib/modules/$(KVER)
DEPMOD = depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

# Secure Boot: the key pair modules are signed with, its certificate
# enrolled with mokutil (Documentation/install.md)
MOK_DIR ?= /var/lib/e1kx
MOK_KEY ?= $(MOK_DIR)/mok.key
MOK_CERT ?= $(MOK_DIR)/mok.der
SIGN_HASH ?= sha256

# The one version (modinfo, ethtool -i, DKMS, the .deb): scripts/e1kx-version
E1KX_VERSION := $(shell scripts/e1kx-version)
# What a source tree needs to build e1kx.ko (DKMS, the Debian package)
DIST_FILES := COPYING Kbuild Makefile dkms.conf scripts/e1kx-version \
	scripts/e1kx-kernel $(wildcard src/*.c src/*.h include/*.h)
DKMS_SRC = $(DESTDIR)/usr/src/e1kx-$(E1KX_VERSION)
# dkms-install builds for KVER= if given, else for the running kernel
DKMS_KVER = $(if $(filter command line,$(origin KVER)),$(KVER),$(shell uname -r))
# make lint builds against each of these
LINT_KERNELS ?= 6.1 6.12

E1KX_CACHE ?= /var/cache/e1kx
# The newest checkpatch.pl unpacked by scripts/install-deps.sh
CHECKPATCH ?= $(lastword $(shell ls -d $(E1KX_CACHE)/linux-source-*/scripts/checkpatch.pl 2>/dev/null | sort -V))
SOURCES := $(wildcard src/*.c include/*.h)

.PHONY: all modules clean lint checkpatch sparse w1 check demo deps xdp-progs \
	install uninstall dist-tree dkms-install dkms-uninstall deb sign \
	sign-keygen

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
		scripts/e1kx-kernel --kdir $(KSPEC) >/dev/null || exit 1; \
		rel=$$(scripts/e1kx-kernel $(KSPEC) 2>/dev/null || uname -r); \
		echo "no kernel headers for $$rel: apt-get install linux-headers-$$rel" >&2; \
		exit 1; \
	fi

install: modules
	@[ -n "$(KVER)" ] || { echo "install: no kernel release (KVER=)" >&2; exit 1; }
	@if [ -f "$(MOK_KEY)" ] && [ -f "$(MOK_CERT)" ]; then \
		$(MAKE) --no-print-directory sign; fi
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		$(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH=$(INSTALL_MOD_PATH)) \
		CONFIG_MODULE_SIG_ALL= modules_install
	$(DEPMOD)

uninstall:
	@[ -n "$(KVER)" ] || { echo "uninstall: no kernel release (KVER=)" >&2; exit 1; }
	rm -f $(addprefix $(MODDIR)/$(INSTALL_MOD_DIR)/e1kx,.ko .ko.gz .ko.xz .ko.zst)
	rmdir --ignore-fail-on-non-empty $(MODDIR)/$(INSTALL_MOD_DIR) 2>/dev/null || true
	$(DEPMOD)

# make dist-tree DIST_DIR=DIR: a source tree that builds outside git
dist-tree:
	@[ -n "$(DIST_DIR)" ] || { echo "dist-tree: DIST_DIR= not set" >&2; exit 1; }
	mkdir -p $(DIST_DIR)
	cp --parents $(DIST_FILES) $(DIST_DIR)/
	echo "$(E1KX_VERSION)" >$(DIST_DIR)/VERSION
	sed -i 's/#MODULE_VERSION#/$(E1KX_VERSION)/' $(DIST_DIR)/dkms.conf

dkms-install:
	@command -v dkms >/dev/null || { echo "dkms-install: apt-get install dkms" >&2; exit 1; }
	-dkms remove e1kx/$(E1KX_VERSION) --all 2>/dev/null
	rm -rf $(DKMS_SRC)
	$(MAKE) --no-print-directory dist-tree DIST_DIR=$(DKMS_SRC)
	dkms add e1kx/$(E1KX_VERSION)
	dkms build e1kx/$(E1KX_VERSION) -k $(DKMS_KVER)
	dkms install e1kx/$(E1KX_VERSION) -k $(DKMS_KVER)

dkms-uninstall:
	-dkms remove e1kx/$(E1KX_VERSION) --all
	rm -rf $(DKMS_SRC)

# The Debian package: a dist-tree plus debian/, its changelog naming the
# version and the commit it was built from.  lintian must be clean: a
# warning fails the build (no overrides).
DEB_TREE = build/deb/e1kx-$(E1KX_VERSION)
DEB = build/e1kx-dkms_$(E1KX_VERSION)_all.deb
deb:
	rm -rf build/deb build/e1kx-dkms_*_all.deb
	$(MAKE) --no-print-directory dist-tree DIST_DIR=$(DEB_TREE)
	cp -r debian $(DEB_TREE)/
	cp scripts/e1kx-bind $(DEB_TREE)/scripts/
	{ echo "e1kx ($(E1KX_VERSION)) unstable; urgency=medium"; \
	  echo; \
	  echo "  * Built from git $$(git describe --tags --always --dirty 2>/dev/null || echo "(no git)")."; \
	  echo "    CHANGELOG.md in the source lists the changes."; \
	  echo; \
	  echo " -- e1kx developers <e1kx@example.org>  $$(git log -1 --format=%aD 2>/dev/null || date -R)"; \
	} >$(DEB_TREE)/debian/changelog
	cd $(DEB_TREE) && dpkg-buildpackage -b --no-sign
	cp build/deb/$(notdir $(DEB)) $(DEB)
	lintian --fail-on error,warning --info $(DEB)
	@echo "deb: $(DEB)"

# sign-file appends a signature; a signed e1kx.ko (kbuild rebuilds it when
# a source changes) is left as it is.
sign: modules
	@[ -f "$(MOK_KEY)" ] && [ -f "$(MOK_CERT)" ] || { \
		echo "sign: no $(MOK_KEY) and $(MOK_CERT): make sign-keygen, or set MOK_KEY= MOK_CERT=" >&2; \
		exit 1; }
	@if tail -c 28 e1kx.ko | grep -q '~Module signature appended~'; then \
		echo "sign: e1kx.ko is signed already"; \
	else \
		echo "$(KDIR)/scripts/sign-file $(SIGN_HASH) $(MOK_KEY) $(MOK_CERT) e1kx.ko"; \
		$(KDIR)/scripts/sign-file $(SIGN_HASH) $(MOK_KEY) $(MOK_CERT) e1kx.ko; \
	fi

sign-keygen:
	@[ ! -e "$(MOK_KEY)" ] || { echo "sign-keygen: $(MOK_KEY) exists" >&2; exit 1; }
	mkdir -p $(dir $(MOK_KEY)) $(dir $(MOK_CERT))
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 36500 -sha256 \
		-subj "/CN=e1kx module signing key $$(hostname)/" \
		-addext "extendedKeyUsage=codeSigning" \
		-keyout $(MOK_KEY) -outform DER -out $(MOK_CERT)
	chmod 600 $(MOK_KEY)

deps:
	scripts/install-deps.sh

# BPF programs the tests attach (tests/xdp) and the AF_XDP test tool
# (tests/xsk, libxdp), built on the host for guests
XDP_PROGS := $(patsubst tests/xdp/%.c,build/xdp/%.o,$(wildcard tests/xdp/*.c)) \
	build/xsk/xsk_test
xdp-progs: $(XDP_PROGS)

build/xdp/%.o: tests/xdp/%.c tests/xdp/udp4.h
	@mkdir -p $(@D)
	clang -O2 -g -Wall -target bpf -I/usr/include/$(shell gcc -dumpmachine) \
		-c $< -o $@

build/xsk/xsk_test: tests/xsk/xsk_test.c
	@mkdir -p $(@D)
	gcc -O2 -g -Wall -Wextra -o $@ $< -lxdp -lbpf

# Without a kernel tree checkpatch cannot tell kernel API names such as
# ETHTOOL_LINK_MODE_1000baseT_Full_BIT from new CamelCase, so that one
# check is off; everything else runs in --strict mode.
checkpatch:
	@[ -x "$(CHECKPATCH)" ] || { echo "no checkpatch.pl: run scripts/install-deps.sh" >&2; exit 1; }
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
	python3 scripts/check.py --self-test
	set -e; for k in $(LINT_KERNELS); do \
		echo "lint: sparse and W=1 against $$(scripts/e1kx-kernel $$k)"; \
		$(MAKE) KERNEL=$$k sparse w1; \
	done

# KERNEL=debug: the cached KASAN/lockdep/kmemleak guest kernel, see
# Documentation/reliability.md; KERNEL=6.12-fi: the cached 6.12 kernel with
# function error injection (Linux's pp_alloc_fail.py); KERNEL=BZIMAGE: any
# other kernel.
ifeq ($(KERNEL),debug)
check: deps xdp-progs
	scripts/debug-kernel/check.sh debug $(if $(TESTS),--tests $(TESTS))
else ifeq ($(KERNEL),6.12-fi)
check: deps xdp-progs
	scripts/debug-kernel/check.sh fi $(if $(TESTS),--tests $(TESTS))
else
check: deps modules xdp-progs
	python3 scripts/check.py $(if $(TESTS),--tests $(TESTS)) $(if $(KERNEL),--kernel $(KERNEL))
endif

demo: deps modules
	scripts/demo.sh

bench: deps modules xdp-progs
	python3 scripts/bench/bench.py $(if $(QUICK),--quick) $(if $(ROUNDS),--rounds $(ROUNDS))

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean
	rm -rf build .sparse.log .w1.log

