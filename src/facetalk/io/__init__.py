"""Files and FFmpeg: the only place facetalk touches the filesystem for media."""

from facetalk.io.audio import load_audio, synthesize_speech, write_wav
from facetalk.io.image import load_image, save_image
from facetalk.io.video import VideoInfo, VideoWriter, encode_frames, probe_video, read_frames, read_video_audio

__all__ = [
    "VideoInfo",
    "VideoWriter",
    "encode_frames",
    "load_audio",
    "load_image",
    "probe_video",
    "read_frames",
    "read_video_audio",
    "save_image",
    "synthesize_speech",
    "write_wav",
]
