"""Where speech stops, for live endpointing: Silero VAD, run frame by frame on each live stream.

The model is the ONNX file faster-whisper ships (and runs over whole files for its own `vad_filter`); here
it runs incrementally, carrying its LSTM state and 64-sample context from one frame to the next, which
gives the same probabilities as one pass over the whole audio for ~0.3 ms per 100 ms of audio.

Why not loudness: a call's pauses are the line's noise, anywhere from digital silence to -35 dBFS (the
pauses of the JFK recording in ../shared/data/speech are at -37), and every energy rule tried got one
case wrong: a fixed -60 dBFS threshold never sees a pause on a noisy line; a floor learned from the
quietest stretch heard takes a clean channel's quietest speech for the floor (a stereo call's channel is
zeros while the other party talks); counting zeros as the floor makes noisy pauses speech again. WebRTC's
VAD called the JFK pauses speech at every aggressiveness.
"""

from __future__ import annotations

import functools
import os

import numpy as np

from speech.audio import SAMPLE_RATE

FRAME = 512  # the model's window at 16 kHz: 32 ms
_CONTEXT = 64  # samples of the previous window the model sees before each one
ONSET = 0.5  # speech starts at this probability (faster-whisper's default threshold) ...
OFFSET = 0.35  # ... and goes on while above this one (the hysteresis of Silero's own segmenter)


@functools.cache
def _session():
    import onnxruntime
    from faster_whisper.utils import get_assets_path

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = options.intra_op_num_threads = 1  # a tiny model: threads cost more than they give
    options.log_severity_level = 4
    path = os.path.join(get_assets_path(), "silero_vad_v6.onnx")
    return onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"], sess_options=options)


class VoiceTracker:
    """One stream's voice activity: when voice was last heard and how much of it (stream seconds)."""

    def __init__(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)
        self._carry = np.zeros(0, dtype=np.float32)
        self._seen = 0  # samples consumed into whole frames
        self._speaking = False
        self.voiced_until: float | None = None
        self.voiced_seconds = 0.0

    def feed(self, samples: np.ndarray) -> None:
        """Add float samples at SAMPLE_RATE in [-1, 1] that follow the previous ones."""
        data = np.concatenate([self._carry, samples]).astype(np.float32, copy=False)
        whole = len(data) // FRAME * FRAME
        self._carry = data[whole:].copy()
        if not whole:
            return
        frames = data[:whole].reshape(-1, FRAME)
        context = np.concatenate([self._context[None], frames[:-1, -_CONTEXT:]])
        self._context = frames[-1, -_CONTEXT:].copy()
        probabilities, self._h, self._c = _session().run(
            None, {"input": np.concatenate([context, frames], axis=1), "h": self._h, "c": self._c}
        )
        for index, probability in enumerate(probabilities.reshape(-1).tolist()):
            self._speaking = probability >= (OFFSET if self._speaking else ONSET)
            if self._speaking:
                self.voiced_seconds += FRAME / SAMPLE_RATE
                self.voiced_until = (self._seen + (index + 1) * FRAME) / SAMPLE_RATE
        self._seen += whole

    def quiet_for(self) -> float:
        """Seconds since voice was last heard, up to the newest whole frame (infinite before any voice)."""
        if self.voiced_until is None:
            return float("inf")
        return self._seen / SAMPLE_RATE - self.voiced_until
