# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-preflight - plain-variable Makefile; DESTDIR and PREFIX on every install line.
VERSION    = 0.1
PREFIX    ?= /usr
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
SHAREDIR  ?= $(PREFIX)/share
SYSCONFDIR?= /etc
# initramfs-tools reads only these, whatever PREFIX is
INITRAMFS  = /usr/share/initramfs-tools
LIBDIR    ?= $(PREFIX)/share/vfio-preflight
# the initramfs' binary: architecture-dependent, so not under share/
LIBEXECDIR?= $(PREFIX)/lib/vfio-preflight
# systemd's system unit directory on Debian 12 (pkg-config systemd systemdsystemunitdir)
UNITDIR   ?= /lib/systemd/system
DESTDIR   ?=

KLCC      ?= klcc
CC        ?= cc
CLANG     ?= clang
WARN       = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes
# klibc's own headers trip -Wshadow (abs, labs), so only the glibc builds use it
WARN_HOST  = $(WARN) -Wshadow
CPPFLAGS  += -Ipreflight -D_GNU_SOURCE -DVERSION=\"$(VERSION)\"

# every .c under preflight/ (and its subfolders but fuzz/) except the two entry points:
# a new file is built without touching this line
SRC_CORE = $(sort $(filter-out preflight/main.c preflight/pci_libpci.c, \
             $(wildcard preflight/*.c) $(filter-out preflight/fuzz/%,$(wildcard preflight/*/*.c))))
SRC_MAIN = $(SRC_CORE) preflight/main.c
HDRS     = $(wildcard preflight/*.h) $(filter-out preflight/fuzz/%,$(wildcard preflight/*/*.h))

BIN       = preflight/vfio-preflight
BOOT_BIN  = preflight/vfio-preflight-boot
HOST_BIN  = preflight/vfio-preflight-host
ASAN_BIN  = preflight/vfio-preflight-asan
FUZZERS   = $(patsubst preflight/fuzz/fuzz_%.c,preflight/fuzz/fuzz-%,$(wildcard preflight/fuzz/fuzz_*.c))

all: $(BIN) $(BOOT_BIN)

# The boot binary: static klibc, size-optimised, stripped. No unwind tables or
# CET notes (nothing unwinds a klibc program), no page-aligned code segment,
# and the data segment right after it in the file (a small common page size:
# ld would otherwise pad the file to the next 4 KiB page before it).
# -Oz, no jump tables, no caller-saves, no "expensive" peepholes: 3.0 KB less
# than -Os, instructions on the boot phases within 1 % (callgrind, make bench).
# -malign-data=abi: arrays at the alignment the ABI asks, not gcc's 32 bytes
# for speed (-350 bytes of padding in the boot cut).
KLCC_OPT  = -Oz -fno-jump-tables -fno-caller-saves -fno-expensive-optimizations -malign-data=abi \
            -fno-asynchronous-unwind-tables -fno-unwind-tables -fcf-protection=none \
            -ffunction-sections -fdata-sections
KLCC_LINK = -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,common-page-size=64
KLCC_SIZE = $(KLCC_OPT) $(KLCC_LINK)
$(BIN): $(SRC_MAIN) $(HDRS)
	@command -v $(KLCC) >/dev/null || { echo "klcc not found: run 'make deps' (klibc-utils libklibc-dev)" >&2; exit 1; }
	$(KLCC) -static $(KLCC_SIZE) $(WARN) $(CPPFLAGS) -o $@ $(SRC_MAIN)
	strip --strip-all -R .comment -R .note.gnu.build-id $@

