# tests/healthy — busy programs that never hang, sampled while they run: no frontend may ever
# call one of them certainly deadlocked (DESIGN.md, "Certain means proven"). `make test` runs
# test-healthy; `make soak` runs the same cases ten times as often (not part of make test).
#   progs/*.c    plain pthread programs, run under `tw run` and attach-only
#   runtime/*.c  reference-runtime programs (channels, select, notify)
#   uv/*.c       a plain libuv program, instrumented through LD_PRELOAD + TW_UV=1
#   tokio-healthy (adapters/tokio/examples) when cargo is here
HEALTHY_PT := $(patsubst tests/healthy/progs/%.c,$(B)/tests/healthy/%,$(wildcard tests/healthy/progs/*.c))
HEALTHY_RT := $(patsubst tests/healthy/runtime/%.c,$(B)/tests/healthy/%,$(wildcard tests/healthy/runtime/*.c))
HEALTHY_UV := $(B)/tests/healthy/uv_busy
HEALTHY_BINS := $(HEALTHY_PT) $(HEALTHY_RT) $(HEALTHY_UV)
ifneq ($(wildcard /usr/bin/cargo),)
HEALTHY_BINS += $(B)/tests/healthy/tokio-healthy
endif
ALL_TARGETS += $(HEALTHY_BINS)
# Their thread functions loop forever, and gcc 12 still asks a static one for a return value.
HEALTHY_CFLAGS := -g -O1 -Wall -Wno-return-type
TEST_STEPS += test-healthy

$(HEALTHY_PT): $(B)/tests/healthy/%: tests/healthy/progs/%.c tests/healthy/progs/healthy.h tests/pthread/progs/ready.h
	@mkdir -p $(@D)
	$(CC) $(HEALTHY_CFLAGS) -pthread -Itests/pthread/progs -o $@ $<

$(HEALTHY_RT): $(B)/tests/healthy/%: tests/healthy/runtime/%.c include/twrt.h $(B)/lib/libtwrt.so $(B)/lib/libturbowish.so
	@mkdir -p $(@D)
	$(CC) $(EX_CFLAGS) -Wno-return-type -Iexamples $< -o $@ -L$(B)/lib -Wl,-rpath,'$$ORIGIN/../../lib' -ltwrt -lturbowish -lpthread

$(HEALTHY_UV): tests/healthy/uv/uv_busy.c
	@mkdir -p $(@D)
	$(CC) $(HEALTHY_CFLAGS) -o $@ $< -luv -lpthread

$(B)/tests/healthy/tokio-healthy: $(TOKIO_STAMP)
	@mkdir -p $(@D)
	cp -f $(TOKIO_TARGET)/release/examples/tokio-healthy $@

HEALTHY_NEEDS := $(HEALTHY_BINS) $(B)/examples/deadlock $(B)/bin/tw $(B)/lib/libtw-pthread.so $(B)/lib/libtw-uv.so \
  $(B)/share/gdb/turbowish.py $(B)/lib/turbowish-lldb.so

.PHONY: test-healthy soak
test-healthy: $(HEALTHY_NEEDS)
	tests/healthy/run.sh

soak: $(HEALTHY_NEEDS)
	HEALTHY_SCALE=10 tests/healthy/run.sh
