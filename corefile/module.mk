# corefile/ — libtwcorefile.a: the one reader of ELF core files. The console reads an
# instrumented program's region out of a core through it, and the attach-only collector
# (attach/) a core's threads and mappings; neither owns it, so it is its own archive.

TWCOREFILE_SRCS := $(wildcard corefile/*.c)
TWCOREFILE_OBJS := $(patsubst corefile/%.c,$(B)/obj/corefile/%.o,$(TWCOREFILE_SRCS))
TWCOREFILE_CFLAGS := $(CFLAGS_BASE) -Icorefile -Isymbolize

ALL_TARGETS += $(B)/lib/libtwcorefile.a

$(B)/obj/corefile/%.o: corefile/%.c $(wildcard corefile/*.h) symbolize/tws.h include/twcore.h include/tw_region.h
	@mkdir -p $(@D)
	$(CC) $(TWCOREFILE_CFLAGS) -c $< -o $@

$(B)/lib/libtwcorefile.a: $(TWCOREFILE_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
