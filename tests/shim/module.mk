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
