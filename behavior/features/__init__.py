"""The feature registry, filled by importing each group's module."""

# Imported in the order of GROUPS, which is the order features are listed and computed in.
from behavior.features import talk, questioning, pain, objections, value, next_steps, language, engagement  # noqa: F401, I001
from behavior.features.registry import FEATURES, GROUPS, Feature, FeatureValue
from behavior.features.view import ConversationView

__all__ = ["FEATURES", "GROUPS", "ConversationView", "Feature", "FeatureValue", "compute_features"]


def compute_features(view: ConversationView, keys: list[str] | None = None) -> dict[str, FeatureValue]:
    """Every registered feature (or `keys`) of one conversation, in registry order; floats rounded to 4 places."""
    values: dict[str, FeatureValue] = {}
    for key in keys or FEATURES:
        computed = FEATURES[key].compute(view)
        values[key] = round(float(computed), 4) if isinstance(computed, float) else computed
    return values
