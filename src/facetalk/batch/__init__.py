"""Batch rendering: `facetalk batch MANIFEST -o OUTDIR` (see facetalk.batch.runner).

engine.py   what engines are given and give back (RenderTask, RowResult, the Engine protocol)
worker.py   one task in a worker process, its analysed photos kept for the next rows
local.py    the default engine: a process pool, one worker per core
ray.py      the Ray engine (`pip install 'facetalk[ray]'`); imported only when it is used
runner.py   the batch: manifest checks, skipping complete outputs, progress, results.jsonl

Nothing here is imported by `import facetalk`.
"""
