# runtime/ — the reference runtime: build/lib/libtwrt.so (header include/twrt.h).
# Sibling calls are kept (-fno-optimize-sibling-calls) so a parked task's frame-pointer chain
# shows every function between its await and its entry.
TWRT_SRC := $(filter-out runtime/bench.c,$(wildcard runtime/*.c))
TWRT_ASM := $(wildcard runtime/*.S)
TWRT_OBJ := $(patsubst runtime/%.c,$(B)/obj/runtime/%.o,$(TWRT_SRC)) $(patsubst runtime/%.S,$(B)/obj/runtime/%.o,$(TWRT_ASM))
TWRT_CFLAGS := $(CFLAGS_BASE) -fno-optimize-sibling-calls -fvisibility=default
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

# `make bench`: per spawn, per yield (one poll) and per uncontended lock, instrumented vs
# TW_DISABLE=1 vs compiled out, in one run -> build/bench/runtime.json and one printed line.
BENCH_STEPS += bench-runtime
.PHONY: bench-runtime
TWRT_LIB_SRC := $(TWRT_SRC)

$(B)/bench/twrt-bench: runtime/bench.c include/twrt.h $(B)/lib/libtwrt.so
	@mkdir -p $(@D)
	$(CC) $(TWRT_CFLAGS) $< -o $@ -L$(B)/lib -ltwrt -lturbowish -lpthread -Wl,-rpath,'$$ORIGIN/../lib'

$(B)/bench/twrt-bench-off: runtime/bench.c $(TWRT_LIB_SRC) $(TWRT_ASM) $(TWRT_HDRS)
	@mkdir -p $(@D)
	$(CC) $(TWRT_CFLAGS) -DTW_DISABLE_INSTRUMENTATION runtime/bench.c $(TWRT_LIB_SRC) $(TWRT_ASM) -o $@ -lpthread

bench-runtime: $(B)/bench/twrt-bench $(B)/bench/twrt-bench-off
	@on=$$($(B)/bench/twrt-bench); off=$$(TW_DISABLE=1 $(B)/bench/twrt-bench); out=$$($(B)/bench/twrt-bench-off); \
	  echo "{\"instrumented\":$$on,\"tw_disable\":$$off,\"compiled_out\":$$out}" > $(B)/bench/runtime.json; \
	  echo "runtime bench (ns; instrumented / TW_DISABLE=1 / compiled out): $$on / $$off / $$out"
