# runtime/ — the reference runtime: build/lib/libtwrt.so (header include/twrt.h).
# Sibling calls are kept (-fno-optimize-sibling-calls) so a parked task's frame-pointer chain
# shows every function between its await and its entry. -fno-semantic-interposition: the
# runtime's calls to its own functions (twrt__current on every lock and channel operation) go
# straight to them instead of through the PLT; nothing interposes the runtime's internals.
TWRT_SRC := $(wildcard runtime/*.c)
TWRT_ASM := $(wildcard runtime/*.S)
TWRT_OBJ := $(patsubst runtime/%.c,$(B)/obj/runtime/%.o,$(TWRT_SRC)) $(patsubst runtime/%.S,$(B)/obj/runtime/%.o,$(TWRT_ASM))
TWRT_CFLAGS := $(CFLAGS_BASE) -fno-optimize-sibling-calls -fvisibility=default -fno-semantic-interposition
TWRT_HDRS := include/twrt.h include/turbowish.h include/tw_region.h $(wildcard runtime/*.h)

ALL_TARGETS += $(B)/lib/libtwrt.so

$(B)/obj/runtime/%.o: runtime/%.c $(TWRT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(TWRT_CFLAGS) -c $< -o $@

$(B)/obj/runtime/%.o: runtime/%.S
	@mkdir -p $(@D)
	$(CC) $(TWRT_CFLAGS) -c $< -o $@

$(B)/lib/libtwrt.so: $(TWRT_OBJ) $(B)/lib/libturbowish.so
	@mkdir -p $(@D)
	$(CC) -shared -o $@ $(TWRT_OBJ) -L$(B)/lib -lturbowish -Wl,-rpath,'$$ORIGIN' -lpthread

# The runtime's lines of `make bench` (spawn, yield/poll, ping-pong, uncontended lock; on /
# TW_DISABLE=1 / compiled out) are bench/runtime_bench.c, run by bench/lines/runtime.sh.
