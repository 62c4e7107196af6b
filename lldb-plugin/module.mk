# lldb-plugin: native lldb `tw` command over libtwcore -> build/lib/turbowish-lldb.so
LLDBP_LLVM := /usr/lib/llvm-14
LLDBP_SRCS := $(wildcard lldb-plugin/*.cpp)
LLDBP_OBJS := $(patsubst lldb-plugin/%.cpp,$(B)/obj/lldb-plugin/%.o,$(LLDBP_SRCS))
LLDBP_SO := $(B)/lib/turbowish-lldb.so

# Built once libtwcore has a rule, so this module never breaks `make all` for everyone else.
ifneq ($(wildcard core/module.mk),)
ALL_TARGETS += $(LLDBP_SO)
endif
DEBIAN_PKGS += lldb lldb-14 liblldb-14-dev

$(B)/obj/lldb-plugin/%.o: lldb-plugin/%.cpp lldb-plugin/tw_lldb.h lldb-plugin/facts.h include/twcore.h include/tw_region.h
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_BASE) -fvisibility=hidden -fvisibility-inlines-hidden -isystem $(LLDBP_LLVM)/include -c $< -o $@

$(LLDBP_SO): $(LLDBP_OBJS) $(B)/lib/libtwcore.so
	@mkdir -p $(dir $@)
	$(CXX) -shared -o $@ $(LLDBP_OBJS) -L$(B)/lib -ltwcore -L$(LLDBP_LLVM)/lib -llldb \
	  -Wl,-rpath,'$$ORIGIN' -Wl,-rpath,'$$ORIGIN/../lib' -Wl,-rpath,'$(PREFIX)/lib' -pthread
