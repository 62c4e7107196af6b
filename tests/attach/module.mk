# tests/attach — the attach-only collector and the core-file reader: Criterion tests over
# fixture cores, then tests/attach/t_*.sh against hanging uninstrumented programs.
TEST_STEPS += test-attach
$(B)/tests/attach/test_core: tests/attach/test_core.c $(TWATTACH_ARCHIVES) $(B)/lib/libtwcore.a
	@mkdir -p $(@D)
	$(CC) $(TWATTACH_CFLAGS) $< $(B)/lib/libtwattach.a $(B)/lib/libtwcore.a $(TWATTACH_LDLIBS) $(CORE_LIBS) -lcriterion -o $@

$(B)/tests/attach/twa_dump: tests/attach/twa_dump.c $(TWATTACH_ARCHIVES) $(B)/lib/libtwcore.a
	@mkdir -p $(@D)
	$(CC) $(TWATTACH_CFLAGS) $< $(B)/lib/libtwattach.a $(B)/lib/libtwcore.a $(TWATTACH_LDLIBS) $(CORE_LIBS) -o $@

.PHONY: test-attach
test-attach: $(B)/tests/attach/test_core $(B)/tests/attach/twa_dump $(EX_CPP_BINS) $(EX_LIBCXX_BINS)
	@tests/attach/run.sh
