"""Ingest mechanics with a fast hashing embedder: formats, chunking, re-ingest, failures, atomicity."""

from __future__ import annotations

import csv
import zipfile

import pytest

from knowledge_base import KnowledgeBase, KnowledgeBaseError, load_file

MD = """---
product: 简派
---
# 手册

## 价格异议

### 太贵了

场景：客户嫌贵。

话术：我们算一笔账，每人每天不到十三元。

### 没预算

话术：可以先按季度付款，从一个小组开始。

## Discovery

- How many reps are on the team?
- Where do notes live today?
"""


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_markdown_chunks_keep_heading_path_and_metadata(tmp_path):
    chunks = load_file(write(tmp_path / "p.md", MD))
    by_section = {c.section: c for c in chunks}
    price = by_section["手册 > 价格异议 > 太贵了"]
    assert price.objection_type == "price" and price.stage == "objection_handling"
    assert price.language == "zh" and price.product == "简派" and price.kind == "script"
    assert "话术：我们算一笔账" in price.text and "场景" in price.text
    assert by_section["手册 > 价格异议 > 没预算"].objection_type == "price"
    discovery = by_section["手册 > Discovery"]
    assert discovery.objection_type == "" and discovery.language == "en"
    assert "How many reps" in discovery.text and "Where do notes" in discovery.text  # short items packed together


def test_long_sections_split_at_sentence_ends(tmp_path):
    body = "".join(f"这是第{i}句比较长的话术内容，用来测试切分是否在句号处发生。" for i in range(60))
    chunks = load_file(write(tmp_path / "long.md", f"# 长段落\n\n{body}\n"))
    assert len(chunks) > 2 and all(len(c.text) <= 700 for c in chunks)
    assert all(c.text.endswith("。") for c in chunks)
    assert "".join(c.text for c in chunks) == body


def test_round_trip_skip_unchanged_replace_changed(fast_kb, tmp_path):
    doc = write(tmp_path / "playbook.md", MD)
    first = fast_kb.ingest([doc])
    assert [f.status for f in first.files] == ["ingested"] and first.files[0].chunks == 3
    ids = {c.section: c.id for c in fast_kb.get([h.id for h in fast_kb.search("预算", k=10)])}
    assert fast_kb.stats()["chunks"] == 3

    again = fast_kb.ingest([doc])
    assert [f.status for f in again.files] == ["unchanged"] and again.chunks_added == 0

    write(doc, MD.replace("每人每天不到十三元", "每人每天不到十元") + "\n## 新增\n\n话术：这是一条新话术。\n")
    changed = fast_kb.ingest([doc])
    assert changed.files[0].status == "replaced" and changed.files[0].removed == 3 and changed.files[0].chunks == 4
    assert fast_kb.stats()["chunks"] == 4
    texts = [h.text for h in fast_kb.search("每人每天", k=10)]
    assert any("不到十元" in t for t in texts) and not any("十三元" in t for t in texts)
    # an unchanged script keeps its id (usage statistics survive edits); the edited one gets a new id
    after = {c.section: c.id for c in fast_kb.get([h.id for h in fast_kb.search("预算", k=10)])}
    assert after["手册 > 价格异议 > 没预算"] == ids["手册 > 价格异议 > 没预算"]
    assert after["手册 > 价格异议 > 太贵了"] != ids["手册 > 价格异议 > 太贵了"]
    assert fast_kb.remove([doc]) == 4 and fast_kb.stats()["chunks"] == 0


def test_failed_file_leaves_nothing_and_others_stay(fast_kb, tmp_path):
    good1 = write(tmp_path / "a.md", "# A\n\n话术：第一份文件。\n")
    bad = tmp_path / "b.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a pdf")
    good2 = write(tmp_path / "c.txt", "Second good file with a script about pricing.\n")
    report = fast_kb.ingest([good1, bad, good2])
    assert [f.status for f in report.files] == ["ingested", "failed", "ingested"]
    assert "b.pdf" in report.failed[0].error and "PDF" in report.failed[0].error
    stats = fast_kb.stats()
    assert stats["files"] == 2 and stats["chunks"] == 2
    assert str(bad.resolve()) not in stats["sources"]
    assert fast_kb._chroma().get(where={"source": str(bad.resolve())})["ids"] == []


