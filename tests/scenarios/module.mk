# tests/scenarios — the scripted scenarios (*.tws) that tools/tw-stream turns into snapshots.
TEST_STEPS += test-scenarios
# Every shipped scenario validates (undo every event, replay, compare); a copy with one task
# record's state changed behind the log's back is rejected with a line saying what is wrong.
.PHONY: test-scenarios
test-scenarios: $(SCENARIO_SNAPSHOTS) $(B)/bin/tw
	@for s in $(SCENARIO_SNAPSHOTS); do $(B)/bin/tw validate --file $$s >/dev/null || { echo "FAIL: $$s does not validate"; $(B)/bin/tw validate --file $$s; exit 1; }; done
	@python3 tools/corrupt-snapshot.py $(B)/scenarios/abba.tw $(B)/scenarios/abba-corrupt.tw.bad
	@out=$$($(B)/bin/tw validate --file $(B)/scenarios/abba-corrupt.tw.bad 2>&1); rc=$$?; \
	  if [ $$rc -ne 5 ] || ! echo "$$out" | grep -q "task"; then echo "FAIL: corrupted copy not rejected (exit $$rc): $$out"; exit 1; fi; \
	  echo "scenarios: $(words $(SCENARIO_SNAPSHOTS)) snapshots valid; corrupted copy rejected: $$(echo "$$out" | head -1)"
