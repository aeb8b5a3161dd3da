#!/usr/bin/env bash
# The package as users install it: build the wheel, install it (with its declared dependencies,
# from the package index) into a fresh virtual environment outside the source tree, and render
# the bundled sample with the installed `facetalk` command. `make test` runs this after the tests.
#   bash scripts/check_wheel.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-python3}"
WORK="$(mktemp -d /tmp/facetalk-wheel.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

quiet() {  # pip's own chatter only when it fails
    "$@" >"$WORK/log" 2>&1 || { cat "$WORK/log"; exit 1; }
}
# Built from a copy of what git would commit (tracked and new, unignored files): no stale build/.
mkdir "$WORK/tree"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$WORK/tree" 2>/dev/null || true
quiet "$PY" -m pip wheel --no-deps --no-build-isolation -w "$WORK/dist" "$WORK/tree"
WHEEL="$(ls "$WORK"/dist/facetalk-*.whl)"
"$PY" - "$WHEEL" <<'EOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = {"facetalk/data/lipsync.onnx", "facetalk/data/models/face_landmark_with_attention.onnx",
        "facetalk/data/models/LICENSE-Apache-2.0.txt", "facetalk/data/models/NOTICE.txt"}
missing = sorted(need - names)
sys.exit(f"wheel check: the wheel lacks {missing}") if missing else print("wheel check: the models ship with their licence")
EOF
"$PY" -m venv "$WORK/venv"
quiet "$WORK/venv/bin/pip" install --upgrade pip
quiet "$WORK/venv/bin/pip" install "$WHEEL"

cd "$WORK"  # away from the source tree: only the installed package can be imported
"$WORK/venv/bin/facetalk" --version
SAMPLE="$("$WORK/venv/bin/python" -c 'from importlib import resources; print(resources.files("facetalk.data") / "astronaut.jpg")')"
"$WORK/venv/bin/facetalk" render --image "$SAMPLE" --text "Hello from the installed wheel." -o "$WORK/sample.mp4" \
    --size 256 -q >/dev/null
"$WORK/venv/bin/python" - "$WORK/sample.mp4" <<'EOF'
import sys

from facetalk.io import probe_video

info = probe_video(sys.argv[1])
assert info.n_frames >= 25 and info.has_audio and (info.width, info.height) == (256, 256), info
print(f"wheel check: {info.n_frames} frames {info.width}x{info.height}, audio {info.audio_duration_s:.2f} s")
EOF
# The server is an extra: without it, `serve` says how to get it, in one line.
if "$WORK/venv/bin/python" -c 'import fastapi' 2>/dev/null; then
    echo "wheel check: the core install pulled in fastapi" >&2; exit 1
fi
set +e
"$WORK/venv/bin/facetalk" serve --port 8765 2>"$WORK/serve.err"; status=$?
set -e
grep -q "pip install 'facetalk\[server\]'" "$WORK/serve.err" && [ "$status" -eq 2 ] \
    || { echo "wheel check: serve without the server extra: exit $status, $(cat "$WORK/serve.err")" >&2; exit 1; }
echo "wheel check: serve without the server extra refuses in one line"
