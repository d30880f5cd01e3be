# SPDX-License-Identifier: MIT
# dive and dived.  "make" builds bin/dive, bin/dived and bin/dived-listener;
# "make check" installs what is missing, builds and runs every test;
# "make demo" shows dive and dived at work; "make bench" measures them.
# See README.md.

VERSION    = 2.0.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
SBINDIR   ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec/dive
MANDIR    ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(PREFIX)/etc
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR   ?=

CC        ?= cc
# Output root: bin/ and obj/ go under it (e.g. O=build/asan SAN=1).
O         ?= .
SAN       ?=
BIN        = $(O)/bin
OBJ        = $(O)/obj

cc-option = $(shell $(CC) -Werror $(1) -x c -c /dev/null -o /dev/null \
	    2>/dev/null && echo $(1))

WARN     = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wformat=2 -Wshadow \
	   -Wvla -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes \
	   -Wimplicit-fallthrough -Wswitch-enum
HARDEN   = -fstack-protector-strong -fstack-clash-protection -fPIE \
	   $(call cc-option,-ftrivial-auto-var-init=zero) \
	   $(call cc-option,-fzero-call-used-regs=used)
# SAN=1: ASan+UBSan; SAN=fuzz: the same, instrumented for libFuzzer
# (clang, see "make fuzz").
SANITIZERS = address,undefined
ifeq ($(SAN),fuzz)
SANITIZERS := fuzzer-no-link,$(SANITIZERS)
endif
ifeq ($(SAN),)
HARDEN  += -D_FORTIFY_SOURCE=3
OPT     ?= -O2 -g
else
HARDEN  += -fsanitize=$(SANITIZERS) -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined -DDIVE_SANITIZE
OPT     ?= -O1 -g
endif
LDHARDEN = -pie -Wl,-z,relro,-z,now -Wl,--as-needed \
	   $(if $(SAN),-fsanitize=address$(comma)undefined)
comma   := ,

# dive starts in front of every program it runs, so its own start-up is
# part of every spawn (bench/README.md).  It is linked statically (static
# PIE), against musl where musl-tools is installed (glibc's start-up asks
# the CPU for its features and caches with dozens of cpuid instructions,
# each a trap under virtualisation), else against glibc.  DIVE_LIBC=glibc
# or STATIC_DIVE= choose otherwise; the sanitizer build is always glibc and
# dynamic.
STATIC_DIVE ?= -static-pie
ld-option = $(shell printf 'int main(void){return 0;}' | \
	    $(CC) $(1) -x c -o /dev/null - 2>/dev/null && echo $(1))
MUSL_GCC ?= $(shell command -v musl-gcc 2>/dev/null)
MUSL_LIBDIR ?= /usr/lib/$(shell $(CC) -dumpmachine 2>/dev/null | \
	       sed 's/-gnu$$/-musl/')
DIVE_LIBC ?= $(if $(and $(MUSL_GCC),$(STATIC_DIVE),\
	     $(wildcard $(MUSL_LIBDIR)/rcrt1.o)),musl,glibc)
ifneq ($(SAN),)
DIVE_LIBC := glibc
endif
CLIENT_LDFLAGS = $(if $(SAN),,$(call ld-option,$(STATIC_DIVE)))

# dived-listener is linked statically (static PIE) where the static
# libraries are installed: the master forks a listener per connection,
# and a process without ld.so and shared libraries mapped is cheaper to
# fork and to end (bench/README.md).  STATIC_LISTENER= turns it off.
STATIC_LISTENER ?= -static-pie
LISTENER_STATIC_LIBS = $(shell $(PKG) --static --libs libseccomp libcap-ng \
		       libbsd-overlay)
LISTENER_LDFLAGS = $(if $(SAN),,$(if $(STATIC_LISTENER),$(call ld-option,\
		   $(STATIC_LISTENER) $(LISTENER_STATIC_LIBS))))
# No name service code in it (src/listener/nonss.c).
LISTENER_NONSS = -Wl,--defsym=getpwuid=nonss_getpwuid \
		 -Wl,--defsym=initgroups=nonss_initgroups

CFLAGS  += $(OPT) $(WARN) $(HARDEN) -MMD -MP
LDFLAGS += $(LDHARDEN)

PKG      = pkg-config
# Daemon code uses libbsd in overlay mode; common/ and the client do not.
DAEMON_CFLAGS = $(shell $(PKG) --cflags libcap-ng libseccomp libbsd-overlay)
DIVED_LIBS    = $(shell $(PKG) --libs libcap-ng libbsd-overlay libmd)
LISTENER_LIBS = $(shell $(PKG) --libs libseccomp libcap-ng libbsd-overlay)
CRITERION_LIBS = $(shell $(PKG) --libs criterion)

