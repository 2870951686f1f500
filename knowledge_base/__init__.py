"""The sales playbook, searchable: ingest documents and script tables, retrieve scripts by hybrid search.

    kb = KnowledgeBase(settings.kb_dir, collection="playbook")
    kb.ingest(["examples/kb"])                       # Markdown, text, PDF, DOCX, CSV/XLSX script tables
    kb.search("你们比别家贵太多了", k=3, filters={"objection_type": "price"})   # -> [SearchHit]

Chunks keep their heading path and script-table columns (objection type, stage, product, language);
search fuses dense multilingual-e5-small similarity (Chinese, English, cross-lingual) with BM25 over
jieba tokens by reciprocal rank fusion. `UsageLog` records which suggested scripts reps used and which
conversations were won, for the script-usage heatmap.
"""

from knowledge_base.fusion import reciprocal_rank_fusion
from knowledge_base.heatmap import render as render_heatmap
from knowledge_base.loaders import LOADERS, load_file, loader, supported_suffixes
from knowledge_base.models import Chunk, FileResult, IngestReport, KnowledgeBaseError, SearchHit
from knowledge_base.store import MODES, KnowledgeBase, list_collections
from knowledge_base.usage import EVENTS, OUTCOMES, HeatmapCell, UsageEvent, UsageLog

__all__ = [
    "EVENTS",
    "LOADERS",
    "MODES",
    "OUTCOMES",
    "Chunk",
    "FileResult",
    "HeatmapCell",
    "IngestReport",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "SearchHit",
    "UsageEvent",
    "UsageLog",
    "list_collections",
    "load_file",
    "loader",
    "reciprocal_rank_fusion",
    "render_heatmap",
    "supported_suffixes",
]
