"""Export the bundled CTranslate2 Whisper base model as an openai-whisper checkpoint.

No openai-whisper checkpoint ships on PyPI and the model hub is unreachable, yet the reference
engine must run, and be benchmarked side by side, on a model of the same size. The bundled
CTranslate2 `model.bin` stores Whisper base's float16 weights unquantized, so the export is exact:
read CTranslate2's variable table, rename, split its fused attention projections, and let
openai-whisper's own `load_state_dict(strict=True)` prove every tensor found its place.
"""

from __future__ import annotations

import json
import os
import re
import struct
import tempfile
from pathlib import Path

import numpy as np

from speech.errors import EngineUnavailable
from speech.models import ensure_model

OPENAI_CHECKPOINT_NAME = "whisper-base-openai.pt"
# CTranslate2's DataType enum, as written in model.bin
_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ctranslate2(path: Path) -> dict[str, np.ndarray]:
    """Every variable of a CTranslate2 model.bin (format version 6), aliases resolved."""
    with open(path, "rb") as f:

        def integer(fmt: str) -> int:
            return struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0]

        def string() -> str:
            return f.read(integer("<H")).decode().rstrip("\0")

        version = integer("<I")
        if version != 6:
            raise EngineUnavailable(f"{path}: CTranslate2 model format {version} is not supported (expected 6)")
        string(), integer("<I")  # spec name and revision
        variables: dict[str, np.ndarray] = {}
        for _ in range(integer("<I")):
            name = string()
            rank = integer("<B")
            shape = struct.unpack(f"<{rank}I", f.read(4 * rank))
            dtype = _DTYPES.get(integer("<B"))
            data = f.read(integer("<I"))
            if dtype is not None:
                variables[name] = np.frombuffer(data, dtype=dtype).reshape(shape)
        for _ in range(integer("<I")):
            alias, target = string(), string()
            variables[alias] = variables[target]
    return variables


def _attention(src: dict[str, np.ndarray], ct2: str, out: str, fused: str) -> dict[str, np.ndarray]:
    """Map one CTranslate2 attention block; `fused` is "qkv" (self) or "kv" (cross: query separate)."""
    tensors = {
        f"{out}_ln.weight": src[f"{ct2}/layer_norm/gamma"],
        f"{out}_ln.bias": src[f"{ct2}/layer_norm/beta"],
    }
    if fused == "qkv":
        q, k, v = np.split(src[f"{ct2}/linear_0/weight"], 3)
        qb, _kb, vb = np.split(src[f"{ct2}/linear_0/bias"], 3)  # Whisper's key projection has no bias
        output = "linear_1"
    else:
        q, qb = src[f"{ct2}/linear_0/weight"], src[f"{ct2}/linear_0/bias"]
        k, v = np.split(src[f"{ct2}/linear_1/weight"], 2)
        _kb, vb = np.split(src[f"{ct2}/linear_1/bias"], 2)
        output = "linear_2"
    tensors.update({
        f"{out}.query.weight": q, f"{out}.query.bias": qb,
        f"{out}.key.weight": k,
        f"{out}.value.weight": v, f"{out}.value.bias": vb,
        f"{out}.out.weight": src[f"{ct2}/{output}/weight"], f"{out}.out.bias": src[f"{ct2}/{output}/bias"],
    })
    return tensors


def _mlp(src: dict[str, np.ndarray], ct2: str, out: str) -> dict[str, np.ndarray]:
    return {
        f"{out}.mlp_ln.weight": src[f"{ct2}/ffn/layer_norm/gamma"],
        f"{out}.mlp_ln.bias": src[f"{ct2}/ffn/layer_norm/beta"],
        f"{out}.mlp.0.weight": src[f"{ct2}/ffn/linear_0/weight"],
        f"{out}.mlp.0.bias": src[f"{ct2}/ffn/linear_0/bias"],
        f"{out}.mlp.2.weight": src[f"{ct2}/ffn/linear_1/weight"],
        f"{out}.mlp.2.bias": src[f"{ct2}/ffn/linear_1/bias"],
    }


def _layer_count(src: dict[str, np.ndarray], side: str) -> int:
    indices = {name.split("/")[1] for name in src if re.match(rf"{side}/layer_\d+/", name)}
    return len(indices)


def export_openai_whisper(ct2_dir: Path, target: Path) -> Path:
    """Write an openai-whisper checkpoint with the weights of the CTranslate2 model in `ct2_dir`."""
    import torch
    from whisper.model import ModelDimensions, Whisper

    src = read_ctranslate2(ct2_dir / "model.bin")
    n_audio_layer, n_text_layer = _layer_count(src, "encoder"), _layer_count(src, "decoder")
    dims = ModelDimensions(
        n_mels=src["encoder/conv1/weight"].shape[1],
        n_audio_ctx=src["encoder/position_encodings/encodings"].shape[0],
        n_audio_state=src["encoder/conv1/weight"].shape[0],
        n_audio_head=int(src["encoder/num_heads"]),
        n_audio_layer=n_audio_layer,
        n_vocab=src["decoder/embeddings/weight"].shape[0],
        n_text_ctx=src["decoder/position_encodings/encodings"].shape[0],
        n_text_state=src["decoder/embeddings/weight"].shape[1],
        n_text_head=int(src["decoder/num_heads"]),
        n_text_layer=n_text_layer,
    )
    tensors = {
        "encoder.conv1.weight": src["encoder/conv1/weight"], "encoder.conv1.bias": src["encoder/conv1/bias"],
        "encoder.conv2.weight": src["encoder/conv2/weight"], "encoder.conv2.bias": src["encoder/conv2/bias"],
        "encoder.positional_embedding": src["encoder/position_encodings/encodings"],
        "encoder.ln_post.weight": src["encoder/layer_norm/gamma"], "encoder.ln_post.bias": src["encoder/layer_norm/beta"],
        "decoder.token_embedding.weight": src["decoder/embeddings/weight"],
        "decoder.positional_embedding": src["decoder/position_encodings/encodings"],
        "decoder.ln.weight": src["decoder/layer_norm/gamma"], "decoder.ln.bias": src["decoder/layer_norm/beta"],
    }
    for i in range(n_audio_layer):
        tensors |= _attention(src, f"encoder/layer_{i}/self_attention", f"encoder.blocks.{i}.attn", "qkv")
        tensors |= _mlp(src, f"encoder/layer_{i}", f"encoder.blocks.{i}")
    for i in range(n_text_layer):
        tensors |= _attention(src, f"decoder/layer_{i}/self_attention", f"decoder.blocks.{i}.attn", "qkv")
        tensors |= _attention(src, f"decoder/layer_{i}/attention", f"decoder.blocks.{i}.cross_attn", "kv")
        tensors |= _mlp(src, f"decoder/layer_{i}", f"decoder.blocks.{i}")
    state = {name: torch.from_numpy(np.array(value)) for name, value in tensors.items()}
    model = Whisper(dims)
    model.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)  # every tensor placed, shapes match
    heads = json.loads((ct2_dir / "config.json").read_text()).get("alignment_heads", [])
    checkpoint = {"dims": dims.__dict__, "model_state_dict": state, "alignment_heads": heads}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        torch.save(checkpoint, tmp)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def ensure_openai_checkpoint(models_dir: Path) -> Path:
    """The bundled base model as an openai-whisper checkpoint, exported once into `models_dir`."""
    target = Path(models_dir) / OPENAI_CHECKPOINT_NAME
    if not target.is_file():
        export_openai_whisper(ensure_model(models_dir), target)
    return target
