# examples/ — one program per pitfall, each printing `tw-example: ready` once in its state.
# hello.c (the lead's) uses the raw API and links only libturbowish; the others use the runtime.
EX_RT_SRC := $(filter-out examples/hello.c,$(wildcard examples/*.c))
EX_RT_BIN := $(patsubst examples/%.c,$(B)/examples/%,$(EX_RT_SRC))
EX_CFLAGS := $(CFLAGS_BASE) -fno-optimize-sibling-calls -O1
EX_LDFLAGS := -L$(B)/lib -Wl,-rpath,'$$ORIGIN/../lib'

ALL_TARGETS += $(EX_RT_BIN) $(patsubst examples/%.c,$(B)/examples/%,$(wildcard examples/hello.c))

$(EX_RT_BIN): $(B)/examples/%: examples/%.c include/twrt.h include/turbowish.h $(B)/lib/libtwrt.so $(B)/lib/libturbowish.so
	@mkdir -p $(@D)
	$(CC) $(EX_CFLAGS) $< -o $@ $(EX_LDFLAGS) -ltwrt -lturbowish -lpthread

$(B)/examples/hello: examples/hello.c include/turbowish.h $(B)/lib/libturbowish.so
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $< -o $@ $(EX_LDFLAGS) -lturbowish -lpthread
