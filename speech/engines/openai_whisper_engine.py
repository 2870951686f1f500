"""openai-whisper (PyTorch): the reference implementation, as a second engine and a speed peer.

openai-whisper would download checkpoints from its own servers, which we never do: by default it
runs the bundled Whisper base, exported exactly from the CTranslate2 package (speech.convert);
DEALWISE_ASR_MODEL can point it at another local `.pt` checkpoint instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from speech.engines.base import EngineConfig, Recognition, RecognizedSegment, RecognizedWord, register_engine
from speech.errors import EngineUnavailable


@register_engine("openai-whisper")
class OpenAIWhisperEngine:
    def __init__(self, config: EngineConfig):
        try:
            import torch
            from whisper.model import ModelDimensions, Whisper
        except ImportError:
            raise EngineUnavailable("openai-whisper is not installed: run `make install`") from None
        from speech.convert import ensure_openai_checkpoint

        if config.model and not Path(config.model).is_file():
            raise EngineUnavailable(f"openai-whisper checkpoint {config.model} does not exist (a local .pt file is needed)")
        path = Path(config.model) if config.model else ensure_openai_checkpoint(config.models_dir)
        torch.set_num_threads(config.threads or (os.cpu_count() or 1))
        checkpoint = torch.load(path, map_location="cpu", weights_only=False)
        dims = ModelDimensions(**checkpoint["dims"])
        self.model = Whisper(dims)
        self.model.load_state_dict(checkpoint["model_state_dict"])
        if checkpoint.get("alignment_heads"):  # the heads that time words well, where the export knows them
            heads = torch.zeros(dims.n_text_layer, dims.n_text_head, dtype=torch.bool)
            for layer, head in checkpoint["alignment_heads"]:
                heads[layer, head] = True
            self.model.register_buffer("alignment_heads", heads.to_sparse(), persistent=False)
        self.model.eval()
        self.beam_size = config.beam_size

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str | None,
        word_timestamps: bool = True,
        initial_prompt: str | None = None,
    ) -> Recognition:
        result = self.model.transcribe(
            audio.astype(np.float32),
            language=language,
            beam_size=self.beam_size,
            word_timestamps=word_timestamps,
            initial_prompt=initial_prompt,
            fp16=False,
            verbose=None,
        )
        segments = [
            RecognizedSegment(
                start=float(s["start"]),
                end=float(s["end"]),
                text=s["text"],
                words=tuple(
                    RecognizedWord(float(w["start"]), float(w["end"]), w["word"], float(w["probability"]))
                    for w in s.get("words", ())
                ),
            )
            for s in result["segments"]
        ]
        return Recognition(language=result["language"], segments=segments)

    def language_probabilities(self, audio: np.ndarray) -> dict[str, float]:
        import whisper

        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio.astype(np.float32)), self.model.dims.n_mels)
        _tokens, probabilities = self.model.detect_language(mel)
        return dict(probabilities)
