"""All dealwise configuration, from environment variables prefixed DEALWISE_ (or a .env file)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEALWISE_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path(".dealwise"), description="Every file dealwise writes at run time lives here.")
    model_dir: Path | None = Field(default=None, description="Where bundled models are assembled; default DATA_DIR/models.")
    asr_engine: str = Field(default="faster-whisper", description="ASR engine name (see `dealwise engines`).")
    asr_model: str | None = Field(
        default=None, description="A local model instead of the bundled base: CTranslate2 dir or openai-whisper .pt."
    )
    asr_compute_type: str = Field(default="int8", description="CTranslate2 compute type: int8, int8_float32, float32.")
    asr_threads: int = Field(default=0, ge=0, description="CPU threads for ASR; 0 = one per core.")
    asr_beam_size: int = Field(default=5, ge=1, le=10)
    live_asr_beam_size: int = Field(default=1, ge=1, le=10, description="Beam size for live call audio.")
    live_asr_min_window_s: int = Field(
        default=10, ge=5, le=30, description="Shortest Whisper encoder window for live audio, seconds (30: native)."
    )
    language: str = Field(default="auto", description="Default transcription language: zh, en or auto.")
    trackers: Path | None = Field(default=None, description="JSON file of keyword/semantic trackers; default: the bundled set.")
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DEALWISE_DATABASE_URL", "DATABASE_URL"),
        description="SQLAlchemy URL (postgresql+psycopg://...); default: a SQLite file in the data dir.",
    )
    embedding_backend: str = Field(default="e5", description="Knowledge-base embedding backend (see embeddings/).")
    kb_collection: str = Field(default="playbook", description="Default knowledge-base collection.")
    llm_provider: str | None = Field(
        default=None, description="none, openai (any OpenAI-compatible endpoint) or llamacpp; default: openai when LLM_BASE_URL is set."
    )
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint: DeepSeek, DashScope, vLLM, Ollama.")
    llm_model: str | None = Field(default=None, description="Model name at the endpoint, or a .gguf path for llamacpp.")
    llm_api_key: str | None = Field(default=None)
    llm_timeout_s: float = Field(default=30.0, gt=0)
    rules: Path | None = Field(default=None, description="YAML action rules; default: the bundled rule set.")
    connectors: Path | None = Field(default=None, description="YAML mapping tool -> connector (builtin or webhook URL).")
    log_format: Literal["json", "text"] = Field(default="json", description="Service logs: one JSON object per line, or text.")
    max_upload_mb: float = Field(default=500, gt=0, description="Largest accepted upload (recording, document); larger -> 413.")
    job_lease_s: float = Field(default=120, gt=0, description="A job whose worker is silent this long is taken by another worker.")
    webhook_secret: str | None = Field(default=None, description="HMAC-SHA256 key that signs webhook connector bodies.")
    secret_key: str | None = Field(
        default=None, description="Encrypts stored platform credentials; default: a key made once in DATA_DIR/secret.key (0600)."
    )
    wecom_base_url: str = Field(default="https://qyapi.weixin.qq.com", description="WeCom API base URL (a proxy, or a test stand-in).")
    dingtalk_base_url: str = Field(default="https://oapi.dingtalk.com", description="DingTalk API base URL.")
    callback_window_s: float = Field(default=300, gt=0, description="Platform callbacks stamped further from now are replays: 403.")
    callback_max_kb: int = Field(default=1024, gt=0, description="Largest platform callback body; larger -> 413.")
    chat_quiet_s: float = Field(
        default=1800, ge=0, description="A WeCom/DingTalk chat silent this long gets its summary pushed to the rep(s) once; 0 = never."
    )

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'dealwise.db').resolve()}"

    @property
    def kb_dir(self) -> Path:
        return self.data_dir / "kb"

    @property
    def models_dir(self) -> Path:
        return self.model_dir or self.data_dir / "models"

    def engine_config(self):
        from speech import EngineConfig

        return EngineConfig(
            model=self.asr_model,
            models_dir=self.models_dir,
            compute_type=self.asr_compute_type,
            threads=self.asr_threads,
            beam_size=self.asr_beam_size,
        )

    def live_engine_config(self):
        """Live audio: greedy decoding in short encoder windows, so a final is out within a second or so
        of the speaker stopping even with several calls streaming on 2 cores (bench/live_load.py)."""
        from dataclasses import replace

        return replace(
            self.engine_config(),
            beam_size=self.live_asr_beam_size,
            min_window_s=self.live_asr_min_window_s,
            max_tokens_per_s=12,
        )


@functools.cache
def get_settings() -> Settings:
    return Settings()
