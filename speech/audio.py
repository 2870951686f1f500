"""Audio decoding: any container ffmpeg reads, resampled to 16 kHz float32, streamed in blocks.

Decoding streams through PyAV (ffmpeg's libraries, bundled in the wheel) so a 3-hour recording never
sits in memory whole: callers receive fixed-size blocks and keep only what they need.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from speech.errors import AudioError

SAMPLE_RATE = 16_000
# Whisper needs some sound to say anything meaningful; shorter input is almost always a broken upload.
MIN_DURATION_S = 0.5
# Decoders stop early on a cut-off file without raising; a shortfall beyond this marks it truncated.
_TRUNCATION_TOLERANCE_S = 0.5

Layout = Literal["mono", "stereo"]


@dataclass(frozen=True)
class AudioInfo:
    path: Path
    duration: float | None  # seconds, as the container declares it; None when it does not say
    channels: int
    sample_rate: int
    codec: str


def _open(path: Path):
    import av

    try:
        return av.open(str(path), metadata_errors="ignore")
    except av.FFmpegError as error:
        raise AudioError(f"{path}: not a readable audio file ({_reason(error)})") from None


def _reason(error: Exception) -> str:
    text = getattr(error, "strerror", None) or str(error)
    return text.split(":")[-1].strip() or type(error).__name__


def probe(path: str | Path) -> AudioInfo:
    """Check that `path` is an audio file ffmpeg can decode and describe it, without decoding."""
    path = Path(path)
    if not path.exists():
        raise AudioError(f"{path}: no such file")
    if path.is_dir():
        raise AudioError(f"{path}: is a directory, not an audio file")
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: file is empty")
    with _open(path) as container:
        if not container.streams.audio:
            raise AudioError(f"{path}: not an audio file (no audio stream found)")
        stream = container.streams.audio[0]
        duration = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        if stream.codec_context.name.startswith("pcm_"):
            _check_wav_size(path)
        return AudioInfo(
            path=path,
            duration=duration,
            channels=stream.channels or 1,
            sample_rate=stream.rate or 0,
            codec=stream.codec_context.name,
        )


def _check_wav_size(path: Path) -> None:
    """ffmpeg silently decodes a cut-off WAV; its header still says how many bytes should follow."""
    with open(path, "rb") as wav:
        header = wav.read(12)
        if header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            return
        while chunk := wav.read(8):
            if len(chunk) < 8:
                return
            size = int.from_bytes(chunk[4:8], "little")
            if chunk[:4] == b"data":
                remaining = path.stat().st_size - wav.tell()
                # 0 and 0xFFFFFFFF mean "unknown length" (streamed WAV); only a definite shortfall counts
                if 0 < size < 0xFFFFFFFF and remaining < size:
                    raise AudioError(
                        f"{path}: audio is truncated: the WAV header announces {size} bytes of samples, "
                        f"the file holds {remaining}"
                    )
                return
            wav.seek(size + (size & 1), 1)


def iter_blocks(path: str | Path, layout: Layout = "mono", block_s: float = 30.0) -> Iterator[np.ndarray]:
    """Yield consecutive 16 kHz float32 blocks of `block_s` seconds (the last may be shorter).

    Mono blocks have shape (n,), stereo blocks (2, n) with channel 0 = left. Mono downmixes all
    channels. Raises AudioError for undecodable, corrupt or truncated input, or audio shorter than
    MIN_DURATION_S, so a caller never acts on half a file.
    """
    import av

    info = probe(path)
    if layout == "stereo" and info.channels < 2:
        raise AudioError(f"{info.path}: has {info.channels} channel; stereo attribution needs a 2-channel recording")
    block = int(block_s * SAMPLE_RATE)
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
    pending: list[np.ndarray] = []
    pending_len = 0
    decoded = 0
    with _open(info.path) as container:
        stream = container.streams.audio[0]
        try:
            frames = container.decode(stream)
            for frame in _with_flush(frames):
                for out in resampler.resample(frame):
                    samples = out.to_ndarray().reshape(-1 if layout == "mono" else 2, out.samples)
                    pending.append(samples)
                    pending_len += out.samples
                    while pending_len >= block:
                        joined = np.concatenate(pending, axis=-1)
                        decoded += block
                        yield _shape(joined[..., :block], layout)
                        rest = joined[..., block:]
                        pending, pending_len = ([rest], rest.shape[-1]) if rest.shape[-1] else ([], 0)
        except av.FFmpegError as error:
            at = (decoded + pending_len) / SAMPLE_RATE
            raise AudioError(f"{info.path}: corrupt or truncated audio at {at:.1f} s ({_reason(error)})") from None
    total = decoded + pending_len
    seconds = total / SAMPLE_RATE
    if info.duration and seconds + _TRUNCATION_TOLERANCE_S < info.duration * 0.98:
        raise AudioError(
            f"{info.path}: audio is truncated: decoded {seconds:.1f} s of the {info.duration:.1f} s the file declares"
        )
    if seconds < MIN_DURATION_S:
        raise AudioError(f"{info.path}: audio is too short ({seconds:.2f} s; need at least {MIN_DURATION_S} s)")
    if pending_len:
        yield _shape(np.concatenate(pending, axis=-1), layout)


def _with_flush(frames):
    """Decoded frames followed by None, which tells the resampler to flush its tail."""
    yield from frames
    yield None


def _shape(samples: np.ndarray, layout: Layout) -> np.ndarray:
    samples = np.ascontiguousarray(samples, dtype=np.float32)
    return samples.reshape(-1) if layout == "mono" else samples


def load_audio(path: str | Path, layout: Layout = "mono") -> np.ndarray:
    """Decode a whole (short) file; for long recordings iterate `iter_blocks` instead."""
    blocks = list(iter_blocks(path, layout))
    return np.concatenate(blocks, axis=-1)


def rms_dbfs(samples: np.ndarray) -> float:
    """Loudness of a block in dBFS; digital silence gives -inf."""
    power = float(np.mean(np.square(samples, dtype=np.float64))) if samples.size else 0.0
    return 10 * np.log10(power) if power > 0 else float("-inf")
