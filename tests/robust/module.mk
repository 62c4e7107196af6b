# tests/robust — issue 11 points 3-5: the shim under a concurrent reader (stress), a crash
# post-mortem from a kernel core, and never hurting the host (full tables, arena, rings,
# TW_LOG_EVENTS=0, a control area scribbled over by another process, fork, exec, exiting
# threads, signal handlers). Programs here link libturbowish; run.sh runs every t_*.sh.
TEST_STEPS += test-robust
ROBUST_BINS := $(patsubst tests/robust/%.c,$(B)/tests/robust/%,$(wildcard tests/robust/*.c))
ALL_TARGETS += $(ROBUST_BINS)

$(ROBUST_BINS): $(B)/tests/robust/%: tests/robust/%.c include/turbowish.h include/tw_region.h $(B)/lib/libturbowish.so
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $< -o $@ -L$(B)/lib -lturbowish -lpthread -Wl,-rpath,'$$ORIGIN/../../lib'

.PHONY: test-robust
test-robust: $(ROBUST_BINS) $(B)/bin/tw $(B)/examples/crash $(B)/share/gdb/turbowish.py $(B)/lib/turbowish-lldb.so
	@tests/robust/run.sh