def test_missing_path_fails_before_anything_is_written(fast_kb, tmp_path):
    good = write(tmp_path / "a.md", "# A\n\ntext\n")
    with pytest.raises(KnowledgeBaseError, match="no such file or directory: .*nope.md"):
        fast_kb.ingest([good, tmp_path / "nope.md"])
    with pytest.raises(KnowledgeBaseError, match="does not exist"):
        fast_kb.stats()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.md", b"", "empty file"),
        ("notes.xyz", b"hello", "unsupported file type '.xyz'"),
        ("binary.txt", b"\x00\xff\xfe\x00garbage\x00", "not a text file"),
        ("broken.docx", b"PK not a zip", "not a readable DOCX"),
        ("broken.xlsx", b"not a workbook", "not a readable XLSX"),
        ("noscript.csv", "name,phone\n张三,123\n".encode(), "no script column"),
    ],
)
def test_bad_files_get_one_clear_error_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(KnowledgeBaseError, match=message) as error:
        load_file(path)
    assert name in str(error.value) and "\n" not in str(error.value)


def test_encrypted_pdf_is_refused(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with open(path, "wb") as out:
        writer.write(out)
    with pytest.raises(KnowledgeBaseError, match="locked.pdf: encrypted PDF"):
        load_file(path)


def test_pdf_text_comes_back(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = "Noto Sans CJK SC" in {f.name for f in font_manager.fontManager.ttflist}
    path = tmp_path / "faq.pdf"
    with plt.rc_context({"pdf.fonttype": 42, "font.family": ["Noto Sans CJK SC", "DejaVu Sans"] if cjk else ["DejaVu Sans"]}):
        figure = plt.figure(figsize=(8.27, 11.69))
        figure.text(0.1, 0.9, "Script: the pilot costs nothing for fourteen days.")
        if cjk:
            figure.text(0.1, 0.85, "话术：我们可以先免费试用十四天。")
        figure.savefig(path)
        plt.close(figure)
    text = " ".join(c.text for c in load_file(path))
    assert "the pilot costs nothing for fourteen days" in text
    if cjk:
        assert "免费试用十四天" in text
    assert load_file(path)[0].extra.get("page") == "1"


def test_docx_headings_paragraphs_and_script_table(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("竞品异议", level=1)
    document.add_paragraph("话术：我们原生对接企业微信，聊天记录自动归档。")
    table = document.add_table(rows=2, cols=3)
    for cell, value in zip(table.rows[0].cells, ["异议类型", "客户说法", "话术"]):
        cell.text = value
    for cell, value in zip(table.rows[1].cells, ["价格", "太贵了", "我们算一笔账。"]):
        cell.text = value
    path = tmp_path / "playbook.docx"
    document.save(path)
    chunks = load_file(path)
    paragraph = next(c for c in chunks if "企业微信" in c.text)
    assert paragraph.section == "竞品异议" and paragraph.objection_type == "competitor"
    row = next(c for c in chunks if c.text == "我们算一笔账。")
    assert row.objection_type == "price" and row.context == "太贵了" and row.section == "竞品异议 > 太贵了"


def test_xlsx_with_chinese_headers_one_script_per_row(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes.append(["这一页是说明，没有话术列"])
    sheet = workbook.create_sheet("话术")
    sheet.append(["异议类型", "阶段", "话术", "产品", "负责人"])
    sheet.append(["竞品", "异议处理", "我们和星云相比有三点不同。", "简派", "王经理"])
    sheet.append(["决策权", "推进成交", "要不我们一起约老板二十分钟？", "简派", None])
    sheet.append([None, None, None, None, None])
    path = tmp_path / "scripts.xlsx"
    workbook.save(path)
    chunks = load_file(path)
    assert [c.objection_type for c in chunks] == ["competitor", "authority"]
    assert [c.stage for c in chunks] == ["objection_handling", "closing"]
    assert chunks[0].product == "简派" and chunks[0].extra["负责人"] == "王经理" and chunks[0].extra["sheet"] == "话术"
    assert chunks[0].language == "zh" and chunks[0].kind == "script"


def test_csv_in_gb18030_with_english_and_chinese_headers(tmp_path):
    path = tmp_path / "scripts.csv"
    with open(path, "w", encoding="gb18030", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Objection Type", "stage", "客户原话", "话术"])
        writer.writerow(["trust", "objection_handling", "没听说过你们", "我们服务了一千二百家客户，可以介绍同行给您。"])
        writer.writerow(["need", "discovery", "We use Excel", "How long does the weekly roll-up take?"])
    chunks = load_file(path)
    assert [(c.objection_type, c.language) for c in chunks] == [("trust", "zh"), ("need", "en")]
    assert chunks[0].context == "没听说过你们" and chunks[1].stage == "discovery"


def test_plain_text_headings(tmp_path):
    text = "一、价格异议\n\n客户说太贵的时候，先算账再谈折扣。\n\n二、决策权异议\n\n先了解老板最关心什么。\n"
    chunks = load_file(write(tmp_path / "notes.txt", text))
    assert [(c.section, c.objection_type) for c in chunks] == [("一、价格异议", "price"), ("二、决策权异议", "authority")]


def test_directory_ingest_skips_unsupported_and_hidden_files(fast_kb, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    write(folder / "a.md", "# A\n\n话术：一。\n")
    write(folder / "image.png", "not text")
    write(folder / ".hidden.md", "# hidden\n")
    report = fast_kb.ingest([folder])
    assert [f.path for f in report.files] == [str(folder / "a.md")]


def test_collection_remembers_its_embedder(fast_kb, tmp_path):
    fast_kb.ingest([write(tmp_path / "a.md", "# A\n\n话术：一。\n")])
    other = KnowledgeBase(fast_kb.directory, embedder="e5", collection="test")
    with pytest.raises(KnowledgeBaseError, match="built with the 'kbtest-hash' embedder"):
        other.search("一")
    assert KnowledgeBase(fast_kb.directory, collection="test").search("一")  # None: the collection's own
    with pytest.raises(KnowledgeBaseError, match="bad collection name"):
        KnowledgeBase(tmp_path, collection="a b")


def test_chroma_gets_no_embedding_function_and_downloads_nothing(fast_kb, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    fast_kb.ingest([write(tmp_path / "a.md", "# A\n\n话术：一。\n")])
    assert fast_kb._chroma()._embedding_function is None
    assert not (tmp_path / "home" / ".cache" / "chroma").exists()


def test_docx_zip_without_document_is_an_error(tmp_path):
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(KnowledgeBaseError, match="empty.docx: not a readable DOCX"):
        load_file(path)


def test_drop_removes_the_collection(fast_kb, tmp_path):
    fast_kb.ingest([write(tmp_path / "a.md", "# A\n\n话术：一。\n")])
    assert fast_kb.search("一")
    fast_kb.drop()
    with pytest.raises(KnowledgeBaseError, match="does not exist"):
        fast_kb.search("一")
    assert fast_kb.ingest([tmp_path / "a.md"]).files[0].status == "ingested"  # a fresh start, not "unchanged"


def test_another_process_ingesting_is_seen_and_never_overwritten(tmp_path):
    """The CLI ingests while a server holds the collection open: the server's next search finds the new
    scripts, and the server's own next ingest keeps them (a stale Chroma client refused or lost them)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    scripts = {
        "price.md": "# 价格异议\n\n客户嫌贵时，先问预算范围，再按仓库数量给出分级报价。",
        "trial.md": "# Minimal trial\n\nWhen the customer stalls, offer a two-week free trial in one warehouse.",
        "trust.md": "# 信任异议\n\n客户担心数据安全时，出示等保三级证书和同行业客户案例。",
    }
    for name, text in scripts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    directory, everything = tmp_path / "kb", {str(tmp_path / name) for name in scripts}

    def other_process(statement: str) -> str:
        code = f"from knowledge_base import KnowledgeBase; kb = KnowledgeBase({str(directory)!r}, 'e5', collection='shared'); {statement}"
        done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=300,
                              cwd=Path(__file__).resolve().parents[2])
        return done.stdout

    server = KnowledgeBase(directory, "e5", collection="shared")
    assert not server.ingest([tmp_path / "price.md"]).failed
    assert {hit.source for hit in server.search("太贵了", k=5)} == {str(tmp_path / "price.md")}

    other_process(f"assert not kb.ingest([{str(tmp_path / 'trial.md')!r}]).failed")
    assert str(tmp_path / "trial.md") in {hit.source for hit in server.search("free trial", k=5)}

    assert not server.ingest([tmp_path / "trust.md"]).failed
    assert {hit.source for hit in server.search("数据安全", k=10)} == everything
    seen = other_process("import json; print(json.dumps(sorted({h.source for h in kb.search('数据安全', k=10)})))")
    assert set(json.loads(seen)) == everything
