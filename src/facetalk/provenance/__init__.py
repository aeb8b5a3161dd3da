"""Provenance: every frame facetalk makes carries an invisible watermark, and this finds it.

    Watermarker(payload)(frame) -> marked frame     embed(image, payload) -> marked image
    detect(frames) -> VerifyResult                  verify_file(path) -> VerifyResult
    Payload(version, id)                            draw_label(frame) -> frame with "AI-generated"
"""

from facetalk.provenance.detection import THRESHOLD, VerifyResult, detect, metadata_tags, verify_file
from facetalk.provenance.label import draw_label
from facetalk.provenance.marking import Watermarker, embed
from facetalk.provenance.payload import Payload

__all__ = ["THRESHOLD", "Payload", "VerifyResult", "Watermarker", "detect", "draw_label", "embed",
           "metadata_tags", "verify_file"]
