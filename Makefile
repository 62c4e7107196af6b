# TurboWish top-level build. Each part of the tree adds itself through its own module.mk:
#   LIBS/BINS/EXAMPLES += targets built by `make all`
#   TEST_STEPS += phony targets run in order by `make test`
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

include $(sort $(wildcard */module.mk */*/module.mk))

all: $(ALL_TARGETS)

deps:
	@tools/deps.sh $(sort $(DEBIAN_PKGS))

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -k $(TEST_STEPS) ; rc=$$?; \
	  if [ $$rc -eq 0 ]; then echo "make test: all test steps passed"; else echo "make test: FAILED"; fi; exit $$rc

bench: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(B)/bench
	@$(MAKE) --no-print-directory $(BENCH_STEPS)
	@tools/bench-table.py $(B)/bench/results.json 2>/dev/null || cat $(B)/bench/results.json

demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo.sh

install: all
	@tools/install.sh "$(DESTDIR)" "$(PREFIX)"

clean:
	rm -rf $(B)
