# examples/cpp — C++ programs as C++ users write them (issue 22): no TurboWish API at all, so
# they are read attach-only or under `tw run`. Each is built the way users build: the plain name
# with g++ -O1 -g (the issue's build), and -O0 -g, -O2 -g and -O2 without -g variants, since
# inlining (std::lock_guard, std::mutex::lock) and missing DWARF change what a reader can name.
# cpp-waits needs C++20 (std::jthread, std::barrier, std::atomic<T>::wait); g++ 12 has it.
EX_CPP_PROGS := cpp-bank cpp-future cpp-waits
EX_CPP_CXXFLAGS := -Wall -Wextra -pthread
EX_CPP_STD = $(if $(filter cpp-waits,$(1)),-std=c++20,-std=c++17)
EX_CPP_BINS := $(foreach p,$(EX_CPP_PROGS),$(B)/examples/$(p) $(foreach v,-O0 -O2g -O2,$(B)/examples/$(p)$(v)))

ALL_TARGETS += $(EX_CPP_BINS)

# $(1) program, $(2) source stem, $(3) suffix, $(4) flags
define EX_CPP_RULE
$(B)/examples/$(1)$(3): examples/cpp/$(2).cpp examples/cpp/$(2).h examples/ready.h
	@mkdir -p $$(@D)
	$$(CXX) $(call EX_CPP_STD,$(1)) $$(EX_CPP_CXXFLAGS) $(4) $$< -o $$@
endef
$(foreach p,$(EX_CPP_PROGS),\
  $(eval $(call EX_CPP_RULE,$(p),$(patsubst cpp-%,%,$(p)),,-O1 -g))\
  $(eval $(call EX_CPP_RULE,$(p),$(patsubst cpp-%,%,$(p)),-O0,-O0 -g))\
  $(eval $(call EX_CPP_RULE,$(p),$(patsubst cpp-%,%,$(p)),-O2g,-O2 -g))\
  $(eval $(call EX_CPP_RULE,$(p),$(patsubst cpp-%,%,$(p)),-O2,-O2)))

# cpp-bank and cpp-future against clang's libc++ (issue 22, point 5), for tests/attach only: the
# packages cannot be installed beside libunwind-dev, so tools/libcxx.sh downloads and unpacks
# them under build/libcxx (no dpkg -i); when it cannot, build/libcxx/unavailable says why and
# these programs are not built. Not in `make all`: it needs the network once.
LIBCXX := $(B)/libcxx
LIBCXX_LIB := $(LIBCXX)/root/usr/lib/llvm-14/lib
EX_LIBCXX_BINS := $(B)/examples/cpp-bank-libcxx $(B)/examples/cpp-future-libcxx

$(LIBCXX)/stamp:
	@tools/libcxx.sh $(LIBCXX)

# libc++.so is a linker script naming -lunwind (libunwind-14-dev's, which is not unpacked): the
# libraries are named by path instead; the rpath finds them from the tree.
$(B)/examples/cpp-%-libcxx: examples/cpp/%.cpp examples/cpp/%.h examples/ready.h $(LIBCXX)/stamp
	@mkdir -p $(@D)
	@if [ -f $(LIBCXX)/unavailable ]; then rm -f $@; else \
	  echo "clang++-14 -stdlib=libc++ (unpacked) $< -o $@"; \
	  clang++-14 -std=c++17 -Wall -Wextra -pthread -O1 -g -nostdinc++ -isystem $(LIBCXX)/root/usr/lib/llvm-14/include/c++/v1 \
	    $< -o $@ -nostdlib++ $(LIBCXX_LIB)/libc++.so.1 $(LIBCXX_LIB)/libc++abi.so.1 -Wl,-rpath,$(abspath $(LIBCXX_LIB)); fi
