# shim/ — libturbowish, the only code that runs inside the application.
SHIM_SRC := $(wildcard shim/*.c)
SHIM_PIC_OBJ := $(patsubst shim/%.c,$(B)/obj/shim/%.pic.o,$(SHIM_SRC))
SHIM_CFLAGS := $(CFLAGS_BASE) -fvisibility=default -fno-semantic-interposition

ALL_TARGETS += $(B)/lib/libturbowish.so $(B)/lib/libturbowish.a $(B)/lib/pkgconfig/turbowish.pc

$(B)/obj/shim/%.pic.o: shim/%.c shim/internal.h include/turbowish.h include/tw_region.h
	@mkdir -p $(@D)
	$(CC) $(SHIM_CFLAGS) -c $< -o $@

$(B)/lib/libturbowish.so: $(SHIM_PIC_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared -o $@ $^ -Wl,-Bsymbolic-functions -lpthread

# The archive is PIC too, so an LD_PRELOAD adapter can embed it.
$(B)/lib/libturbowish.a: $(SHIM_PIC_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(B)/lib/pkgconfig/turbowish.pc: shim/turbowish.pc.in
	@mkdir -p $(@D)
	sed 's|@PREFIX@|$(PREFIX)|g' $< > $@
