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
	$(BIN)/pip install -q "pipecat-ai[webrtc]==1.14.0" aiohttp==3.14.5 aiohappyeyeballs==2.7.1 aiosignal==1.4.0 \
		frozenlist==1.8.0 multidict==7.2.1 propcache==0.5.4 yarl==1.25.1 aiofiles==25.1.0 docstring_parser==0.18.0 \
		loguru==0.7.3 loudness==0.2.0 Markdown==3.11.3 num2words==0.5.14 docopt==0.6.2 openai==3.57.0 jiter==0.19.0 \
		python-dotenv==1.2.4 resampy==0.4.3 sentencex==1.0.32 soundfile==0.13.1 soxr==1.0.0 wait_for2==0.4.1
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
