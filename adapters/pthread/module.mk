# adapters/pthread — libtw-pthread.so, the LD_PRELOAD adapter (`tw run`): threads are tasks,
# mutexes, rwlocks, condvars, semaphores, barriers, joins and pipes are resources.
# It links the shim's shared library (not its archive): a program that is itself instrumented
# (links libturbowish) and runs under the preload then has one shim and one region, not two.
TWP_SRC := $(wildcard adapters/pthread/*.c)
TWP_OBJ := $(patsubst adapters/pthread/%.c,$(B)/obj/adapters/pthread/%.o,$(TWP_SRC))

ALL_TARGETS += $(B)/lib/libtw-pthread.so

$(B)/obj/adapters/pthread/%.o: adapters/pthread/%.c adapters/pthread/twp.h include/turbowish.h include/tw_region.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -D_GNU_SOURCE -fvisibility=hidden -c $< -o $@

$(B)/lib/libtw-pthread.so: $(TWP_OBJ) $(B)/lib/libturbowish.so
	@mkdir -p $(@D)
	$(CC) -shared -o $@ $(TWP_OBJ) -L$(B)/lib -lturbowish -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
