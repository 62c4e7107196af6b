# console/ — the `tw` program (build/bin/tw): a thin frontend over libtwcore. It reads cores
# through libtwcorefile (corefile/), collects attach-only facts through libtwattach (attach/)
# and names stack frames through libtwsym (symbolize/), all linked in like any archive.
TW_CON_SRCS := $(wildcard console/*.c)
TW_CON_OBJS := $(patsubst console/%.c,$(B)/obj/console/%.o,$(TW_CON_SRCS))
TW_CON_CFLAGS := $(CFLAGS_BASE) -Iattach -Icorefile -Isymbolize
TW_CON_LDLIBS = -L$(B)/lib -ltwcore -Wl,-rpath,'$$ORIGIN/../lib' $(B)/lib/libtwattach.a $(TWATTACH_LDLIBS) \
  -lreadline -lncursesw -lpthread

ALL_TARGETS += $(B)/bin/tw
DEBIAN_PKGS += libreadline-dev libncurses-dev tmux graphviz gdb

$(B)/obj/console/%.o: console/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TW_CON_CFLAGS) -MMD -MP -c $< -o $@

-include $(TW_CON_OBJS:.o=.d)

$(B)/bin/tw: $(TW_CON_OBJS) $(B)/lib/libtwcore.so $(TWATTACH_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -o $@ $(TW_CON_OBJS) $(TW_CON_LDLIBS)
