# TurboWish top-level build. Each part of the tree adds itself through its own module.mk:
#   LIBS/BINS/EXAMPLES += targets built by `make all`
#   TEST_STEPS += phony targets run by `make test` (tools/test-steps.sh: three at a time);
#     registered only in tests/AREA/module.mk, one per test folder
#   BENCH_STEPS += phony targets run by `make bench`
#   DEBIAN_PKGS += Debian packages `make deps` installs when missing
# Outputs go to build/ at the fixed paths of DESIGN.md.
SHELL := /bin/bash
CC ?= gcc
CXX ?= g++
B := build
PREFIX ?= /usr/local
DESTDIR ?=
CFLAGS_BASE := -std=gnu11 -g -O2 -Wall -Wextra -fno-omit-frame-pointer -fPIC -Iinclude
CXXFLAGS_BASE := -std=c++17 -g -O2 -Wall -Wextra -fno-omit-frame-pointer -fPIC -Iinclude
ALL_TARGETS :=
TEST_STEPS :=
BENCH_STEPS :=
DEBIAN_PKGS := build-essential gdb python3 pkg-config libcriterion-dev

.PHONY: all test demo bench install deps clean
all:

# The parts first, then the tests (tests/AREA/module.mk registers every test step), so that a
# test's rules may name any part's variables.
include $(sort $(filter-out tests/%,$(wildcard */module.mk */*/module.mk)))
include $(sort $(wildcard tests/*/module.mk))

all: $(ALL_TARGETS)

deps:
	@tools/deps.sh $(sort $(DEBIAN_PKGS))
	@tools/lldb-python-fix.sh   # offers the fix for Debian lldb-14's missing Python module (docs/lldb.md)

# Builds use every core; test steps run three at a time, longest first, each timed by
# tools/test-steps.sh (TW_TEST_LANES=1 runs them one after another).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@tools/test-steps.sh $(TEST_STEPS)

bench: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@mkdir -p $(B)/bench
	@$(MAKE) --no-print-directory $(BENCH_STEPS)
	@tools/bench-table.py $(B)/bench/results.json 2>/dev/null || cat $(B)/bench/results.json

demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@tools/demo.sh

install: all
	@tools/install.sh "$(DESTDIR)" "$(PREFIX)"

clean:
	rm -rf $(B)
