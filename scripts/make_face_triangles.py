"""Regenerates src/facetalk/data/face_mesh_triangles.npy from MediaPipe's face-mesh topology.

MediaPipe ships the canonical mesh only as an edge list (FACEMESH_TESSELATION); its faces are
the 3-cliques of that graph, less the few cliques that are not faces (each of their edges is
already shared by two real faces). A dev-time script: it needs mediapipe==0.10.21 (not a facetalk
dependency; install it with --no-deps into a venv with numpy<2). Run: python scripts/make_face_triangles.py
"""

import collections
import itertools
from pathlib import Path

import numpy as np
from mediapipe.python.solutions.face_mesh_connections import FACEMESH_TESSELATION

edges = {tuple(sorted(e)) for e in FACEMESH_TESSELATION}
neighbours = collections.defaultdict(set)
for a, b in edges:
    neighbours[a].add(b)
    neighbours[b].add(a)
cliques = {tuple(sorted((a, b, c))) for a, b in edges for c in neighbours[a] & neighbours[b]}
uses = collections.Counter(e for t in cliques for e in itertools.combinations(t, 2))
faces = sorted(t for t in cliques if not all(uses[e] == 3 for e in itertools.combinations(t, 2)))
uses = collections.Counter(e for t in faces for e in itertools.combinations(t, 2))
assert max(uses.values()) == 2, "topology is not a manifold"
out = Path(__file__).resolve().parents[1] / "src/facetalk/data/face_mesh_triangles.npy"
np.save(out, np.array(faces, dtype=np.int16))
print(f"{len(faces)} triangles, {sum(1 for n in uses.values() if n == 1)} boundary edges -> {out}")
