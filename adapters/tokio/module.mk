# adapters/tokio — turbowish-tokio, a Rust crate: a tracing layer over tokio's own
# instrumentation, drop-in instrumented sync wrappers, and the tokio examples.
#
# Built offline from Debian's packaged crates only (.cargo/config.toml replaces crates.io with
# /usr/share/cargo/registry) with Debian's toolchain: CARGO and RUSTC are pinned to /usr/bin,
# because a newer rustup toolchain may come first on PATH and /usr/bin/cargo would otherwise
# call it. No Cargo.lock is committed (cargo writes one under the target dir's crate; gitignored).
DEBIAN_PKGS += cargo rustc librust-tokio-dev librust-tracing-dev librust-tracing-subscriber-dev librust-libc-dev librust-cc-dev

TOKIO_DIR := adapters/tokio
TOKIO_TARGET := $(abspath $(B))/tokio-target
TOKIO_EXAMPLES := tokio-deadlock tokio-channel-cycle tokio-server tokio-lock-across-await \
  tokio-blocking-in-task tokio-block-on-in-task
TOKIO_EX_BINS := $(addprefix $(B)/examples/,$(TOKIO_EXAMPLES))
TOKIO_STAMP := $(B)/tokio-target/.examples.stamp
TOKIO_SRC := $(shell find $(TOKIO_DIR) -name '*.rs' -o -name '*.toml' 2>/dev/null)
TOKIO_CARGO := cd $(TOKIO_DIR) && env -u RUSTUP_TOOLCHAIN CARGO=/usr/bin/cargo RUSTC=/usr/bin/rustc \
  RUSTDOC=/usr/bin/rustdoc RUSTFLAGS="--cfg tokio_unstable" CARGO_TARGET_DIR=$(TOKIO_TARGET) \
  TW_LIB_DIR=$(abspath $(B))/lib /usr/bin/cargo

ifneq ($(wildcard /usr/bin/cargo),)
ALL_TARGETS += $(TOKIO_EX_BINS)
BENCH_STEPS += bench-tokio
else
$(info adapters/tokio: /usr/bin/cargo missing, tokio adapter skipped (make deps installs it))
endif

$(TOKIO_STAMP): $(TOKIO_SRC) $(B)/lib/libturbowish.a
	@mkdir -p $(@D)
	$(TOKIO_CARGO) build --release --offline --examples
	@touch $@

$(TOKIO_EX_BINS): $(B)/examples/%: $(TOKIO_STAMP)
	@mkdir -p $(@D)
	cp -f $(TOKIO_TARGET)/release/examples/$* $@

.PHONY: bench-tokio
bench-tokio: $(TOKIO_STAMP)
	@mkdir -p $(B)/bench
	$(TOKIO_TARGET)/release/examples/tokio-bench > $(B)/bench/tokio.json
	@cat $(B)/bench/tokio.json
