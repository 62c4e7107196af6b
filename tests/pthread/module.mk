# tests/pthread — the pthread LD_PRELOAD adapter on small unmodified pthread programs
# (tests/pthread/progs/*.c, built without any TurboWish header or library).
TWPT_PROGS := $(patsubst tests/pthread/progs/%.c,$(B)/tests/pthread/%,$(wildcard tests/pthread/progs/*.c))
ALL_TARGETS += $(TWPT_PROGS) $(B)/tests/pthread/regdump
TEST_STEPS += test-pthread

$(B)/tests/pthread/%: tests/pthread/progs/%.c tests/pthread/progs/ready.h
	@mkdir -p $(@D)
	$(CC) -g -O1 -Wall -pthread -o $@ $<

$(B)/tests/pthread/regdump: tests/pthread/regdump.c include/tw_region.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -o $@ $<

.PHONY: test-pthread
test-pthread: $(TWPT_PROGS) $(B)/tests/pthread/regdump $(B)/lib/libtw-pthread.so
	tests/pthread/run.sh
