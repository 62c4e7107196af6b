# console/ — the `tw` program (build/bin/tw): a thin frontend over libtwcore, plus
# libtwattach (core files, attach-only) when the attach module exists.
TW_CON_SRCS := $(wildcard console/*.c)
TW_CON_OBJS := $(patsubst console/%.c,$(B)/obj/console/%.o,$(TW_CON_SRCS))
# libtwattach is linked when its module is in the tree; the console references it weakly
# (console/attach_weak.h) so tw still builds and says "not built" without it. -u pulls the
# archive members in, since weak references alone never do.
TW_CON_ATTACH_A := $(if $(wildcard attach/module.mk),$(B)/lib/libtwattach.a)
TW_CON_ATTACH_LINK = $(if $(TW_CON_ATTACH_A),$(TW_CON_ATTACH_A) \
  $(foreach f,twa_core_open twa_core_read twa_core_find_region twa_core_close twa_collect_pid twa_collect_core twa_release,-Wl,-u,$(f)) \
  $(TWATTACH_LDLIBS))
TW_CON_LDLIBS = -L$(B)/lib -ltwcore -Wl,-rpath,'$$ORIGIN/../lib' $(TW_CON_ATTACH_LINK) -ldwarf -lelf -lreadline -lncursesw -lpthread

ALL_TARGETS += $(B)/bin/tw
TEST_STEPS += test-console
DEBIAN_PKGS += libreadline-dev libncurses-dev libdwarf-dev libelf-dev libunwind-dev tmux graphviz gdb

$(B)/obj/console/%.o: console/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -MMD -MP -c $< -o $@

-include $(TW_CON_OBJS:.o=.d)

$(B)/bin/tw: $(TW_CON_OBJS) $(B)/lib/libtwcore.so $(TW_CON_ATTACH_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -o $@ $(TW_CON_OBJS) $(TW_CON_LDLIBS)

# Symboliser unit test: a binary whose own line table is known (Criterion).
$(B)/tests/console/symbolize_test: tests/console/symbolize_test.c $(B)/obj/console/symbolize.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O0 -Iconsole -o $@ $^ -lcriterion -ldwarf -lelf

.PHONY: test-console
test-console: $(B)/bin/tw $(B)/tests/console/symbolize_test
	@$(B)/tests/console/symbolize_test
	@tests/console/run.sh
