"""speech.audio decoding and speech.transcribe.quiet_cut_chunks, on real and generated audio (no ASR model)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile
from audio_fixtures import encode_amr

from speech.audio import SAMPLE_RATE, iter_blocks, load_audio, probe, rms_dbfs
from speech.errors import AudioError
from speech.transcribe import quiet_cut_chunks

REPO = Path(__file__).resolve().parents[2]
SHARED_SPEECH = REPO.parent / "shared" / "data" / "speech"
ZH_WELCOME = SHARED_SPEECH / "zh_welcome.wav"
ZH_WELCOME_S = 5.55  # ffprobe: 00:00:05.55, 88747 samples at 16 kHz


@pytest.fixture(scope="module")
def zh_wav() -> Path:
    if not ZH_WELCOME.is_file():
        pytest.skip(f"real test recording {ZH_WELCOME} not found (expected in ../shared/data/speech)")
    return ZH_WELCOME


@pytest.fixture(scope="module")
def zh_reference(zh_wav) -> np.ndarray:
    return load_audio(zh_wav)


def _ffmpeg_encoders() -> str:
    if not shutil.which("ffmpeg"):
        return ""
    return subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], capture_output=True, text=True, check=True).stdout


def _has_encoder(encoders: str, name: str) -> bool:
    return re.search(rf"^\s*\S+\s+{re.escape(name)}\s", encoders, re.MULTILINE) is not None


def _pyav_has_amr_encoder() -> bool:
    try:
        import av

        av.codec.Codec("libopencore_amrnb", "w")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


# (suffix, ffmpeg CLI arguments, CLI encoder name); AMR needs 8 kHz mono
FORMATS = {
    "mp3": (["-c:a", "libmp3lame"], "libmp3lame"),
    "m4a": (["-c:a", "aac"], "aac"),
    "opus.ogg": (["-c:a", "libopus"], "libopus"),
    "vorbis.ogg": (["-c:a", "libvorbis"], "libvorbis"),
    "flac": (["-c:a", "flac"], "flac"),
    "amr": (["-ar", "8000", "-ac", "1", "-c:a", "libopencore_amrnb", "-b:a", "12.2k"], "libopencore_amrnb"),
}


@pytest.fixture(scope="module")
def encoded(zh_wav, zh_reference, tmp_path_factory):
    """zh_welcome.wav converted to each format (lazily, one file per format)."""
    folder = tmp_path_factory.mktemp("formats")
    encoders = _ffmpeg_encoders()

    def make(suffix: str) -> Path:
        args, encoder = FORMATS[suffix]
        target = folder / f"zh_welcome.{suffix}"
        if target.exists():
            return target
        if _has_encoder(encoders, encoder):
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(zh_wav), *args, str(target)], check=True)
        elif suffix == "amr" and _pyav_has_amr_encoder():
            encode_amr(zh_reference, target)
        else:
            pytest.skip(f"no {encoder} encoder: ffmpeg CLI {'lacks it' if encoders else 'not installed'}")
        return target

    return make


def _envelope(samples: np.ndarray, frame: int = 800) -> np.ndarray:
    """RMS per 50 ms frame."""
    n = len(samples) // frame * frame
    return np.sqrt(np.mean(samples[:n].reshape(-1, frame) ** 2, axis=1))


def test_reference_wav_decodes_to_16k_mono_float32(zh_reference):
    assert zh_reference.dtype == np.float32
    assert zh_reference.ndim == 1
    assert len(zh_reference) == 88747  # the file's 177494 data bytes / 2 bytes per sample
    assert -1.0 <= zh_reference.min() and zh_reference.max() <= 1.0
    assert zh_reference.std() > 0.05  # it is speech, not silence


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_formats_decode_like_the_wav(encoded, zh_reference, suffix):
    path = encoded(suffix)
    audio = load_audio(path)
    assert audio.dtype == np.float32
    assert audio.ndim == 1
    assert abs(len(audio) / SAMPLE_RATE - ZH_WELCOME_S) <= 0.15, len(audio) / SAMPLE_RATE
    n = min(len(audio), len(zh_reference))
    a, ref = audio[:n], zh_reference[:n]
    rms_ratio = np.sqrt(np.mean(a**2)) / np.sqrt(np.mean(ref**2))
    if suffix == "flac":
        # lossless: the very same 16-bit samples
        assert len(audio) == len(zh_reference)
        np.testing.assert_allclose(audio, zh_reference, atol=1e-6)
    elif suffix == "amr":
        # 8 kHz speech codec: it keeps what is said and how loud, not the waveform
        assert 0.8 <= rms_ratio <= 1.2, rms_ratio
        assert np.corrcoef(_envelope(a), _envelope(ref))[0, 1] >= 0.95
    else:
        # perceptual codecs at default bitrates stay sample-aligned and close to the original
        assert 0.9 <= rms_ratio <= 1.1, rms_ratio
        assert np.corrcoef(a, ref)[0, 1] >= 0.98


def test_probe_describes_the_wav(zh_wav):
    info = probe(zh_wav)
    assert info.channels == 1
    assert info.sample_rate == 16000
    assert info.codec == "pcm_s16le"
    assert info.duration == pytest.approx(88747 / 16000, abs=1e-3)


@pytest.mark.parametrize("block_s", [1.0, 0.25, 2.5])
def test_iter_blocks_are_exact_size_and_concatenate_to_load_audio(zh_wav, zh_reference, block_s):
    blocks = list(iter_blocks(zh_wav, block_s=block_s))
    size = int(block_s * SAMPLE_RATE)
    assert len(blocks) == -(-len(zh_reference) // size)
    assert all(b.shape == (size,) and b.dtype == np.float32 for b in blocks[:-1])
    assert 0 < len(blocks[-1]) <= size
    np.testing.assert_array_equal(np.concatenate(blocks), zh_reference)


@pytest.fixture
def tone_left_silence_right(tmp_path) -> Path:
    """2 s stereo at 44.1 kHz: left a 440 Hz tone at half scale, right digital silence."""
    rate = 44_100
    t = np.arange(2 * rate) / rate
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    path = tmp_path / "tone_left.wav"
    soundfile.write(path, np.stack([left, np.zeros_like(left)], axis=1), rate, subtype="PCM_16")
    return path


def test_stereo_layout_keeps_channels_apart(tone_left_silence_right):
    stereo = load_audio(tone_left_silence_right, layout="stereo")
    assert stereo.dtype == np.float32
    assert stereo.shape[0] == 2
    assert abs(stereo.shape[1] - 2 * SAMPLE_RATE) <= 16  # resampled 44.1k -> 16k, 2 s
    # left: a 0.5-amplitude sine is 20*log10(0.5/sqrt(2)) = -9.03 dBFS; right: silence
    assert rms_dbfs(stereo[0]) == pytest.approx(-9.03, abs=0.2)
    assert rms_dbfs(stereo[1]) < -80
    # the mono downmix is ffmpeg's (L + R) / sqrt(2): the lone left tone comes out 3 dB down (not 6 dB)
    mono = load_audio(tone_left_silence_right)
    assert mono.shape == (stereo.shape[1],)
    assert rms_dbfs(mono) == pytest.approx(-9.03 - 3.01, abs=0.2)
    np.testing.assert_allclose(mono, stereo[0] / np.sqrt(2), atol=1e-4)


def test_stereo_blocks_have_shape_2_by_n(tone_left_silence_right):
    blocks = list(iter_blocks(tone_left_silence_right, layout="stereo", block_s=0.5))
    assert [b.shape for b in blocks[:-1]] == [(2, 8000)] * (len(blocks) - 1)
    assert blocks[-1].shape[0] == 2
    np.testing.assert_array_equal(np.concatenate(blocks, axis=-1), load_audio(tone_left_silence_right, layout="stereo"))


def test_stereo_layout_on_mono_file_is_refused(zh_wav):
    with pytest.raises(AudioError, match="channel"):
        load_audio(zh_wav, layout="stereo")


def test_probe_missing_file(tmp_path):
    with pytest.raises(AudioError, match="no such file"):
        probe(tmp_path / "nope.wav")


def test_probe_empty_file(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        probe(path)


def test_probe_directory(tmp_path):
    with pytest.raises(AudioError, match="is a directory"):
        probe(tmp_path)


@pytest.mark.parametrize("name", ["notes.txt", "notes.wav"])
def test_probe_text_file(tmp_path, name):
    path = tmp_path / name
    path.write_text("Call notes: customer wants a quote by Friday.\n" * 20, encoding="utf-8")
    # ffmpeg either fails to open it or opens it as a text/subtitle container without audio
    with pytest.raises(AudioError, match="not a readable audio file|not an audio file"):
        probe(path)


def test_probe_image_without_audio_stream(tmp_path):
    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg CLI not installed")
    path = tmp_path / "red.png"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1", str(path)], check=True
    )
    with pytest.raises(AudioError, match="no audio stream"):
        probe(path)


def test_truncated_wav_is_detected_by_probe(zh_wav, tmp_path):
    data = zh_wav.read_bytes()
    path = tmp_path / "half.wav"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AudioError, match="truncated"):
        probe(path)
    with pytest.raises(AudioError, match="truncated"):
        load_audio(path)


def test_truncated_flac_is_detected_on_decode(tmp_path):
    jfk = SHARED_SPEECH / "jfk.flac"
    if not jfk.is_file():
        pytest.skip(f"real test recording {jfk} not found")
    path = tmp_path / "cut.flac"
    path.write_bytes(jfk.read_bytes()[:60_000])
    probe(path)  # the header alone looks fine ...
    with pytest.raises(AudioError, match="truncated"):  # ... decoding finds the cut
        load_audio(path)


def test_streamed_wav_with_unknown_length_is_not_called_truncated(zh_wav, zh_reference, tmp_path):
    """A WAV written by a streaming recorder says 0xFFFFFFFF bytes follow: that is 'unknown', not a cut."""
    data = bytearray(zh_wav.read_bytes())
    at = data.index(b"data")
    data[at + 4 : at + 8] = (0xFFFFFFFF).to_bytes(4, "little")
    path = tmp_path / "streamed.wav"
    path.write_bytes(bytes(data))
    np.testing.assert_array_equal(load_audio(path), zh_reference)


def test_too_short_audio(tmp_path):
    path = tmp_path / "blip.wav"
    t = np.arange(int(0.1 * SAMPLE_RATE)) / SAMPLE_RATE
    soundfile.write(path, 0.5 * np.sin(2 * np.pi * 440 * t), SAMPLE_RATE)
    probe(path)  # a perfectly valid file ...
    with pytest.raises(AudioError, match="too short"):  # ... with too little in it
        load_audio(path)


def test_rms_dbfs():
    assert rms_dbfs(np.zeros(16000, dtype=np.float32)) == float("-inf")
    assert rms_dbfs(np.zeros(0, dtype=np.float32)) == float("-inf")
    t = np.arange(16000) / 16000
    assert rms_dbfs(np.sin(2 * np.pi * 1000 * t).astype(np.float32)) == pytest.approx(-3.0103, abs=0.01)
    assert rms_dbfs(np.full(100, 0.1, dtype=np.float32)) == pytest.approx(-20.0, abs=1e-6)


# --- quiet_cut_chunks ---------------------------------------------------------------------------------

BURST_S, GAP_S = 0.7, 0.5


def _bursts(seconds: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Loud noise bursts (0.7 s) separated by quiet gaps (0.5 s of -66 dBFS hiss); returns (signal, is_gap)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SAMPLE_RATE)
    position = np.arange(n) % int((BURST_S + GAP_S) * SAMPLE_RATE)
    is_gap = position >= int(BURST_S * SAMPLE_RATE)
    signal = np.where(is_gap, 0.0005, 0.5) * rng.standard_normal(n)
    return signal.astype(np.float32), is_gap


def _split(signal: np.ndarray, block: int) -> list[np.ndarray]:
    return [signal[..., i : i + block] for i in range(0, signal.shape[-1], block)]


@pytest.mark.parametrize("block_s", [0.37, 2.0, 60.0])
def test_quiet_cut_chunks_cut_in_the_gaps(block_s):
    signal, is_gap = _bursts(32.0)
    chunk_s = 5.0
    chunks = list(quiet_cut_chunks(_split(signal, int(block_s * SAMPLE_RATE)), chunk_s))
    np.testing.assert_array_equal(np.concatenate([c for _, c in chunks]), signal)
    starts = [0]
    for offset, chunk in chunks:
        assert offset == pytest.approx(starts[-1] / SAMPLE_RATE, abs=1e-9)
        starts.append(starts[-1] + len(chunk))
    cuts = starts[1:-1]
    assert len(cuts) >= 5  # 32 s at ~4.5 s a chunk
    half_frame = SAMPLE_RATE // 20
    for cut in cuts:
        # the cut sits in the middle of a 100 ms frame that lies wholly inside a quiet gap
        assert is_gap[cut - half_frame : cut + half_frame].all(), f"cut at {cut / SAMPLE_RATE:.3f} s is not in a gap"
    # every chunk but the last ends in the last second before its 5 s target
    for _, chunk in chunks[:-1]:
        assert 4.0 * SAMPLE_RATE <= len(chunk) < 5.0 * SAMPLE_RATE
    assert len(chunks[-1][1]) < (chunk_s + 1.0) * SAMPLE_RATE


def test_quiet_cut_chunks_stereo():
    left, is_gap = _bursts(24.0, seed=1)
    right, _ = _bursts(24.0, seed=2)  # same timing, different noise
    signal = np.stack([left, 0.5 * right])
    chunks = list(quiet_cut_chunks(_split(signal, 7000), 5.0))
    assert all(c.shape[0] == 2 for _, c in chunks)
    np.testing.assert_array_equal(np.concatenate([c for _, c in chunks], axis=-1), signal)
    position = 0
    for offset, chunk in chunks[:-1]:
        assert offset == pytest.approx(position / SAMPLE_RATE, abs=1e-9)
        position += chunk.shape[-1]
        assert is_gap[position - 800 : position + 800].all(), f"cut at {position / SAMPLE_RATE:.3f} s is not in a gap"
    assert len(chunks) >= 4


def test_quiet_cut_chunks_short_input_is_one_chunk():
    signal, _ = _bursts(3.0)
    chunks = list(quiet_cut_chunks(_split(signal, 16000), 5.0))
    assert len(chunks) == 1
    assert chunks[0][0] == 0.0
    np.testing.assert_array_equal(chunks[0][1], signal)


def test_quiet_cut_chunks_no_blocks():
    assert list(quiet_cut_chunks(iter(()), 5.0)) == []
