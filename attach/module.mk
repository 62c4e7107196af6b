# attach/ — libtwattach.a: core files as a byte source and attach-only fact collection for the
# console (ptrace + libunwind for a live pid, ELF notes + libunwind for a core).
DEBIAN_PKGS += libunwind-dev libdwarf-dev libelf-dev

# Link line a program using build/lib/libtwattach.a must add after it (the console uses this).
# libtwattach collects facts; libtwcore decides what they prove (twc_facts_agree), so a
# program linking the archive links libtwcore too (the console already does).
TWATTACH_LDLIBS := -lunwind-x86_64 -lunwind -ldwarf -lelf -lz

TWATTACH_SRCS := $(wildcard attach/*.c)
TWATTACH_OBJS := $(patsubst attach/%.c,$(B)/obj/attach/%.o,$(TWATTACH_SRCS))
TWATTACH_CFLAGS := $(CFLAGS_BASE) -Iattach -I/usr/include/libdwarf

ALL_TARGETS += $(B)/lib/libtwattach.a

$(B)/obj/attach/%.o: attach/%.c $(wildcard attach/*.h) include/twcore.h include/tw_region.h
	@mkdir -p $(@D)
	$(CC) $(TWATTACH_CFLAGS) -c $< -o $@

$(B)/lib/libtwattach.a: $(TWATTACH_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# ---- tests ----
$(B)/tests/attach/test_core: tests/attach/test_core.c $(B)/lib/libtwattach.a $(B)/lib/libtwcore.a
	@mkdir -p $(@D)
	$(CC) $(TWATTACH_CFLAGS) $< $(B)/lib/libtwattach.a $(B)/lib/libtwcore.a $(TWATTACH_LDLIBS) -lcriterion -o $@

$(B)/tests/attach/twa_dump: tests/attach/twa_dump.c $(B)/lib/libtwattach.a $(B)/lib/libtwcore.a
	@mkdir -p $(@D)
	$(CC) $(TWATTACH_CFLAGS) $< $(B)/lib/libtwattach.a $(B)/lib/libtwcore.a $(TWATTACH_LDLIBS) -o $@

TEST_STEPS += test-attach
.PHONY: test-attach
test-attach: $(B)/tests/attach/test_core $(B)/tests/attach/twa_dump
	@tests/attach/run.sh
