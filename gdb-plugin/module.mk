# gdb-plugin: the `tw` gdb command (Python + ctypes over libtwcore).
# build/share/gdb/turbowish.py loads build/share/gdb/turbowish_gdb/*.py and finds
# libtwcore at ../../lib/libtwcore.so relative to itself (the same under PREFIX).
GDB_PLUGIN_PY := $(sort $(wildcard gdb-plugin/turbowish_gdb/*.py))
GDB_PLUGIN_OUT := $(B)/share/gdb/turbowish.py $(patsubst gdb-plugin/%,$(B)/share/gdb/%,$(GDB_PLUGIN_PY))
ALL_TARGETS += $(GDB_PLUGIN_OUT)

$(GDB_PLUGIN_OUT): $(B)/share/gdb/%: gdb-plugin/%
	@mkdir -p $(dir $@)
	@python3 -c 'import ast,sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' $<
	cp $< $@
