# tests/uv — the libuv adapter: the uv-echo example under load from local clients, and a plain
# libuv program instrumented through LD_PRELOAD (TW_UV=1) that must behave the same.
ALL_TARGETS += $(B)/tests/uv/ticks $(B)/tests/uv/uv_stall
TEST_STEPS += test-uv

$(B)/tests/uv/ticks: tests/uv/progs/ticks.c
	@mkdir -p $(@D)
	$(CC) -g -O1 -Wall -o $@ $< -luv

$(B)/tests/uv/uv_stall: tests/uv/progs/uv_stall.c
	@mkdir -p $(@D)
	$(CC) -g -O1 -Wall -pthread -o $@ $< -luv

.PHONY: test-uv
test-uv: $(B)/tests/uv/ticks $(B)/tests/uv/uv_stall $(B)/examples/uv-echo $(B)/lib/libtw-uv.so $(B)/tests/pthread/regdump
	tests/uv/run.sh
