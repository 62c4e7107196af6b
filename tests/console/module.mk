# tests/console — the `tw` program against real examples, live and on cores (t_*.sh), and the
# symbolizer's unit test.
TEST_STEPS += test-console
# Symbolizer unit test: a binary whose own line table is known, and hostile object files
# (Criterion).
$(B)/tests/console/symbolize_test: tests/console/symbolize_test.c $(B)/lib/libtwsym.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O0 -Isymbolize -o $@ $< $(B)/lib/libtwsym.a $(TWSYM_LDLIBS) -lcriterion

.PHONY: test-console
test-console: $(B)/bin/tw $(B)/tests/console/symbolize_test
	@$(B)/tests/console/symbolize_test
	@tests/console/run.sh
