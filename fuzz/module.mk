# fuzz/ — libFuzzer over libtwcore's decode + every analysis + every renderer.
#   make fuzz FUZZ_SECONDS=600     a long run (default 60 s)
# `make test` runs a short run (FUZZ_TEST_SECONDS, default 45 s) and replays tests/corpus/,
# where every input that ever crashed it is kept as a regression test.
DEBIAN_PKGS += clang-14 libclang-rt-14-dev
FUZZ_SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 45
FUZZ_CC := clang-14
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude -Icore -std=gnu11
.PHONY: fuzz

$(B)/fuzz/fuzz_region: fuzz/fuzz_region.c $(CORE_SRCS) core/internal.h include/twcore.h include/tw_region.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ fuzz/fuzz_region.c $(CORE_SRCS) $(CORE_LIBS)

# The corpus starts from the scenario snapshots; libFuzzer adds what it finds to build/fuzz/corpus.
$(B)/fuzz/corpus/.seeded: $(SCENARIO_SNAPSHOTS)
	@mkdir -p $(@D)
	cp $(SCENARIO_SNAPSHOTS) $(@D)/ && touch $@

fuzz: $(B)/fuzz/fuzz_region $(B)/fuzz/corpus/.seeded
	$(B)/fuzz/fuzz_region -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
	  -artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus tests/corpus
