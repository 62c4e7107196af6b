# tests/runtime/ — the runtime's tests, run by `make test` through test-runtime:
#   1. Criterion unit tests of every primitive (build/tests/runtime/unit);
#   2. the stress program built with -fsanitize=thread from the runtime AND shim sources
#      (build/tsan/stress): 2 workers, 3,000 tasks; fails on any TSan report
#      (reports inside shim/ are printed and counted: they belong to the shim);
#   3. examples.sh: every example reaches ready, its model shows its waits and holds, and its
#      snapshot validates when build/bin/tw can snapshot and validate.
TWRT_TEST_SRC := $(wildcard tests/runtime/test_*.c)
TEST_STEPS += test-runtime
.PHONY: test-runtime

$(B)/tests/runtime/unit: $(TWRT_TEST_SRC) include/twrt.h $(B)/lib/libtwrt.so
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(TWRT_TEST_SRC) -o $@ -L$(B)/lib -ltwrt -lturbowish -lcriterion -lpthread -Wl,-rpath,'$$ORIGIN/../../lib'

$(B)/tests/runtime/inspect: tests/runtime/inspect.c include/tw_region.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $< -o $@

$(B)/tsan/stress: tests/runtime/stress.c $(wildcard runtime/*.c runtime/*.S runtime/*.h shim/*.c shim/*.h) include/twrt.h include/turbowish.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -g -O1 -fno-omit-frame-pointer -fno-optimize-sibling-calls -fsanitize=thread -w -Iinclude -Ishim \
	  $(filter-out runtime/bench.c,$(wildcard runtime/*.c)) $(wildcard runtime/*.S) $(wildcard shim/*.c) tests/runtime/stress.c -o $@ -lpthread

test-runtime: $(B)/tests/runtime/unit $(B)/tests/runtime/inspect $(B)/tsan/stress
	@echo "== runtime: unit tests"
	@$(B)/tests/runtime/unit --jobs 2
	@echo "== runtime: TSan stress (2 workers, 3000 tasks in waves of 250)"
	@TSAN_OPTIONS="halt_on_error=0" STRESS_TASKS=3000 STRESS_ROUNDS=5 STRESS_WAVE=250 \
	  timeout 600 $(B)/tsan/stress >$(B)/tsan/stress.log 2>&1; rc=$$?; \
	  tail -1 $(B)/tsan/stress.log; \
	  reports=$$(grep -c 'SUMMARY: ThreadSanitizer' $(B)/tsan/stress.log); \
	  grep -q ': ok$$' $(B)/tsan/stress.log || { echo "FAIL: stress did not finish ok (rc $$rc)"; exit 1; }; \
	  [ $$reports -eq 0 ] || { echo "FAIL: $$reports TSan report(s)"; grep 'SUMMARY: ThreadSanitizer' $(B)/tsan/stress.log; exit 1; }; \
	  echo "TSan: no report in the runtime or the shim"
	@echo "== runtime: examples"
	@tests/runtime/examples.sh
