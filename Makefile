# The two commands are `make run` and `make test`; each sets up what it needs (virtual environment,
# packages, NLU model) and is quick the second time. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
MODEL := rasa_project/models/nlu.tar.gz
# The model the bot answers with; only `make promote` replaces it once it exists.
LIVE := rasa_project/models/live.tar.gz
# The settings `make run` reads (copy .env.example); tests point it elsewhere.
ENV_FILE := ./.env
NLU_SOURCES := rasa_project/config.yml rasa_project/domain.yml $(wildcard rasa_project/data/nlu/*.yml) \
	$(wildcard rasa_project/components/*.py)

# Rasa asks about telemetry on first use and TensorFlow is chatty; neither helps here.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0


.PHONY: help run test lint unit random validate compose train model promote evaluate bench lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: $(LIVE)  ## start the bot: Telegram if TELEGRAM_BOT_TOKEN is set (.env is read), else a chat
	@[ ! $(MODEL) -nt $(LIVE) ] || echo "Note: a newer trained model exists; 'make promote' puts it live."
	@set -a; [ ! -f "$(ENV_FILE)" ] || . "$(ENV_FILE)"; set +a; \
	if [ -n "$${TELEGRAM_BOT_TOKEN:-}" ]; then $(PY) -m bot run; else $(PY) -m bot chat; fi

# The live model too: every command in the README works right after `make test`.
test: lint validate compose $(MODEL) $(LIVE)  ## set up everything and run the whole test suite
	$(PY) -m pytest

lint: $(INSTALLED)  ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

unit: $(INSTALLED)  ## the fast tests: no trained model, no bot process, no emulator (seconds)
	$(PY) -m pytest -m "not model and not e2e"

random: $(MODEL) $(LIVE)  ## the whole test suite in random order (modules and tests; seed printed)
	$(PY) -m pytest --random-order-bucket=module

validate: $(INSTALLED)  ## rasa data validate
	scripts/validate-nlu.sh

compose:  ## validate docker-compose.yml (installs Debian's docker-compose if missing)
	scripts/check-compose.sh

model: $(MODEL)  ## train the NLU model if it is missing or older than its data/config

train: $(INSTALLED)  ## retrain the NLU model now, from scratch (no cached components)
	rm -rf $(MODEL) rasa_project/.rasa
	$(MAKE) model

$(MODEL): $(NLU_SOURCES) | $(INSTALLED)
	@# Rasa's cache keys a component by its class's source, not its module's functions
	@# (normalise() in components/soft_voting.py): after a code change, train without it.
	$(if $(filter %.py,$?),rm -rf rasa_project/.rasa)
	cd rasa_project && ../$(VENV)/bin/rasa train nlu --fixed-model-name nlu --out models --quiet

$(LIVE): | $(MODEL)
	@# The very first model goes live as it is: there is nothing to compare it with.
	cp $(MODEL) $(LIVE)

promote: $(MODEL)  ## put the trained model live if no language got worse (FORCE=1: anyway)
	$(PY) -m bot promote $(if $(FORCE),--force)

evaluate: $(MODEL)  ## held-out accuracy per language (trained model beside the live one), confusions
	$(PY) -m bot evaluate

bench: $(MODEL)  ## load time, latency, throughput, memory, training time, fair use
	$(PY) -m bot.lifecycle.bench
	$(PY) -m tests.bench_telegram
	$(PY) -m tests.bench_fair_use

$(INSTALLED): requirements.lock pyproject.toml
	python=$$(scripts/find-python.sh) && "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

lock: $(INSTALLED)  ## rewrite requirements.lock from the current environment
	{ sed -n '1,2p' requirements.lock; $(PY) -m pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:  ## remove the virtual environment, models and caches (not the database)
	rm -rf $(VENV) rasa_project/models rasa_project/.rasa .pytest_cache .mypy_cache .ruff_cache
