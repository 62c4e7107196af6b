# tools/ — the deterministic scenario streamer and the snapshots it makes of tests/scenarios.
# The streamer links its own copy of the shim built with a settable clock (TW_FAKE_CLOCK).
FAKE_SHIM_OBJ := $(patsubst shim/%.c,$(B)/obj/shim-fake/%.o,$(SHIM_SRC))
SCENARIOS := $(wildcard tests/scenarios/*.tws)
SCENARIO_SNAPSHOTS := $(patsubst tests/scenarios/%.tws,$(B)/scenarios/%.tw,$(SCENARIOS))

ALL_TARGETS += $(B)/bin/tw-stream $(SCENARIO_SNAPSHOTS)

$(B)/obj/shim-fake/%.o: shim/%.c shim/internal.h include/turbowish.h include/tw_region.h
	@mkdir -p $(@D)
	$(CC) $(SHIM_CFLAGS) -DTW_FAKE_CLOCK -c $< -o $@

$(B)/lib/libturbowish-fake.a: $(FAKE_SHIM_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(B)/bin/tw-stream: tools/tw-stream.c $(B)/lib/libturbowish-fake.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -o $@ $< $(B)/lib/libturbowish-fake.a -lpthread

# Sizes are pinned small so snapshots do not depend on the caller's environment.
$(B)/scenarios/%.tw: tests/scenarios/%.tws $(B)/bin/tw-stream
	@mkdir -p $(@D)
	env -u TW_DISABLE TW_LOG_EVENTS=256 TW_MAX_TASKS=64 TW_MAX_RESOURCES=64 TW_MAX_THREADS=8 TW_MAX_SITES=256 TW_MAX_STACKS=16 TW_STRINGS_BYTES=16384 $(B)/bin/tw-stream $< -o $@
