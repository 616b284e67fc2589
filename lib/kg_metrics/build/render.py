"""Rendering executed notebooks to self-contained HTML (nbconvert) and A4 PDF (WeasyPrint)."""
from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

from kg_metrics import paths

#: Nothing may be loaded: images are inline data: URLs and styles are inline.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
#: Cells never shown in a briefing: the parameters, papermill's injected parameters, explicit removals.
REMOVE_TAGS = {"parameters", "injected-parameters", "remove_cell", "remove-cell"}

LABELS = {
    "vi": {"resolution": "Nghị quyết", "period": "Kỳ", "as_of": "Đánh giá tại ngày", "vintage": "Số liệu đến ngày",
           "scenario": "Kịch bản", "provenance": "Nguồn gốc bản tin", "built": "Thời điểm tạo",
           "commit": "Phiên bản mã (git)", "checksum": "Tổng kiểm dữ liệu (SHA-256)", "notebook": "Sổ tay",
           "versions": "Phiên bản gói", "chart": "Biểu đồ", "error": "Lỗi"},
    "en": {"resolution": "Resolution", "period": "Period", "as_of": "Assessed as of", "vintage": "Data up to",
           "scenario": "Scenario", "provenance": "Provenance", "built": "Built", "commit": "Code version (git)",
           "checksum": "Data checksum (SHA-256)", "notebook": "Notebook", "versions": "Package versions",
           "chart": "Chart", "error": "Error"},
}


def css() -> str:
    """The one stylesheet of briefings and the index page."""
    return (paths.TEMPLATES_DIR / "briefing.css").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _exporter():
    # Imported here: nbconvert's import is slow and only builds need it.
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="briefing", extra_template_basedirs=[str(paths.TEMPLATES_DIR)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.anchor_link_text = ""  # no "¶" after headings: it would show in PDF text and copies
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=REMOVE_TAGS, enabled=True), enabled=True)
    return exporter


def notebook_to_html(nb) -> str:
    """Render an executed notebook (with ``metadata.kg_metrics`` stamped) to one HTML document."""
    nb.metadata.setdefault("kg_metrics", {})
    nb.metadata["kg_metrics"].setdefault("css", css())
    nb.metadata["kg_metrics"].setdefault("csp", CSP)
    body, _ = _exporter().from_notebook_node(nb)
    return body


def html_to_pdf(html: str) -> bytes:
    """A4 PDF of an HTML document; fonts come from fontconfig (DejaVu Sans, named in the CSS)."""
    from weasyprint import HTML  # slow import, only for PDF output
    from weasyprint.urls import URLFetcher

    # No base_url, and only data: URLs (the inline charts) may be read: a briefing references
    # nothing else, and a reference that crept in stops the rendering instead of being fetched.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, encoding="utf-8", url_fetcher=fetcher).write_pdf()


_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a partial one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp creates 0600; outputs are for readers too
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
