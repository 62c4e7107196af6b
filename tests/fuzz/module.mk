# tests/fuzz — `make test`'s short fuzz run of libtwcore (fuzz/fuzz_region.c): replays
# tests/corpus (every input that ever crashed it), then FUZZ_TEST_SECONDS of new inputs.
TEST_STEPS += test-fuzz
.PHONY: test-fuzz
test-fuzz: $(B)/fuzz/fuzz_region $(B)/fuzz/corpus/.seeded
	@echo "fuzz: replaying tests/corpus (every input that ever crashed libtwcore)"
	$(B)/fuzz/fuzz_region -runs=0 tests/corpus
	$(B)/fuzz/fuzz_region -max_total_time=$(FUZZ_TEST_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
	  -print_final_stats=1 -artifact_prefix=$(B)/fuzz/ $(B)/fuzz/corpus 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|crash-|Done' ; \
	  test $${PIPESTATUS[0]} -eq 0
