# Two commands a newcomer needs: `make demo` and `make test`. Both build the environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SAGE_LOOKER_HOME ?= $(CURDIR)/.sage_looker
export DAGSTER_HOME ?= $(SAGE_LOOKER_HOME)/dagster_home
# One planned event per asset for range runs (sage_looker/defs/sage300/failed_partitions.py says what it costs).
export DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS ?= 1
# A range run's materializations reach the event log in batches of up to 1000, one transaction each
# (sage_looker/defs/event_log_storage.py; the same default as `sage-looker`).
export DAGSTER_EVENT_BATCH_SIZE ?= 1000

.PHONY: install demo test test-long ui bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	@bash scripts/pip_install.sh $(VENV) --upgrade pip
	@bash scripts/pip_install.sh $(VENV) -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/sage-looker demo

test: $(STAMP)
	bash scripts/test.sh

# Long fault and soak runs (hypothesis examples, crash points) that CI keeps short.
test-long: $(STAMP)
	SAGE_LOOKER_LONG=1 bash scripts/test.sh

ui: $(STAMP)
	@$(BIN)/python -m sage_looker.defs.instance_yaml $(DAGSTER_HOME)
	$(BIN)/dagster dev -w workspace.yaml

# bench_peer (issue 15's goals P1-P7 beside dlt and the parse floor) needs the `bench` extra (dlt); it supersedes
# bench_platform (sync vs bare client, one partition vs a no-op run), which stays runnable by hand.
bench: $(STAMP)
	@bash scripts/pip_install.sh $(VENV) -e ".[dev,bench]"
	for b in bench_client bench_warehouse bench_postgres bench_event_log bench_peer; do $(BIN)/python -m benchmarks.$$b || exit 1; done

clean:
	rm -rf $(VENV) .sage_looker .pytest_cache