# The initramfs' cut of it: the same sources with only the commands the boot
# runs (boot, rescue), so the image carries no more (main.c, VFP_BOOT_ONLY).
# Link-time optimisation: klcc compiles each source to GCC's intermediate form
# (-flto) under BOOT_OBJDIR, and klcc's gcc links them with klibc's crt0.o and
# libc.a as klcc would, seeing the whole program: what a constant argument
# leaves unused goes (1.1 KB). Its own objects: no race with the klcc run of
# $(BIN), which keeps its .o files beside the sources for the length of a link.
KLIBC_GCC  ?= gcc
BOOT_OBJDIR = preflight/.boot
BOOT_OBJS   = $(patsubst preflight/%.c,$(BOOT_OBJDIR)/%.o,$(SRC_MAIN))
# With the whole program in view: no loop-invariant motion or if-conversion
# (-320 bytes), functions called once stay functions (-580: inlined, gcc
# copies their callers' spills and branches), null checks kept, no IPA-SRA
# (-220). Instructions on the boot phases are fewer than without LTO
# (callgrind, make bench).
BOOT_OPT    = $(KLCC_OPT) -fno-tree-loop-im -fno-move-loop-invariants -fno-if-conversion \
              -fno-inline-functions-called-once -fno-delete-null-pointer-checks -fno-ipa-sra
$(BOOT_OBJDIR)/%.o: preflight/%.c $(HDRS)
	@command -v $(KLCC) >/dev/null || { echo "klcc not found: run 'make deps' (klibc-utils libklibc-dev)" >&2; exit 1; }
	@mkdir -p $(@D)
	$(KLCC) -c -flto $(BOOT_OPT) $(WARN) $(CPPFLAGS) -DVFP_BOOT_ONLY -o $@ $<
$(BOOT_BIN): $(BOOT_OBJS)
	$(KLIBC_GCC) -nostdlib -static -no-pie -flto -flto-partition=one -mno-sse $(BOOT_OPT) $(KLCC_LINK) \
		-o $@ $(shell $(KLCC) -print-klibc-libdir)/crt0.o $(BOOT_OBJS) \
		$(shell $(KLCC) -print-klibc-libdir)/libc.a -lgcc
	strip --strip-all -R .comment -R .note.gnu.build-id $@

# A host build: glibc, dynamic, with the libpci access method (names from pci.ids).
host: $(HOST_BIN)
$(HOST_BIN): $(SRC_MAIN) preflight/pci_libpci.c $(HDRS)
	$(CC) -O2 -g $(WARN_HOST) $(CPPFLAGS) -DHAVE_LIBPCI -o $@ $(SRC_MAIN) preflight/pci_libpci.c -lpci

# The same code under AddressSanitizer and UBSan, for the test suite.
asan: $(ASAN_BIN)
$(ASAN_BIN): $(SRC_MAIN) preflight/pci_libpci.c $(HDRS)
	$(CLANG) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
		$(WARN) $(CPPFLAGS) -DHAVE_LIBPCI -o $@ $(SRC_MAIN) preflight/pci_libpci.c -lpci

