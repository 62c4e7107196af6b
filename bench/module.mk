# bench/ — `make bench`: every figure with its peer, measured in the same run.
DEBIAN_PKGS += lttng-tools liblttng-ust-dev valgrind
# real servers and their load tools for bench/lines/field.sh (loopback only)
DEBIAN_PKGS += memcached libmemcached-tools redis-server redis-tools
BENCH_STEPS += bench-run
BENCH_BINS := $(B)/bench/event_bench $(B)/bench/event_bench_off $(B)/bench/lttng_bench

$(B)/bench/event_bench: bench/event_bench.c bench/measure.h $(B)/lib/libturbowish.so
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -o $@ $< -L$(B)/lib -lturbowish -Wl,-rpath,'$$ORIGIN/../lib' -lpthread

$(B)/bench/event_bench_off: bench/event_bench.c bench/measure.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -DTW_DISABLE_INSTRUMENTATION -o $@ $< -lpthread

$(B)/bench/lttng_bench: bench/lttng_bench.c bench/lttng_tp.h bench/measure.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -Ibench -o $@ $< -llttng-ust -ldl

.PHONY: bench-run bench-check

# Not part of `make test`: timings on a shared machine are noisy. Runnable by anyone.
bench-check:
	tools/bench-table.py --check $(B)/bench/results.json

# The runtime benchmark, linked with the runtime, and again built from the runtime's own
# sources with the instrumentation compiled out (no shim at all).
BENCH_BINS += $(B)/bench/runtime_bench $(B)/bench/runtime_bench_off
$(B)/bench/runtime_bench: bench/runtime_bench.c bench/measure.h $(B)/lib/libtwrt.so
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -o $@ $< -L$(B)/lib -ltwrt -lturbowish -Wl,-rpath,'$$ORIGIN/../lib' -lpthread

# built by `make all` (so by `make test`) too: the runtime compiled without instrumentation is a
# build users make, and only this binary compiles it
ALL_TARGETS += $(B)/bench/runtime_bench_off
$(B)/bench/runtime_bench_off: bench/runtime_bench.c bench/measure.h $(TWRT_SRC) $(TWRT_ASM)
	@mkdir -p $(@D)
	$(CC) $(TWRT_CFLAGS) -DTW_DISABLE_INSTRUMENTATION -o $@ $< $(TWRT_SRC) $(TWRT_ASM) -lpthread

BENCH_BINS += $(B)/bench/big_region
$(B)/bench/big_region: bench/big_region.c $(B)/lib/libturbowish.so
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -o $@ $< -L$(B)/lib -lturbowish -Wl,-rpath,'$$ORIGIN/../lib'

# A plain pthread program (no shim linked): bench/lines/pthread.sh runs it bare, under the
# pthread adapter and under helgrind, for the adapter's cost on an uncontended lock pair.
BENCH_BINS += $(B)/bench/pthread_bench
$(B)/bench/pthread_bench: bench/pthread_bench.c bench/measure.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -o $@ $< -ldl -lpthread

# A blocking-class call that returns at once, made by the program or through a library
# (bench/lines/pthread.sh): what finding the program's frame behind a library costs a wait.
BENCH_BINS += $(B)/bench/wait_bench
$(B)/bench/libtwbenchvia.so: bench/wait_via.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -shared -o $@ $<
$(B)/bench/wait_bench: bench/wait_bench.c bench/measure.h $(B)/bench/libtwbenchvia.so
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -o $@ $< -L$(B)/bench -ltwbenchvia -Wl,-rpath,'$$ORIGIN' -ldl

# Last in this file: a prerequisite list is expanded when its rule is read, so bench-run placed
# above the BENCH_BINS += lines would not build them (a fresh tree then skipped whole lines).
bench-run: $(BENCH_BINS)
	B=$(B) bench/run.sh
