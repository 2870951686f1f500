"""faster-whisper (CTranslate2): the default engine, int8 on CPU, with the bundled base model."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from speech.audio import SAMPLE_RATE
from speech.engines.base import EngineConfig, Recognition, RecognizedSegment, RecognizedWord, register_engine
from speech.errors import EngineUnavailable
from speech.models import ensure_model


@register_engine("faster-whisper")
class FasterWhisperEngine:
    def __init__(self, config: EngineConfig):
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise EngineUnavailable("faster-whisper is not installed: pip install faster-whisper") from None
        if config.model:
            model_dir = Path(config.model)
            if not (model_dir / "model.bin").is_file():
                raise EngineUnavailable(
                    f"DEALWISE_ASR_MODEL={config.model} is not a CTranslate2 Whisper directory (no model.bin)"
                )
        else:
            model_dir = ensure_model(config.models_dir)
        self.beam_size = config.beam_size
        self.max_tokens_per_s = config.max_tokens_per_s
        model_class = _windowed_model(WhisperModel, config.min_window_s) if config.min_window_s < 30 else WhisperModel
        self.model = model_class(
            str(model_dir),
            device="cpu",
            compute_type=config.compute_type,
            cpu_threads=config.threads or (os.cpu_count() or 1),
            local_files_only=True,
        )

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str | None,
        word_timestamps: bool = True,
        initial_prompt: str | None = None,
    ) -> Recognition:
        bounded = {}
        if self.max_tokens_per_s:
            budget = int(self.max_tokens_per_s * len(audio) / SAMPLE_RATE) + 8
            bounded = {"temperature": 0.0, "max_new_tokens": min(budget, 200)}
        segments, info = self.model.transcribe(
            audio,
            language=language,
            beam_size=self.beam_size,
            **bounded,
            word_timestamps=word_timestamps,
            initial_prompt=initial_prompt,
            vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 500},
        )
        recognized = [
            RecognizedSegment(
                start=float(s.start),
                end=float(s.end),
                text=s.text,
                words=tuple(
                    RecognizedWord(float(w.start), float(w.end), w.word, float(w.probability)) for w in (s.words or ())
                ),
            )
            for s in segments
        ]
        return Recognition(language=info.language, segments=recognized)

    def language_probabilities(self, audio: np.ndarray) -> dict[str, float]:
        _language, _probability, ranked = self.model.detect_language(audio, vad_filter=True)
        return dict(ranked)


_FRAMES_PER_S = 100  # whisper's log-mel features: one frame per 10 ms


def _windowed_model(base: type, min_window_s: int) -> type:
    """A WhisperModel whose encoder sees only the audio's frames, rounded up to a whole second and at
    least `min_window_s` long, instead of a full 30 s window.

    faster-whisper pads every window's features with zero columns up to 3,000 frames before `encode`
    (CTranslate2 itself accepts shorter inputs); a real log-mel frame, silence included, is never all
    zeros, so the padding is found and cut here."""
    floor = min_window_s * _FRAMES_PER_S

    class WindowedWhisperModel(base):
        def encode(self, features: np.ndarray):
            if features.ndim == 2:
                content = np.flatnonzero(np.any(features != 0, axis=0))
                used = int(content[-1]) + 1 if len(content) else 0
                seconds = -(-used // _FRAMES_PER_S)
                features = features[:, : min(features.shape[-1], max(floor, seconds * _FRAMES_PER_S))]
            return super().encode(features)

    return WindowedWhisperModel
