"""Sales behavior DNA: features, objection tags, hints and won-vs-lost cohort statistics.

    from behavior import analyze, get_tagger
    analysis = analyze(conversation, get_tagger())      # features, objections, hints
    result = cohort_dna(conversations)                  # won vs lost, archetypes, per-rep cards
    html = render_report(result)                        # the coach's self-contained report

Heavy pieces (embedding model, statistics) load on first use, not at import.
"""

from behavior.analysis import Analysis, AnalysisError, ObjectionTag, analyze
from behavior.features import FEATURES, GROUPS, Feature, compute_features
from behavior.hints import HINT_RULES, Hint
from behavior.objections import LABELS, ObjectionResult, ObjectionTagger, get_tagger

__all__ = [
    "FEATURES",
    "GROUPS",
    "HINT_RULES",
    "LABELS",
    "Analysis",
    "AnalysisError",
    "Feature",
    "Hint",
    "ObjectionResult",
    "ObjectionTag",
    "ObjectionTagger",
    "analyze",
    "cohort_dna",
    "compute_features",
    "get_tagger",
    "render_report",
]


def __getattr__(name: str):
    # pandas, scipy, statsmodels and plotly load only when a cohort is analysed.
    if name == "cohort_dna":
        from behavior.dna import cohort_dna

        return cohort_dna
    if name == "render_report":
        from behavior.report import render_report

        return render_report
    raise AttributeError(name)
