"""faster-whisper (CTranslate2): the default engine, int8 on CPU, with the bundled base model."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

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
        self.model = WhisperModel(
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
        segments, info = self.model.transcribe(
            audio,
            language=language,
            beam_size=self.beam_size,
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
