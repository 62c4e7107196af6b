# tests/gdb — real `gdb -batch` against the examples, attach-only programs and their cores
# (tests/gdb/t_*.sh, run by run.sh).
TEST_STEPS += test-gdb
.PHONY: test-gdb
test-gdb: $(GDB_PLUGIN_OUT) $(EX_CPP_BINS)
	@tests/gdb/run.sh
