"""Batch transcription with the real bundled Whisper base model on real and bundled recordings."""

from __future__ import annotations

import opencc
import pytest
from support import JFK_TEXT, SAMPLE_CALL, ZH_WELCOME_TEXT, text_of

from speech import TranscribeOptions, transcribe
from speech.metrics import cer, wer

pytestmark = pytest.mark.slow


def run(path, engine_config, **options):
    return transcribe(path, TranscribeOptions(engine_config=engine_config, **options))


def test_mandarin_clip_is_exact_and_simplified(shared_speech, engine_config):
    conversation = run(shared_speech / "zh_welcome.wav", engine_config)
    text = text_of(conversation)
    assert conversation.language == "zh"
    # measured CER 0.0 with the dependencies of 2026-11; a fresh install on 2026-12-01 hears 语音 as 运营
    # (the same with the older code, so a dependency's numerics): at most two wrong characters of 19
    assert cer(ZH_WELCOME_TEXT, text) * len(ZH_WELCOME_TEXT) <= 2, text
    assert opencc.OpenCC("t2s").convert(text) == text  # nothing left in Traditional characters


def test_english_clip_word_error_rate(shared_speech, engine_config):
    conversation = run(shared_speech / "jfk.flac", engine_config, speakers=1)
    assert conversation.language == "en"
    assert wer(JFK_TEXT, text_of(conversation)) <= 0.1  # measured 0.0
    assert len(conversation.participants) == 1
    assert conversation.participants[0].role == "rep"


def test_word_timestamps_lie_inside_their_segment(shared_speech, engine_config):
    conversation = run(shared_speech / "jfk.flac", engine_config, language="en")
    words = [w for s in conversation.segments for w in s.words or []]
    assert len(words) >= 20
    for segment in conversation.segments:
        assert segment.words, "word timestamps are always requested"
        assert segment.start <= segment.words[0].start and segment.words[-1].end <= segment.end + 1e-6
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    assert 9.0 <= words[-1].end <= 11.0  # "country." ends near the end of the 11 s clip


def test_stereo_call_attribution_is_exact(engine_config, sample_reference):
    conversation = run(SAMPLE_CALL, engine_config, stereo="rep-left", language="zh")
    assert conversation.metadata["attribution"] == "stereo"
    assert {p.speaker: p.role for p in conversation.participants} == {"rep": "rep", "customer": "customer"}
    starts = [s.start for s in conversation.segments]
    assert starts == sorted(starts)
    # words fall inside a reference turn of their own role; measured 191/193 (Whisper mis-times
    # the odd word right after a long pause on its channel)
    placed = total = 0
    for segment in conversation.segments:
        for word in segment.words:
            middle = (word.start + word.end) / 2
            turn = min(sample_reference.segments, key=lambda r: max(r.start - middle, middle - r.end, 0))
            placed += turn.speaker == segment.speaker and turn.start - 0.3 <= middle <= turn.end + 0.3
            total += 1
    assert total > 150 and placed / total >= 0.97, f"{placed}/{total}"
    # espeak-ng Mandarin is robotic: measured CER 0.37 rep / 0.52 customer; the bound guards regressions
    for role in ("rep", "customer"):
        assert cer(text_of(sample_reference, role), text_of(conversation, role)) <= 0.6


def test_swapped_stereo_layout_swaps_roles(engine_config):
    left = run(SAMPLE_CALL, engine_config, stereo="rep-left", language="zh")
    right = run(SAMPLE_CALL, engine_config, stereo="rep-right", language="zh")
    assert text_of(left, "rep") == text_of(right, "customer")
    assert text_of(left, "customer") == text_of(right, "rep")


def test_mono_call_is_diarized_into_rep_and_customer(engine_config, sample_call_mono, sample_reference):
    conversation = run(sample_call_mono, engine_config, language="zh")
    assert conversation.metadata["attribution"] == "diarization"
    assert sorted(p.role for p in conversation.participants) == ["customer", "rep"]
    # word-level attribution against the script's exact turn times
    correct = total = 0
    for segment in conversation.segments:
        role = conversation.role_of(segment.speaker)
        for word in segment.words or []:
            middle = (word.start + word.end) / 2
            turn = min(sample_reference.segments, key=lambda r: max(r.start - middle, middle - r.end, 0))
            correct += sample_reference.role_of(turn.speaker) == role
            total += 1
    assert total > 100
    assert correct / total >= 0.9, f"word attribution accuracy {correct / total:.3f}"


def test_rep_speaker_override(engine_config, sample_call_mono):
    automatic = run(sample_call_mono, engine_config, language="zh")
    customer = next(p.speaker for p in automatic.participants if p.role == "customer")
    overridden = run(sample_call_mono, engine_config, language="zh", rep_speaker=customer)
    assert overridden.role_of(customer) == "rep"


def test_silence_gives_an_empty_transcript(tmp_path, engine_config):
    import numpy as np
    import soundfile

    path = tmp_path / "silence.wav"
    soundfile.write(path, np.zeros(16000 * 5, dtype=np.float32), 16000)
    conversation = run(path, engine_config)
    assert conversation.segments == [] and conversation.participants == []


def test_long_recording_is_chunked_without_losing_words(shared_speech, engine_config):
    """Chunking must cut between words: a small chunk size gives the same words as one pass."""
    whole = run(shared_speech / "jfk.flac", engine_config, language="en")
    chunked = run(shared_speech / "jfk.flac", engine_config, language="en", chunk_s=4.0)
    assert wer(text_of(whole), text_of(chunked)) <= 0.15
