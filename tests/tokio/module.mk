# tests/tokio — the tokio adapter's own cargo tests, then tests/tokio/run.sh against its
# examples and tests/tokio/blocking_in_poll.sh (blocking calls inside a poll); only where
# Debian's cargo is installed (make deps installs it).
ifneq ($(wildcard /usr/bin/cargo),)
TEST_STEPS += test-tokio
endif
.PHONY: test-tokio
test-tokio: $(TOKIO_EX_BINS)
	$(TOKIO_CARGO) test --release --offline
	tests/tokio/run.sh
	tests/tokio/blocking_in_poll.sh
