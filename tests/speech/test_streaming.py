"""Live transcription: partials then finals, close to the batch transcript, bounded memory."""

from __future__ import annotations

import pytest
from support import JFK_TEXT, ZH_WELCOME_TEXT, pcm16

from speech import AudioError, StreamingTranscriber, load_audio
from speech.metrics import cer, wer

pytestmark = pytest.mark.slow
CHUNK = 4000  # 250 ms of 16 kHz audio, a typical WebSocket frame


def stream(transcriber: StreamingTranscriber, audio, chunk: int = CHUNK, watch=None):
    events = []
    samples = pcm16(audio)
    for i in range(0, len(samples), chunk):
        events += transcriber.feed(samples[i : i + chunk].tobytes())
        if watch:
            watch(transcriber)
    events += transcriber.finish()
    return events


def finals(events):
    return [e.segment for e in events if e.kind == "final"]


def test_english_partials_then_finals_match_the_reference(engine, shared_speech):
    events = stream(StreamingTranscriber(engine, language="en", speaker="rep"), load_audio(shared_speech / "jfk.flac"))
    kinds = [e.kind for e in events]
    assert "partial" in kinds and kinds[-1] == "final"
    assert kinds.index("partial") < kinds.index("final"), "a partial shows before the first final"
    segments = finals(events)
    assert all(s.speaker == "rep" for s in segments)
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    for earlier, later in zip(segments, segments[1:]):
        assert earlier.end <= later.start + 0.05, "finals never overlap: committed words are not repeated"
    text = " ".join(s.text for s in segments)
    assert wer(JFK_TEXT, text) <= 0.15, text  # measured 0.04 ("NOT" capitalised); batch is 0.0


def test_mandarin_stream_equals_batch_closely(engine, shared_speech):
    events = stream(StreamingTranscriber(engine, language="zh"), load_audio(shared_speech / "zh_welcome.wav"))
    text = "".join(s.text for s in finals(events))
    assert cer(ZH_WELCOME_TEXT, text) <= 0.15, text  # measured 0.0


def test_language_is_detected_when_auto(engine, shared_speech):
    transcriber = StreamingTranscriber(engine, language="auto")
    stream(transcriber, load_audio(shared_speech / "zh_welcome.wav"))
    assert transcriber.language == "zh"


def test_buffer_stays_bounded_over_a_long_session(engine, shared_speech):
    """Four times the clip with a short buffer: the window slides and every repetition is kept."""
    import numpy as np

    clip = load_audio(shared_speech / "jfk.flac")
    audio = np.concatenate([clip, np.zeros(8000, np.float32)] * 4)
    transcriber = StreamingTranscriber(engine, language="en", max_buffer_s=6.0, step_s=2.0)
    peak = []
    events = stream(transcriber, audio, watch=lambda t: peak.append(t.buffered_seconds))
    assert max(peak) <= 2 * 6.0 + 2.0
    assert transcriber.elapsed_seconds == pytest.approx(len(audio) / 16000, abs=0.01)
    text = " ".join(s.text for s in finals(events)).lower()
    assert text.count("country") >= 7, text  # 8 expected; one may be lost at a forced cut


def test_bad_pcm_is_rejected(engine):
    transcriber = StreamingTranscriber(engine, language="en")
    with pytest.raises(AudioError, match="odd number of bytes"):
        transcriber.feed(b"\x00\x01\x02")
    with pytest.raises(AudioError, match="int16"):
        import numpy as np

        transcriber.feed(np.zeros(10, dtype=np.float32))


def test_silence_produces_no_events(engine):
    import numpy as np

    transcriber = StreamingTranscriber(engine, language="zh")
    events = stream(transcriber, np.zeros(16000 * 20, dtype=np.float32))
    assert events == []
    assert transcriber.buffered_seconds <= 15.0 + 1.0


def test_utterance_ends_on_a_noisy_line(engine, shared_speech):
    """Two utterances on a line with -50 dBFS of noise (no digital silence anywhere): the first one's final
    comes out of the pause, within a second of its words, not when the next utterance or the call ends."""
    import numpy as np

    clip = load_audio(shared_speech / "zh_welcome.wav")[: int(5.2 * 16000)]
    pause = np.zeros(int(2.0 * 16000), np.float32)
    audio = np.concatenate([clip, pause, clip, pause])
    audio = audio + (np.random.default_rng(3).standard_normal(len(audio)) * 10 ** (-50 / 20)).astype(np.float32)
    transcriber = StreamingTranscriber(engine, language="zh")
    samples, frame = pcm16(audio), 1600
    emitted = []  # (stream seconds when the final came out, final)
    for i in range(0, len(samples), frame):
        emitted += [((i + frame) / 16000, e.segment) for e in transcriber.feed(samples[i : i + frame].tobytes()) if e.kind == "final"]
    assert len(emitted) == 2, [s.text for _, s in emitted]
    for at, segment in emitted:
        assert cer(ZH_WELCOME_TEXT, segment.text) <= 0.25, segment.text  # measured 0.16: greedy decoding in noise
        assert at - segment.end <= 1.0, f"final {at - segment.end:.2f} s after its last word"
