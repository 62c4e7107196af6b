# symbolize/ — libtwsym.a: the one ELF/DWARF symbolizer (libelf for ELF, libdwarf for lines),
# used by the console (`tw task ID` stacks) and by the attach-only collector (attach/).
DEBIAN_PKGS += libdwarf-dev libelf-dev zlib1g-dev

# Link line a program using build/lib/libtwsym.a must add after it.
TWSYM_LDLIBS := -ldwarf -lelf -lz

TWSYM_SRCS := $(wildcard symbolize/*.c)
TWSYM_OBJS := $(patsubst symbolize/%.c,$(B)/obj/symbolize/%.o,$(TWSYM_SRCS))
TWSYM_CFLAGS := $(CFLAGS_BASE) -Isymbolize -I/usr/include/libdwarf

ALL_TARGETS += $(B)/lib/libtwsym.a

$(B)/obj/symbolize/%.o: symbolize/%.c $(wildcard symbolize/*.h)
	@mkdir -p $(@D)
	$(CC) $(TWSYM_CFLAGS) -c $< -o $@

$(B)/lib/libtwsym.a: $(TWSYM_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
