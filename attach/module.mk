# attach/ — libtwattach.a: the console's attach-only collector (ptrace + libunwind for a live
# pid; a core's notes, read by libtwcorefile, + libunwind for a core). Names and lines come
# from libtwsym (symbolize/), the one symbolizer.
DEBIAN_PKGS += libunwind-dev

# Link line a program using build/lib/libtwattach.a must add after it (the console uses this).
# libtwattach collects facts; libtwcore decides what they prove (twc_facts_agree), so a
# program linking the archive links libtwcore too (the console already does). Recursive (=):
# the other modules' variables are defined after this file is read.
TWATTACH_LDLIBS = $(B)/lib/libtwcorefile.a $(B)/lib/libtwsym.a -lunwind-x86_64 -lunwind $(TWSYM_LDLIBS)
TWATTACH_ARCHIVES = $(B)/lib/libtwattach.a $(B)/lib/libtwcorefile.a $(B)/lib/libtwsym.a

TWATTACH_SRCS := $(wildcard attach/*.c)
TWATTACH_OBJS := $(patsubst attach/%.c,$(B)/obj/attach/%.o,$(TWATTACH_SRCS))
TWATTACH_CFLAGS := $(CFLAGS_BASE) -Iattach -Icorefile -Isymbolize

ALL_TARGETS += $(B)/lib/libtwattach.a

$(B)/obj/attach/%.o: attach/%.c $(wildcard attach/*.h) corefile/twcorefile.h symbolize/tws.h include/twcore.h include/tw_region.h
	@mkdir -p $(@D)
	$(CC) $(TWATTACH_CFLAGS) -c $< -o $@

$(B)/lib/libtwattach.a: $(TWATTACH_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
