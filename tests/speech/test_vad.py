"""The live endpointer's voice tracker: pauses are found on a noisy line, not only in digital silence."""

from __future__ import annotations

import numpy as np
import pytest

from speech import load_audio
from speech.vad import FLOOR_WINDOW_S, VoiceTracker


def noise(seconds: float, dbfs: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(seconds * 16000)) * 10 ** (dbfs / 20)).astype(np.float32)


def feed(tracker: VoiceTracker, audio: np.ndarray, frame: int = 1600) -> None:
    for i in range(0, len(audio), frame):
        tracker.feed(audio[i : i + frame])


def test_steady_noise_is_not_voice():
    tracker = VoiceTracker()
    feed(tracker, noise(12, -40))
    assert tracker.voiced_until is None and tracker.quiet_for() == float("inf")


def test_silence_is_the_floor_until_it_leaves_the_window():
    """Digital silence, then steady noise: voice while the silence is within FLOOR_WINDOW_S, then the noise
    is the floor (a channel carrying zeros between words has no other floor to judge speech by)."""
    tracker = VoiceTracker()
    feed(tracker, np.zeros(16000 * 3, np.float32))
    assert tracker.voiced_until is None
    feed(tracker, noise(12, -40))
    assert 3 < tracker.voiced_until < 3 + FLOOR_WINDOW_S + 0.5
    assert tracker.quiet_for() >= 1.0


def test_clean_speech_after_silence_is_voice(shared_speech):
    """A stereo channel (zeros while the other party talks) with clean speech: all of it is voice."""
    speech = load_audio(shared_speech / "zh_welcome.wav")[int(0.5 * 16000) : int(5.1 * 16000)]
    tracker = VoiceTracker()
    feed(tracker, np.concatenate([np.zeros(16000 * 2, np.float32), speech, np.zeros(16000, np.float32)]))
    assert tracker.voiced_seconds >= 0.8 * len(speech) / 16000
    assert tracker.quiet_for() == pytest.approx(1.0, abs=0.2)


def test_pause_in_a_noisy_line_is_heard(shared_speech):
    """Speech, then 1 s of the line's own noise (-40 dBFS, far above digital silence): voice ends with the words."""
    speech = load_audio(shared_speech / "zh_welcome.wav")[: int(5.1 * 16000)]
    line = noise(len(speech) / 16000 + 3, -40, seed=1)
    tracker = VoiceTracker()
    feed(tracker, line[:32000])  # 2 s of line noise before anyone speaks
    feed(tracker, line[32000 : 32000 + len(speech)] + speech)
    spoken_until = tracker.voiced_until
    assert spoken_until == pytest.approx(2 + len(speech) / 16000, abs=0.3)
    feed(tracker, line[32000 + len(speech) : 32000 + len(speech) + 16000])
    assert tracker.voiced_until == spoken_until, "the noise after the words is not voice"
    assert tracker.quiet_for() == pytest.approx(1.0, abs=0.35)
    assert tracker.voiced_seconds >= 3.0


def test_blocks_split_across_frames_are_counted_once():
    tone = (0.3 * np.sin(np.arange(16000) * 2 * np.pi * 220 / 16000)).astype(np.float32)
    line = noise(2.5, -50)
    audio = line + np.concatenate([np.zeros(16000, np.float32), tone, np.zeros(8000, np.float32)])
    whole, pieces = VoiceTracker(), VoiceTracker()
    whole.feed(audio)
    feed(pieces, audio, frame=1000)  # frames that do not line up with the 30 ms blocks
    assert whole.voiced_until == pieces.voiced_until == pytest.approx(2.0, abs=0.03)
    assert whole.voiced_seconds == pytest.approx(pieces.voiced_seconds) == pytest.approx(1.0, abs=0.06)
