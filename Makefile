# Two commands a newcomer needs: `make demo` and `make test`. Both build the environment first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SAGE_LOOKER_HOME ?= $(CURDIR)/.sage_looker
export DAGSTER_HOME ?= $(SAGE_LOOKER_HOME)/dagster_home
# One planned event per asset for range runs (sage_looker/defs/sage300/failed_partitions.py says what it costs).
export DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS ?= 1

.PHONY: install demo test test-long ui bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
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
	@mkdir -p $(DAGSTER_HOME) && cp -n sage_looker/dagster.yaml $(DAGSTER_HOME)/dagster.yaml 2>/dev/null || true
	$(BIN)/dagster dev -w workspace.yaml

# bench_peer (issue 15's goals P1-P7 beside dlt and the parse floor) needs the `bench` extra (dlt); it supersedes
# bench_platform (sync vs bare client, one partition vs a no-op run), which stays runnable by hand.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	for b in bench_client bench_warehouse bench_postgres bench_peer; do $(BIN)/python -m benchmarks.$$b || exit 1; done

clean:
	rm -rf $(VENV) .sage_looker .pytest_cache
