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
test-pthread: $(EX_CPP_BINS) $(TWPT_PROGS) $(B)/tests/pthread/lib_waits-nodebug $(B)/tests/pthread/lib_waits-stripped $(B)/tests/pthread/regdump $(B)/lib/libtw-pthread.so
	tests/pthread/run.sh

# lib_waits blocks through a library of its own (tests/pthread/helper), built with and without
# debug information and stripped to its exported symbols: await sites are the program's frame,
# file:line, function name, or place and the first named caller.
TWPT_HELPER := $(B)/tests/pthread/libtwtesthelper.so
ALL_TARGETS += $(TWPT_HELPER) $(B)/tests/pthread/lib_waits-nodebug $(B)/tests/pthread/lib_waits-stripped
$(TWPT_HELPER): tests/pthread/helper/waits_helper.c
	@mkdir -p $(@D)
	$(CC) -O1 -Wall -shared -fPIC -s -o $@ $<
$(B)/tests/pthread/lib_waits: tests/pthread/progs/lib_waits.c tests/pthread/progs/ready.h $(TWPT_HELPER)
	@mkdir -p $(@D)
	$(CC) -g -O1 -Wall -pthread -o $@ $< -L$(B)/tests/pthread -ltwtesthelper -Wl,-rpath,'$$ORIGIN'
$(B)/tests/pthread/lib_waits-nodebug: tests/pthread/progs/lib_waits.c tests/pthread/progs/ready.h $(TWPT_HELPER)
	@mkdir -p $(@D)
	$(CC) -O1 -Wall -pthread -o $@ $< -L$(B)/tests/pthread -ltwtesthelper -Wl,-rpath,'$$ORIGIN'
$(B)/tests/pthread/lib_waits-stripped: tests/pthread/progs/lib_waits.c tests/pthread/progs/ready.h $(TWPT_HELPER)
	@mkdir -p $(@D)
	$(CC) -O1 -Wall -pthread -s -rdynamic -o $@ $< -L$(B)/tests/pthread -ltwtesthelper -Wl,-rpath,'$$ORIGIN'

# tests/pthread/rt: programs of the reference runtime run under the adapter (t_migrating_lock.sh)
TWPT_RT_PROGS := $(patsubst tests/pthread/rt/%.c,$(B)/tests/pthread/rt/%,$(wildcard tests/pthread/rt/*.c))
ALL_TARGETS += $(TWPT_RT_PROGS)
$(B)/tests/pthread/rt/%: tests/pthread/rt/%.c include/twrt.h $(B)/lib/libtwrt.so $(B)/lib/libturbowish.so
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $< -o $@ -L$(B)/lib -ltwrt -lturbowish -lpthread -Wl,-rpath,'$$ORIGIN/../../../lib'
test-pthread: $(TWPT_RT_PROGS)
