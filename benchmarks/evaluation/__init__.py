"""Independent measurements of rendered faces, for tests and benchmarks only (not installed with
the package: benchmarks import it from their folder, tests through pytest's pythonpath).

Uses dlib's 68-point landmarks and 128-d identity embedding (`pip install dlib-bin
face_recognition_models`, the `eval` extra), a different detector from the MediaPipe face mesh the
renderer is built on, so a measurement here cannot simply echo the renderer's own geometry.
"""
