# tests/lldb — real `lldb -b` with the native plugin, live and on cores, compared with gdb and
# the console (tests/lldb/t_*.sh, run by run.sh).
TEST_STEPS += test-lldb
.PHONY: test-lldb
test-lldb: $(LLDBP_SO) $(EX_CPP_BINS)
	@tests/lldb/run.sh
