"""face.mesh.FaceModels' bookkeeping of the models it loads, with light stand-ins for the real
ones (their loading is test_fakes' and test_mesh_onnx's)."""

import gc
import weakref

import facetalk.face.mesh as mesh


class _StandIn:
    """A model with `closed` and `close()`, as the real ones have, that loads nothing."""

    def __init__(self):
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_a_closed_model_reloaded_is_let_go_not_kept_beside_its_replacement(monkeypatch):
    """A model the set loaded, closed by its user and loaded again at the next use, is no longer
    referenced by the set: close-and-reuse keeps one live model of each kind, not one more dead
    one each time (before, every closed one stayed in the set's list of its own)."""
    monkeypatch.setattr(mesh, "FaceMeshDetector", type("FaceMeshDetector", (_StandIn,), {}))
    monkeypatch.setattr(mesh, "PersonSegmenter", type("PersonSegmenter", (_StandIn,), {}))
    models = mesh.FaceModels()
    gone = []
    for _ in range(3):
        detector, segmenter = models.get()
        assert not detector.closed and not segmenter.closed
        gone += [weakref.ref(detector), weakref.ref(segmenter)]
        detector.close()
        segmenter.close()
        del detector, segmenter
    live_detector, live_segmenter = models.get()
    gc.collect()
    assert [ref() for ref in gone] == [None] * 6
    assert len(models._own) == 2
    models.close()
    assert live_detector.closed and live_segmenter.closed and models._own == []


def test_a_given_model_closed_by_its_owner_is_neither_reloaded_nor_dropped(monkeypatch):
    """A given model is the caller's: used as it is even closed, and never loaded over."""
    monkeypatch.setattr(mesh, "FaceMeshDetector", type("FaceMeshDetector", (_StandIn,), {}))
    given = _StandIn()
    models = mesh.FaceModels(detector=given)
    given.close()
    assert models.detector is given and models._own == []