# What each program is made of: every object it links, named here (no
# archive decides it).  One folder is one process or one set of shared
# code (README.md, "Reading the code"); tools/lint.sh checks that each
# binary defines no symbol of this project outside its list, and that
# each list draws only from the folders its process may run.
src_of = $(foreach f,$(2),src/$(1)/$(f).c)
WIRE_SRC     = $(call src_of,common,buf errors fdpass msg num)
CLIENT_SRC   = $(call src_of,client,dive pty request wait) $(WIRE_SRC)
LISTENER_SRC = $(call src_of,listener,main nonss sandbox session) \
	       $(call src_of,common,admit log) $(WIRE_SRC)
DIVED_SRC    = $(call src_of,dived,main config daemon justexec options \
	       xmalloc) \
	       $(call src_of,monitor,auditlog creds decide facts launch lm loop \
	       peer plan status) \
	       $(call src_of,plan,ids) \
	       $(call src_of,spawner,auth caps env fds ns pty setids spawn) \
	       $(call src_of,policy,audit conf policy) \
	       $(call src_of,common,admit log) $(WIRE_SRC)
PROG_MAINS   = src/client/dive.c src/listener/main.c src/dived/main.c
# Unit tests, helpers and fuzz targets may link any module's objects:
# they take them from this archive of everything but the programs' mains.
ALL_SRC      = $(sort $(CLIENT_SRC) $(LISTENER_SRC) $(DIVED_SRC))
TESTLIB_SRC  = $(filter-out $(PROG_MAINS) src/listener/nonss.c,$(ALL_SRC))

# Which headers each folder may include: its own, the shared ones, and
# those of the code it calls.  Monitor and spawner meet only in the
# start-up (src/dived), which chooses the mode.
INC_common   = -Isrc/common
INC_client   = -Isrc/common -Isrc/client
INC_listener = -Isrc/common -Isrc/listener
INC_policy   = -Isrc/common -Isrc/policy
INC_plan     = -Isrc/common -Isrc/plan -Isrc/policy
INC_monitor  = -Isrc/common -Isrc/plan -Isrc/policy -Isrc/dived \
	       -Isrc/monitor
INC_spawner  = -Isrc/common -Isrc/plan -Isrc/policy -Isrc/spawner
INC_dived    = -Isrc/common -Isrc/plan -Isrc/policy -Isrc/dived \
	       -Isrc/monitor -Isrc/spawner
