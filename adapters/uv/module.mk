# adapters/uv — libtw-uv.so: TurboWish for libuv programs (tw_uv.h: tw_uv_instrument(loop)),
# linked before -luv (or LD_PRELOAD'ed with TW_UV=1); and the uv-echo example.
# It reuses the pthread adapter's call-site and ELF-symbol code (compiled in, hidden).
DEBIAN_PKGS += libuv1-dev
TWUV_SRC := $(wildcard adapters/uv/*.c)
TWUV_OBJ := $(patsubst adapters/uv/%.c,$(B)/obj/adapters/uv/%.o,$(TWUV_SRC)) \
            $(patsubst adapters/pthread/%.c,$(B)/obj/adapters/uv/pt_%.o,adapters/pthread/sites.c adapters/pthread/outer.c adapters/pthread/symbols.c adapters/pthread/lines.c adapters/pthread/dwarf_type.c adapters/pthread/fmt.c)
TWUV_CFLAGS := $(CFLAGS_BASE) -D_GNU_SOURCE -fvisibility=hidden -Iadapters/uv

ALL_TARGETS += $(B)/lib/libtw-uv.so $(B)/examples/uv-echo

$(B)/obj/adapters/uv/%.o: adapters/uv/%.c adapters/uv/twuv.h adapters/uv/tw_uv.h include/turbowish.h
	@mkdir -p $(@D)
	$(CC) $(TWUV_CFLAGS) -c $< -o $@

$(B)/obj/adapters/uv/pt_%.o: adapters/pthread/%.c adapters/pthread/twp.h include/turbowish.h
	@mkdir -p $(@D)
	$(CC) $(TWUV_CFLAGS) -c $< -o $@

$(B)/lib/libtw-uv.so: $(TWUV_OBJ) $(B)/lib/libturbowish.so
	@mkdir -p $(@D)
	$(CC) -shared -o $@ $(TWUV_OBJ) -L$(B)/lib -lturbowish -luv -ldl -Wl,-rpath,'$$ORIGIN'

# -ltw-uv before -luv: its uv_timer_start, uv_write, ... stand in front of libuv's
$(B)/examples/uv-echo: adapters/uv/examples/uv-echo.c adapters/uv/tw_uv.h $(B)/lib/libtw-uv.so
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -fno-optimize-sibling-calls -Iadapters/uv $< -o $@ -L$(B)/lib -ltw-uv -luv -Wl,-rpath,'$$ORIGIN/../lib'
