# gridgraph — two commands on a fresh machine:
#   make serve   set up everything, start the local Neo4j (with demo data) and serve the API
#   make test    set up everything for the test instance (its own Neo4j) and run the tests

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The test instance: its own data folder and ports, so tests never touch what `serve` holds.
TEST_ENV := env -u NEO4J_URI -u NEO4J_USERNAME -u NEO4J_PASSWORD -u NEO4J_DATABASE \
	GRIDGRAPH_NEO4J_HOME=$(CURDIR)/.data/neo4j-test \
	GRIDGRAPH_NEO4J_BOLT_PORT=17687 GRIDGRAPH_NEO4J_HTTP_PORT=17474 \
	GRIDGRAPH_NEO4J_HEAP=$${GRIDGRAPH_TEST_NEO4J_HEAP:-768m} \
	GRIDGRAPH_NEO4J_PAGECACHE=$${GRIDGRAPH_TEST_NEO4J_PAGECACHE:-256m} \
	GRIDGRAPH_PORT=18000

.PHONY: serve test install neo4j-start neo4j-stop neo4j-status test-neo4j-stop lint format \
	schema bench reset clean fuzz

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (found " + sys.version.split()[0] + ")")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

serve: install
	$(BIN)/python -m core.graphiql
	GRIDGRAPH_DEV_MODE=true $(BIN)/gridgraph neo4j start
	$(BIN)/gridgraph db migrate
	@$(BIN)/python -c 'import commands.demo' 2>/dev/null && $(BIN)/gridgraph demo --if-empty || true
	@$(BIN)/python -m commands.banner
	GRIDGRAPH_DEV_MODE=true $(BIN)/gridgraph serve

test: install
	scripts/ensure-chromium
	$(BIN)/python -m core.graphiql
	$(TEST_ENV) $(BIN)/gridgraph neo4j start
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

# A long, random fuzz run (docs/security.md): FUZZ_EXAMPLES generated documents per test and role.
FUZZ_EXAMPLES ?= 2000
fuzz: install
	$(TEST_ENV) $(BIN)/gridgraph neo4j start
	$(TEST_ENV) GRIDGRAPH_FUZZ_RANDOM=1 GRIDGRAPH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(BIN)/pytest -q tests/security/test_fuzz.py

test-neo4j-stop: install
	$(TEST_ENV) $(BIN)/gridgraph neo4j stop

neo4j-start neo4j-stop neo4j-status: install
	$(BIN)/gridgraph neo4j $(subst neo4j-,,$@)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: install
	$(BIN)/python -m schema.export > schema.graphql

reset: install
	$(BIN)/gridgraph neo4j stop
	rm -rf .data/neo4j/data .data/neo4j/logs

clean:
	-$(TEST_ENV) $(BIN)/gridgraph neo4j stop
	-$(BIN)/gridgraph neo4j stop
	rm -rf $(VENV) .data