INC_ALL      = $(sort $(INC_dived) $(INC_listener) $(INC_client))
folder_of    = $(word 2,$(subst /, ,$(1)))
UNIT_SRC     = $(wildcard tests/unit/*_test.c)
HELPER_SRC   = $(wildcard tests/helpers/*.c)
# Fuzz targets: tests/fuzz/fuzz_NAME.c, each linked with the other files
# of tests/fuzz and the test archive; seeds in tests/fuzz/corpus/NAME.
FUZZ_SRC     = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_SHARED  = $(filter-out $(FUZZ_SRC),$(wildcard tests/fuzz/*.c))

obj = $(patsubst %.c,$(OBJ)/%.o,$(1))

TESTLIB = $(OBJ)/libdivetest.a
PROGS = $(BIN)/dive $(BIN)/dived $(BIN)/dived-listener
UNITS = $(OBJ)/systemd/dived@.socket $(OBJ)/systemd/dived@.service
MANPAGES = $(wildcard man/*.[1-9])
COMPLETIONS = completion/dive completion/dived
TBIN = $(BIN)/tests
UNIT_BINS = $(patsubst tests/unit/%.c,$(TBIN)/%,$(UNIT_SRC))
HELPER_BINS = $(patsubst tests/helpers/%.c,$(TBIN)/%,$(HELPER_SRC))
FUZZ_BINS = $(patsubst tests/fuzz/%.c,$(TBIN)/%,$(FUZZ_SRC))
FUZZ_DIR ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1

.PHONY: all clean check check-root unit demo deps lint split-check \
	tests asan install uninstall bench fuzz fuzz-build fuzz-bins print-objs \
	fuzz-seeds

all: $(PROGS) $(UNITS)

# Quiet by default; V=1 shows the commands.
ifeq ($(V),)
Q = @
endif

# The client, the shared code and the policy code are plain C11 + POSIX;
# the daemon's folders use libbsd (overlay) and the build-time paths.
PLAIN_FOLDERS = common client policy
$(OBJ)/src/%.o: src/%.c $(OBJ)/config.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(INC_$(call folder_of,$<)) $(if $(filter \
	    $(call folder_of,$<),$(PLAIN_FOLDERS)),,$(DAEMON_CFLAGS) -I$(OBJ)) \
	    -c -o $@ $<

# Build-time paths, rewritten only when they change (so that
# "make install PREFIX=..." rebuilds what depends on them).
$(OBJ)/config.h: FORCE
	@mkdir -p $(@D)
	@printf '#define LISTENER_PATH "%s"\n' "$(LIBEXECDIR)/dived-listener" \
	    > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

FORCE:

$(OBJ)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(DAEMON_CFLAGS) $(INC_ALL) -c -o $@ $<

$(TESTLIB): $(call obj,$(TESTLIB_SRC))
	@mkdir -p $(@D)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

ifeq ($(DIVE_LIBC),musl)
# The client, compiled against musl.
MUSL_OBJ = $(OBJ)/musl

$(MUSL_OBJ)/src/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "  CC      $< (musl)"
	$(Q)$(MUSL_GCC) $(CFLAGS) $(INC_client) -c -o $@ $<

# musl-gcc's own specs link a dynamic PIE; a static PIE takes rcrt1.o.
CLIENT_OBJS = $(patsubst %.c,$(MUSL_OBJ)/%.o,$(CLIENT_SRC))
$(BIN)/dive: $(CLIENT_OBJS)
	@mkdir -p $(@D)
	@echo "  LD      $@ (musl, static PIE)"
	$(Q)$(CC) $(LDFLAGS) -static-pie -nostdlib -nostartfiles -o $@ \
	    $(MUSL_LIBDIR)/rcrt1.o $(MUSL_LIBDIR)/crti.o \
	    $(shell $(CC) -print-file-name=crtbeginS.o) $^ -L$(MUSL_LIBDIR) \
	    -lc $(shell $(CC) -print-libgcc-file-name) \
	    $(shell $(CC) -print-file-name=crtendS.o) $(MUSL_LIBDIR)/crtn.o
else
CLIENT_OBJS = $(call obj,$(CLIENT_SRC))
$(BIN)/dive: $(CLIENT_OBJS)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) $(CLIENT_LDFLAGS) -o $@ $^
endif

$(BIN)/dived: $(call obj,$(DIVED_SRC))
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(DIVED_LIBS)

$(BIN)/dived-listener: $(call obj,$(LISTENER_SRC))
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) $(if $(LISTENER_LDFLAGS),$(STATIC_LISTENER) \
	    $(LISTENER_NONSS)) -o $@ $^ \
	    $(if $(LISTENER_LDFLAGS),$(LISTENER_STATIC_LIBS),$(LISTENER_LIBS))

# The lists, for tools/lint.sh: "make -s print-objs".
print-objs:
	@echo "dive $(CLIENT_OBJS)"
	@echo "dived-listener $(call obj,$(LISTENER_SRC))"
	@echo "dived $(call obj,$(DIVED_SRC))"

# The listener with the test hooks of tests/hooks (never installed): its
# own sources compiled again with the hooks, the shared code as it is.
HOOKS_OBJ = $(patsubst %.c,$(OBJ)/hooks/%.o,$(filter src/listener/%,\
    $(LISTENER_SRC)) tests/hooks/hooks.c tests/hooks/forge.c) \
    $(call obj,$(filter-out src/listener/%,$(LISTENER_SRC)))

$(OBJ)/hooks/%.o: %.c $(OBJ)/config.h
	@mkdir -p $(@D)
	@echo "  CC      $< (test hooks)"
	$(Q)$(CC) $(CFLAGS) $(DAEMON_CFLAGS) -DDIVE_TEST_HOOKS -Itests/hooks \
	    $(INC_listener) -I$(OBJ) -c -o $@ $<

# Linked as bin/dived-listener is, so that it runs the same code.
$(TBIN)/dived-listener-hooks: $(HOOKS_OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) $(if $(LISTENER_LDFLAGS),$(STATIC_LISTENER) \
	    $(LISTENER_NONSS)) -o $@ $^ \
	    $(if $(LISTENER_LDFLAGS),$(LISTENER_STATIC_LIBS),$(LISTENER_LIBS))

# Unit tests take what they test from the test archive.
$(TBIN)/%_test: $(OBJ)/tests/unit/%_test.o $(TESTLIB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(DIVED_LIBS) $(LISTENER_LIBS) \
	    $(CRITERION_LIBS)

$(TBIN)/%: $(OBJ)/tests/helpers/%.o $(TESTLIB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(DIVED_LIBS)

tests: all $(UNIT_BINS) $(HELPER_BINS) $(TBIN)/dived-listener-hooks

# libFuzzer targets (SAN=fuzz only): the target and the shared files.
$(TBIN)/fuzz_%: $(OBJ)/tests/fuzz/fuzz_%.o \
    $(patsubst %.c,$(OBJ)/%.o,$(FUZZ_SHARED)) $(TESTLIB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(DIVED_LIBS)

fuzz-bins: $(FUZZ_BINS)

# The fuzz build: clang, in $(FUZZ_DIR).  "make fuzz" runs each target
# for FUZZ_SECONDS seconds (tools/fuzz.sh).
fuzz-build:
	@$(MAKE) --no-print-directory -s O=$(FUZZ_DIR) SAN=fuzz CC=clang \
	    fuzz-bins >/dev/null

fuzz: fuzz-build
	@tools/fuzz.sh -b $(FUZZ_DIR) -t $(FUZZ_SECONDS) -j $(FUZZ_JOBS)

# Rewrites the generated seeds of tests/fuzz/corpus (other files stay).
fuzz-seeds: $(TBIN)/fuzzseeds
	$(TBIN)/fuzzseeds tests/fuzz/corpus

# Installs the build and test dependencies that are missing (Debian).
deps:
	@tools/deps.sh

check:
	@tools/deps.sh --quiet
	@echo "building (normal, ASan+UBSan in build/asan, fuzz in $(FUZZ_DIR))..."
	@$(MAKE) --no-print-directory -s tests >/dev/null
	@$(MAKE) --no-print-directory -s O=build/asan SAN=1 tests >/dev/null
	@$(MAKE) --no-print-directory -s fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=2 tools/run-tests.sh --all

lint: all
	@tools/lint.sh $(OBJ)

# Speed and resource figures against setpriv, runuser, sudo and s6-sudo
# (bench/README.md); as root.  Never part of "make check".
bench: all
	@bench/bench.sh

demo:
	@tools/deps.sh --quiet
	@$(MAKE) --no-print-directory -s all >/dev/null
	@tools/demo.sh

clean:
	rm -rf $(O)/bin $(O)/obj build

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

# Installation.  dived finds dived-listener in LIBEXECDIR (compiled in);
# the units and the installed man pages name the configured directories.
# "make uninstall" removes exactly the files "make install" writes.
SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'
MANSUBST = sed -e 's|/usr/local/libexec/dive|$(LIBEXECDIR)|g' \
	   -e 's|/usr/local/sbin/dived|$(SBINDIR)/dived|g' \
	   -e 's|/usr/local/etc/dive|$(SYSCONFDIR)/dive|g' \
	   -e 's|/usr/local/lib/systemd/system|$(SYSTEMDUNITDIR)|g'

$(OBJ)/paths: FORCE
	@mkdir -p $(@D)
	@echo '$(SBINDIR) $(SYSCONFDIR)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(OBJ)/systemd/%: systemd/%.in $(OBJ)/paths
	@mkdir -p $(@D)
	$(Q)$(SUBST) $< > $@.tmp && mv $@.tmp $@

$(OBJ)/systemd/%: systemd/%
	@mkdir -p $(@D)
	$(Q)cp $< $@

# man/NAME.N goes to MANDIR/manN/NAME.N.
mandir_of = $(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(1)))
INSTALLED_MAN = $(foreach m,$(MANPAGES),$(call mandir_of,$(m))/$(notdir $(m)))
INSTALLED = $(DESTDIR)$(BINDIR)/dive $(DESTDIR)$(SBINDIR)/dived \
	$(DESTDIR)$(LIBEXECDIR)/dived-listener $(INSTALLED_MAN) \
	$(patsubst $(OBJ)/systemd/%,$(DESTDIR)$(SYSTEMDUNITDIR)/%,$(UNITS)) \
	$(patsubst completion/%,$(DESTDIR)$(BASHCOMPDIR)/%,$(COMPLETIONS))

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
	    $(DESTDIR)$(BASHCOMPDIR) \
	    $(sort $(foreach m,$(MANPAGES),$(call mandir_of,$(m))))
	install -m 0755 $(BIN)/dive $(DESTDIR)$(BINDIR)/dive
	install -m 0755 $(BIN)/dived $(DESTDIR)$(SBINDIR)/dived
	install -m 0755 $(BIN)/dived-listener \
	    $(DESTDIR)$(LIBEXECDIR)/dived-listener
	$(foreach m,$(MANPAGES),$(MANSUBST) $(m) > \
	    $(call mandir_of,$(m))/$(notdir $(m)) && \
	    chmod 0644 $(call mandir_of,$(m))/$(notdir $(m)) &&) true
	install -m 0644 $(UNITS) $(DESTDIR)$(SYSTEMDUNITDIR)/
	install -m 0644 $(COMPLETIONS) $(DESTDIR)$(BASHCOMPDIR)/

uninstall:
	rm -f $(INSTALLED)
	-rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null
