"""Where speech stops, block by block, for live endpointing.

A fixed energy threshold does not find the end of an utterance on a real line: digital silence is -inf
dBFS, but a call's noise floor sits anywhere from -60 to -35 dBFS (the pauses of the JFK recording in
../shared/data/speech are at -37), so a threshold low enough for clean audio never sees a pause in noisy
audio, and one high enough for noise cuts quiet words. A 30 ms block therefore counts as voice when it is
`VOICE_OVER_FLOOR_DB` louder than the line's floor: the quietest stretch of `SMOOTH_BLOCKS` blocks heard
in the last `FLOOR_WINDOW_S` (minimum statistics; a stretch, not a block, because single blocks of noise
dip 10 dB under their neighbours). Digital silence counts as the floor at `SILENCE_DBFS`: a channel that
carries zeros between one party's words (a stereo call, clean TTS) has no other floor, and speech heard
after it must be voice, not the floor. The price: steady noise that starts after digital silence counts as
voice until the silence leaves the window. WebRTC's VAD was tried first: at every aggressiveness it called the JFK pauses speech. Silero
(faster-whisper's VAD) would work but is a neural net run on every 100 ms of every live stream, while
this costs microseconds per frame.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from speech.audio import SAMPLE_RATE
from speech.transcribe import SILENCE_DBFS

VOICE_OVER_FLOOR_DB = 12.0
FLOOR_WINDOW_S = 10.0
SMOOTH_BLOCKS = 10  # 300 ms
BLOCK = int(0.03 * SAMPLE_RATE)  # 30 ms: shorter than any pause worth ending on, longer than a pitch period
_SILENT_POWER = 10 ** (SILENCE_DBFS / 10)


class VoiceTracker:
    """Follows one stream's loudness and remembers when voice was last heard (stream seconds)."""

    def __init__(self) -> None:
        self._heard: deque[float] = deque(maxlen=int(FLOOR_WINDOW_S * SAMPLE_RATE / BLOCK))
        self._carry = np.zeros(0, dtype=np.float32)
        self._seen = 0  # samples consumed into whole blocks
        self.voiced_until: float | None = None
        self.voiced_seconds = 0.0  # total voiced time heard

    def feed(self, samples: np.ndarray) -> None:
        """Add float samples in [-1, 1] that follow the previous ones."""
        data = np.concatenate([self._carry, samples]) if len(self._carry) else samples
        whole = len(data) // BLOCK * BLOCK
        self._carry = data[whole:].copy()
        if not whole:
            return
        power = np.mean(np.square(data[:whole].reshape(-1, BLOCK), dtype=np.float64), axis=1)
        self._heard.extend(np.maximum(power, _SILENT_POWER).tolist())
        voiced = np.flatnonzero(power > max(_SILENT_POWER, self._floor() * 10 ** (VOICE_OVER_FLOOR_DB / 10)))
        self.voiced_seconds += len(voiced) * BLOCK / SAMPLE_RATE
        if len(voiced):
            self.voiced_until = (self._seen + (int(voiced[-1]) + 1) * BLOCK) / SAMPLE_RATE
        self._seen += whole

    def _floor(self) -> float:
        """The line's noise power: the quietest stretch heard lately (silence before anything was heard)."""
        if not self._heard:
            return _SILENT_POWER
        heard = np.fromiter(self._heard, dtype=np.float64)
        if len(heard) < SMOOTH_BLOCKS:
            return float(heard.min())
        return float(np.convolve(heard, np.full(SMOOTH_BLOCKS, 1 / SMOOTH_BLOCKS), mode="valid").min())

    def quiet_for(self) -> float:
        """Seconds since voice was last heard, up to the newest whole block (infinite before any voice)."""
        if self.voiced_until is None:
            return float("inf")
        return self._seen / SAMPLE_RATE - self.voiced_until
