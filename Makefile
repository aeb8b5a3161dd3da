# Two commands for a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.facetalk-installed

.PHONY: demo test bench setup clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml scripts/install_system_deps.sh
	bash scripts/install_system_deps.sh
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt -r requirements-dev.txt
	$(BIN)/pip install -q aiortc==1.16.0 aioice==0.13.0 pylibsrtp==1.0.0 pyee==13.0.1 google-crc32c==1.9.0 \
		cryptography==50.0.2 pyOpenSSL==26.4.0 dnspython==2.9.2 ifaddr==0.2.0
	$(BIN)/pip install -q "ray[client]==2.60.0" "grpcio==1.85.3"
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/facetalk render --image src/facetalk/data/astronaut.jpg \
		--text "Hello! I am an astronaut. I flew to space, and now this photo can talk." \
		-o demo.mp4 --motion-out demo.motion.jsonl --seed 0

test: $(STAMP)
	$(BIN)/python -m pytest -q
	bash scripts/check_wheel.sh $(BIN)/python

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_render.py

clean:
	rm -rf $(VENV) demo.mp4 demo.motion.jsonl
