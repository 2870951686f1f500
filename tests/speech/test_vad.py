"""The live endpointer's voice tracker: pauses are found on noisy lines and clean channels alike."""

from __future__ import annotations

import numpy as np
import pytest

from speech import load_audio
from speech.vad import VoiceTracker


def noise(seconds: float, dbfs: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(seconds * 16000)) * 10 ** (dbfs / 20)).astype(np.float32)


def feed(tracker: VoiceTracker, audio: np.ndarray, frame: int = 1600) -> None:
    for i in range(0, len(audio), frame):
        tracker.feed(audio[i : i + frame])


def test_silence_and_steady_noise_are_not_voice():
    tracker = VoiceTracker()
    feed(tracker, np.zeros(16000 * 2, np.float32))
    feed(tracker, noise(5, -40))
    assert tracker.voiced_until is None and tracker.quiet_for() == float("inf")


def test_pause_in_a_noisy_line_is_heard(shared_speech):
    """Speech, then 1 s of the line's own noise (-40 dBFS, far above digital silence): voice ends with the words."""
    speech = load_audio(shared_speech / "zh_welcome.wav")[: int(5.1 * 16000)]
    line = noise(len(speech) / 16000 + 3, -40, seed=1)
    tracker = VoiceTracker()
    feed(tracker, line[:32000])  # 2 s of line noise before anyone speaks
    feed(tracker, line[32000 : 32000 + len(speech)] + speech)
    words_end = 2 + len(speech) / 16000
    assert tracker.voiced_until == pytest.approx(words_end, abs=0.3)
    feed(tracker, line[32000 + len(speech) : 32000 + len(speech) + 16000])
    assert tracker.voiced_until <= words_end + 0.15, "the noise after the words is not voice"
    assert tracker.quiet_for() == pytest.approx(1.0, abs=0.35)
    assert tracker.voiced_seconds >= 3.0


def test_a_pause_in_an_old_noisy_recording(shared_speech):
    """JFK pauses 1.1 s after "And so my fellow Americans" in -37 dBFS of tape noise."""
    audio = load_audio(shared_speech / "jfk.flac")
    tracker = VoiceTracker()
    feed(tracker, audio[: int(3.0 * 16000)])
    assert tracker.voiced_until == pytest.approx(2.1, abs=0.25)
    assert tracker.quiet_for() >= 0.6


def test_clean_speech_after_digital_silence_is_voice(shared_speech):
    """A stereo call's channel: zeros while the other party talks, then clean speech, all of it voice."""
    speech = load_audio(shared_speech / "zh_welcome.wav")[int(0.5 * 16000) : int(5.1 * 16000)]
    tracker = VoiceTracker()
    feed(tracker, np.concatenate([np.zeros(16000 * 2, np.float32), speech, np.zeros(16000, np.float32)]))
    assert tracker.voiced_seconds >= 0.8 * len(speech) / 16000
    assert tracker.quiet_for() == pytest.approx(1.0, abs=0.25)


def test_frames_of_any_size_give_the_same_answer(shared_speech):
    audio = load_audio(shared_speech / "jfk.flac")
    whole, pieces = VoiceTracker(), VoiceTracker()
    whole.feed(audio)
    feed(pieces, audio, frame=1000)  # frames that do not line up with the model's 512-sample windows
    assert whole.voiced_until == pytest.approx(pieces.voiced_until)
    assert whole.voiced_seconds == pytest.approx(pieces.voiced_seconds)
    assert 6.0 < whole.voiced_seconds < 10.5
