# tests/core — Criterion tests of libtwcore over regions built in memory (region_builder.c)
# and the scenario snapshots.
TEST_STEPS += test-core
TEST_CORE_SRCS := $(wildcard tests/core/*.c)
$(B)/tests/core/test-core: $(TEST_CORE_SRCS) tests/core/region_builder.h $(B)/lib/libtwcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -Icore -o $@ $(TEST_CORE_SRCS) $(B)/lib/libtwcore.a $(CORE_LIBS) -lcriterion -ldl

.PHONY: test-core
test-core: $(B)/tests/core/test-core
	$(B)/tests/core/test-core --jobs 4
