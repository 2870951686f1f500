"""The learned layer, and the small model that fuses it with the lexicon into one probability per label.

Layer 1: one logistic regression per label on multilingual-e5-small sentence embeddings, trained on
the train split of the authored set. Layer 2 (fusion): per label, a logistic regression over
[logit of layer 1, lexicon trigger, lexicon denial]; it is trained on *out-of-fold* layer-1
probabilities, so it learns how far to trust the embedding on text it has not seen, and how much a
pattern hit or a denial (价格不是问题) should move it. Thresholds per label maximise F1 on the same
out-of-fold predictions. The test split is never touched here.

Training takes ~10 s (embedding ~800 sentences); the weights are saved as a plain .npz under the
model dir, keyed by the dataset's content hash and reused by every later process.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from behavior.objections import lexicon
from behavior.objections.dataset import dataset_fingerprint, load_examples
from behavior.objections.taxonomy import LABELS

log = logging.getLogger(__name__)
FORMAT_VERSION = 1
EMBEDDING_C = (2.0, 8.0, 32.0)
LEXICON_UNSEEN_RECALL = 0.6
_EPS = 1e-6


def lexicon_signals(texts: list[str]) -> np.ndarray:
    """(n, labels, 2): [trigger present, denial present] per text and label."""
    signals = np.zeros((len(texts), len(LABELS), 2), dtype=np.float32)
    for row, text in enumerate(texts):
        for found in lexicon.match(text):
            signals[row, LABELS.index(found.label), int(found.denied)] = 1.0
    return signals


def _fusion_inputs(probabilities: np.ndarray, signals: np.ndarray, label: int) -> np.ndarray:
    p = np.clip(probabilities[:, label], _EPS, 1 - _EPS)
    return np.column_stack([np.log(p / (1 - p)), signals[:, label, 0], signals[:, label, 1]])


@dataclass(frozen=True)
class FusedClassifier:
    embedding_weights: np.ndarray  # (labels, dim)
    embedding_bias: np.ndarray  # (labels,)
    fusion_weights: np.ndarray  # (labels, 3)
    fusion_bias: np.ndarray  # (labels,)
    thresholds: np.ndarray  # (labels,)

    def embedding_probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return _sigmoid(vectors @ self.embedding_weights.T + self.embedding_bias)

    def probabilities(self, vectors: np.ndarray, signals: np.ndarray) -> np.ndarray:
        layer1 = self.embedding_probabilities(vectors)
        fused = np.empty_like(layer1)
        for label in range(len(LABELS)):
            fused[:, label] = _sigmoid(_fusion_inputs(layer1, signals, label) @ self.fusion_weights[label] + self.fusion_bias[label])
        return fused

    def save(self, path: Path, fingerprint: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as handle:
            np.savez(handle, version=FORMAT_VERSION, fingerprint=fingerprint, labels=np.array(LABELS), **self.__dict__)
        os.replace(handle.name, path)  # atomic: a concurrent reader never sees half a model

    @classmethod
    def load(cls, path: Path, fingerprint: str) -> FusedClassifier | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                if int(data["version"]) != FORMAT_VERSION or str(data["fingerprint"]) != fingerprint or tuple(data["labels"]) != LABELS:
                    return None
                return cls(**{name: data[name] for name in cls.__dataclass_fields__})
        except (OSError, ValueError, KeyError):
            return None


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def train(embed, seed: int = 0) -> FusedClassifier:
    """Fit both layers on the train split. `embed(texts) -> (n, dim)` normalized vectors."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    examples = load_examples("train")
    texts = [e.text for e in examples]
    vectors = embed(texts)
    targets = np.array([[label in e.labels for label in LABELS] for e in examples], dtype=int)
    signals = _as_on_unseen_text(lexicon_signals(texts), np.random.default_rng(seed))

    folds = list(KFold(n_splits=5, shuffle=True, random_state=seed).split(vectors))

    def out_of_fold(strength: float) -> np.ndarray:
        predictions = np.zeros(targets.shape, dtype=np.float64)
        for fit_rows, held_rows in folds:
            for label in range(len(LABELS)):
                model = _embedding_model(strength).fit(vectors[fit_rows], targets[fit_rows, label])
                predictions[held_rows, label] = model.predict_proba(vectors[held_rows])[:, 1]
        return predictions

    # Regularization chosen by cross-validation on the train split (the test split stays unseen).
    candidates = {strength: out_of_fold(strength) for strength in EMBEDDING_C}
    strength = max(candidates, key=lambda c: _macro_f1(candidates[c] >= 0.5, targets))
    layer1 = candidates[strength]

    dim = vectors.shape[1]
    weights, bias = np.zeros((len(LABELS), dim)), np.zeros(len(LABELS))
    fusion_w, fusion_b, thresholds = np.zeros((len(LABELS), 3)), np.zeros(len(LABELS)), np.full(len(LABELS), 0.5)
    for label in range(len(LABELS)):
        full = _embedding_model(strength).fit(vectors, targets[:, label])
        weights[label], bias[label] = full.coef_[0], full.intercept_[0]
        inputs = _fusion_inputs(layer1, signals, label)
        fusion = LogisticRegression(C=1.0, max_iter=1000).fit(inputs, targets[:, label])
        fusion_w[label], fusion_b[label] = fusion.coef_[0], fusion.intercept_[0]
        thresholds[label] = _best_threshold(fusion.predict_proba(inputs)[:, 1], targets[:, label])
    return FusedClassifier(weights, bias, fusion_w, fusion_b, thresholds)


def _as_on_unseen_text(signals: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Lexicon signals as they would look on text the patterns were not written from.

    The patterns were written while reading the train split, so on it they fire almost perfectly, and a
    fusion fit on that would trust them far too much. On new sentences they catch roughly
    LEXICON_UNSEEN_RECALL of the objections (measured on fresh hand-written sets), so trigger hits are
    dropped at random to that rate before the fusion is fit.
    """
    kept = signals.copy()
    triggers = kept[:, :, 0]
    triggers[rng.random(triggers.shape) > LEXICON_UNSEEN_RECALL] = 0.0
    return kept


def _embedding_model(strength: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=strength, class_weight="balanced", max_iter=3000)


def _macro_f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    tp = np.sum(predicted & (truth == 1), axis=0)
    return float(np.mean(2 * tp / np.maximum(1, predicted.sum(axis=0) + truth.sum(axis=0))))


def _best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    """The F1-maximising cut on out-of-fold scores, kept within 0.3..0.7 so it stays a probability cut."""
    best, best_f1 = 0.5, -1.0
    for cut in np.arange(0.3, 0.71, 0.05):
        predicted = scores >= cut
        tp = np.sum(predicted & (truth == 1))
        f1 = 2 * tp / max(1, predicted.sum() + truth.sum())
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(cut), f1
    return best


def _fingerprint() -> str:
    """The data and the code that shape the model: a new lexicon or training recipe retrains it."""
    code = hashlib.sha256(Path(lexicon.__file__).read_bytes() + Path(__file__).read_bytes()).hexdigest()[:8]
    return f"{dataset_fingerprint()}-{code}"


def load_or_train(model_dir: Path, embed) -> FusedClassifier:
    fingerprint = _fingerprint()
    path = Path(model_dir) / f"objections-{fingerprint}.npz"
    model = FusedClassifier.load(path, fingerprint)
    if model is None:
        log.info("training the objection classifier (once; saved to %s)", path)
        model = train(embed)
        model.save(path, fingerprint)
    return model