# The fuzz targets share one instrumented build of the core (coverage + ASan +
# UBSan, as -fsanitize=fuzzer would give each source): compiling all of it once
# per target cost ~5 minutes of a serial make check.
FUZZ_SAN  = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJS = $(patsubst preflight/%.c,preflight/fuzz/obj/%.o,$(SRC_CORE))
fuzz: $(FUZZERS)
# kept: make would delete them as intermediates and rebuild them all for any change
.SECONDARY: $(FUZZ_OBJS)
preflight/fuzz/obj/%.o: preflight/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CLANG) -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(WARN) $(CPPFLAGS) -c -o $@ $<
preflight/fuzz/fuzz-%: preflight/fuzz/fuzz_%.c $(FUZZ_OBJS) $(HDRS) $(wildcard preflight/fuzz/*.h)
	$(CLANG) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) $(WARN) \
		-Wno-missing-prototypes $(CPPFLAGS) -o $@ $< $(FUZZ_OBJS)

deps:
	tests/setup-deps

check: $(BIN) $(BOOT_BIN) $(HOST_BIN) $(ASAN_BIN) $(FUZZERS)
	tests/run-tests

bench: $(BIN)
	bash bench/run

# the check and the IOMMU groups on bundled example hosts and on this machine
demo: $(BIN)
	demo/run

INSTALLED = $(DESTDIR)$(SBINDIR)/vfio-preflight $(DESTDIR)$(LIBEXECDIR)/vfio-preflight-boot $(DESTDIR)$(MANDIR)/man8/vfio-preflight.8 \
	$(DESTDIR)$(INITRAMFS)/hooks/vfio-preflight \
	$(DESTDIR)$(INITRAMFS)/scripts/init-top/00-vfio-preflight \
	$(DESTDIR)$(INITRAMFS)/scripts/init-top/00-vfio-preflight-rebind \
	$(DESTDIR)$(INITRAMFS)/scripts/init-premount/vfio-preflight \
	$(DESTDIR)$(INITRAMFS)/scripts/local-bottom/vfio-preflight \
	$(DESTDIR)$(LIBDIR)/initramfs-functions $(DESTDIR)$(LIBDIR)/initramfs-fallback \
	$(DESTDIR)$(LIBDIR)/rescue-cmdline.sh $(DESTDIR)$(LIBDIR)/rescue-entries.sh \
	$(DESTDIR)$(SYSCONFDIR)/grub.d/42_vfio-preflight-rescue \
	$(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/zz-vfio-preflight-rescue \
	$(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/zz-vfio-preflight-rescue \
	$(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d/zz-vfio-preflight-rescue \
	$(DESTDIR)$(LIBDIR)/hookscript $(DESTDIR)$(UNITDIR)/vfio-preflight-vm.service \
	$(DESTDIR)$(UNITDIR)/vfio-preflight-motd.service $(DESTDIR)$(UNITDIR)/vfio-preflight-metrics.service

install: $(BIN) $(BOOT_BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/vfio-preflight
	install -D -m 0755 $(BOOT_BIN) $(DESTDIR)$(LIBEXECDIR)/vfio-preflight-boot
	install -D -m 0644 preflight/vfio-preflight.8 $(DESTDIR)$(MANDIR)/man8/vfio-preflight.8
	install -D -m 0755 initramfs-hooks/hooks/vfio-preflight $(DESTDIR)$(INITRAMFS)/hooks/vfio-preflight
	install -D -m 0755 initramfs-hooks/scripts/init-top/00-vfio-preflight \
		$(DESTDIR)$(INITRAMFS)/scripts/init-top/00-vfio-preflight
	install -D -m 0755 initramfs-hooks/scripts/init-top/00-vfio-preflight-rebind \
		$(DESTDIR)$(INITRAMFS)/scripts/init-top/00-vfio-preflight-rebind
	install -D -m 0755 initramfs-hooks/scripts/init-premount/vfio-preflight \
		$(DESTDIR)$(INITRAMFS)/scripts/init-premount/vfio-preflight
	install -D -m 0755 initramfs-hooks/scripts/local-bottom/vfio-preflight \
		$(DESTDIR)$(INITRAMFS)/scripts/local-bottom/vfio-preflight
	install -D -m 0644 initramfs-hooks/functions $(DESTDIR)$(LIBDIR)/initramfs-functions
	install -D -m 0644 initramfs-hooks/fallback $(DESTDIR)$(LIBDIR)/initramfs-fallback
	install -D -m 0644 rescue/rescue-cmdline.sh $(DESTDIR)$(LIBDIR)/rescue-cmdline.sh
	install -D -m 0644 rescue/rescue-entries.sh $(DESTDIR)$(LIBDIR)/rescue-entries.sh
	install -D -m 0755 rescue/grub.d/42_vfio-preflight-rescue $(DESTDIR)$(SYSCONFDIR)/grub.d/42_vfio-preflight-rescue
	install -D -m 0755 rescue/kernel/postinst.d/zz-vfio-preflight-rescue \
		$(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/zz-vfio-preflight-rescue
	install -D -m 0755 rescue/kernel/postrm.d/zz-vfio-preflight-rescue \
		$(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/zz-vfio-preflight-rescue
	install -D -m 0755 rescue/kernel/postinst.d/zz-vfio-preflight-rescue \
		$(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d/zz-vfio-preflight-rescue
	# the scripts find their libraries in LIBDIR
	sed -i 's|/usr/share/vfio-preflight|$(LIBDIR)|g' $(DESTDIR)$(INITRAMFS)/hooks/vfio-preflight \
		$(DESTDIR)$(SYSCONFDIR)/grub.d/42_vfio-preflight-rescue \
		$(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/zz-vfio-preflight-rescue \
		$(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/zz-vfio-preflight-rescue \
		$(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d/zz-vfio-preflight-rescue
	# Proxmox VE: the qemu-server hookscript and the unit that judges the autostarted VMs
	install -D -m 0755 pve/hookscript $(DESTDIR)$(LIBDIR)/hookscript
	sed -i 's|/usr/sbin/vfio-preflight|$(SBINDIR)/vfio-preflight|g; s|/usr/share/vfio-preflight|$(LIBDIR)|g' \
		$(DESTDIR)$(LIBDIR)/hookscript
	install -D -m 0644 pve/vfio-preflight-vm.service $(DESTDIR)$(UNITDIR)/vfio-preflight-vm.service
	sed -i 's|/usr/sbin/vfio-preflight|$(SBINDIR)/vfio-preflight|g' $(DESTDIR)$(UNITDIR)/vfio-preflight-vm.service
	install -D -m 0644 systemd/vfio-preflight-motd.service $(DESTDIR)$(UNITDIR)/vfio-preflight-motd.service
	install -D -m 0644 systemd/vfio-preflight-metrics.service $(DESTDIR)$(UNITDIR)/vfio-preflight-metrics.service
	sed -i 's|/usr/sbin/vfio-preflight|$(SBINDIR)/vfio-preflight|' $(DESTDIR)$(UNITDIR)/vfio-preflight-motd.service \
		$(DESTDIR)$(UNITDIR)/vfio-preflight-metrics.service
	# the configuration is the admin's: never overwrite it
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/vfio-preflight ] || \
		install -D -m 0644 initramfs-hooks/default/vfio-preflight $(DESTDIR)$(SYSCONFDIR)/default/vfio-preflight

uninstall:
	rm -f $(INSTALLED)

# The Debian package, built without root (Rules-Requires-Root: no) from a
# copy of the tree's tracked and unignored files, so a dirty build tree never
# leaks in and debian/'s build output stays out of the checkout.
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB      = dist/vfio-preflight_$(VERSION)_$(DEB_ARCH).deb
deb:
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version) && [ "$$v" = "$(VERSION)" ] || \
		{ echo "make deb: debian/changelog says $$v, the Makefile VERSION $(VERSION)" >&2; exit 1; }
	rm -rf dist/build && mkdir -p dist/build/vfio-preflight-$(VERSION)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
			xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
			tar -c --null -T - -f - | tar -x -C dist/build/vfio-preflight-$(VERSION); \
	else \
		tar -c --exclude=./dist --exclude=./.git -f - . | tar -x -C dist/build/vfio-preflight-$(VERSION); \
	fi
	cd dist/build/vfio-preflight-$(VERSION) && dpkg-buildpackage -us -uc -b --no-sign >../build.log 2>&1 || \
		{ tail -30 ../build.log >&2; exit 1; }
	mv dist/build/vfio-preflight_$(VERSION)_$(DEB_ARCH).deb $(DEB)
	rm -rf dist/build
	@echo "built $(DEB)"

lintian: deb
	lintian --fail-on error,warning --info $(DEB)

clean:
	rm -f $(BIN) $(BOOT_BIN) $(HOST_BIN) $(ASAN_BIN) $(FUZZERS)
	rm -rf preflight/fuzz/obj
	rm -rf dist $(BOOT_OBJDIR)

# clang-format with .clang-format over every C file (not run by the build: the
# tree is formatted once, then kept so; `make format-check` lists what differs)
FORMAT_FILES = $(sort $(wildcard preflight/*.[ch] preflight/*/*.[ch]))
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run -Werror $(FORMAT_FILES)

.PHONY: all host asan fuzz deps check bench demo install uninstall clean deb lintian format format-check
