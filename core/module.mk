# core/ — libtwcore: decode, analyse, rewind and render regions and attach-only facts.
CORE_SRCS := $(wildcard core/*.c)
CORE_OBJS := $(patsubst core/%.c,$(B)/obj/core/%.o,$(CORE_SRCS))
CORE_LIBS := -lelf -ldwarf -lcapstone -lstdc++
ALL_TARGETS += $(B)/lib/libtwcore.so $(B)/lib/libtwcore.a
# capstone decodes a caller's code (callargs.c); g++ brings libstdc++'s __cxa_demangle, the
# toolchain's demangler (cxx_names.c); both in docs/design.md
DEBIAN_PKGS += libelf-dev libdwarf-dev libcapstone-dev g++

$(B)/obj/core/%.o: core/%.c core/internal.h core/alerts.h core/commands.h core/dispatch.h core/dwarf_names.h core/glibc.h include/twcore.h include/tw_region.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -std=gnu11 -fvisibility=hidden -c -o $@ $<

$(B)/lib/libtwcore.so: $(CORE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ $(CORE_OBJS) $(CORE_LIBS)

$(B)/lib/libtwcore.a: $(CORE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $(CORE_OBJS)
