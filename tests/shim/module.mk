# tests/shim — Criterion unit tests of libturbowish, plus a build with the instrumentation
# compiled out that must still compile and link with no shim at all.
TEST_STEPS += test-shim
ALL_TARGETS += $(B)/tests/shim/test_shim $(B)/tests/shim/compiled_out

$(B)/tests/shim/test_shim: tests/shim/test_shim.c $(B)/lib/libturbowish.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -o $@ $< $(B)/lib/libturbowish.a -lcriterion -lpthread

# hello.c with -DTW_DISABLE_INSTRUMENTATION links without the shim: every call is gone.
$(B)/tests/shim/compiled_out: examples/hello.c include/turbowish.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -DTW_DISABLE_INSTRUMENTATION -o $@ $<

.PHONY: test-shim
test-shim: $(B)/tests/shim/test_shim $(B)/tests/shim/compiled_out
	env -u TW_DISABLE $(B)/tests/shim/test_shim --jobs 2
	@! nm $(B)/tests/shim/compiled_out | grep -q ' U tw_' || { echo "compiled_out still calls the shim"; exit 1; }

# The same tests against a shim built with AddressSanitizer + UndefinedBehaviorSanitizer, and
# with ThreadSanitizer (the seqlock and ordering tests run real concurrent writers/readers).
TEST_STEPS += test-shim-asan test-shim-tsan
$(B)/tests/shim/test_shim_asan: tests/shim/test_shim.c $(SHIM_SRC) shim/internal.h include/turbowish.h include/tw_region.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -o $@ tests/shim/test_shim.c $(SHIM_SRC) -lcriterion -lpthread

$(B)/tests/shim/stress_tsan: tests/shim/stress_tsan.c $(SHIM_SRC) shim/internal.h include/turbowish.h include/tw_region.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -Wno-tsan -O1 -fsanitize=thread -o $@ tests/shim/stress_tsan.c $(SHIM_SRC) -lpthread

.PHONY: test-shim-asan test-shim-tsan
test-shim-asan: $(B)/tests/shim/test_shim_asan
	env -u TW_DISABLE ASAN_OPTIONS=detect_leaks=1 $< --jobs 2

test-shim-tsan: $(B)/tests/shim/stress_tsan
	env -u TW_DISABLE TW_LOG_EVENTS=65536 TSAN_OPTIONS=halt_on_error=1 $<
	@# again with calling context: four threads intern the same blocking stack at once
	env -u TW_DISABLE TW_LOG_EVENTS=65536 TSAN_OPTIONS=halt_on_error=1 TW_BACKTRACE=fp $<
