"""Rendering: executed notebooks to self-contained HTML (nbconvert) and A4 PDF (WeasyPrint), the build's
own pages (index, failure page) from Jinja2 templates, and atomic writes of what is rendered."""
from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from kg_metrics import paths
from kg_metrics.build.jobs import Job
from kg_metrics.text.catalog import catalog, t
from kg_metrics.text.format import format_date, format_pct, format_timestamp

#: Nothing may be loaded: images are inline data: URLs and styles are inline.
CSP_DIRECTIVES = {"default-src": "'none'", "img-src": "data:", "style-src": "'unsafe-inline'",
                  "base-uri": "'none'", "form-action": "'none'"}
CSP = "; ".join(f"{name} {value}" for name, value in CSP_DIRECTIVES.items())
#: Cells never shown in a briefing: the parameters, papermill's injected parameters, explicit removals, and
#: the notebooks' headings and inspect cells for economists in JupyterLab (tag `notebook-only`).
REMOVE_TAGS = {"parameters", "injected-parameters", "remove_cell", "remove-cell", "notebook-only"}
#: The date style (catalog ``_meta.date_<style>``) of the dates on covers and the index page.
DATE_STYLE = "cover"
#: The PDFs are archival: PDF/A-3b (WeasyPrint embeds the fonts' subsets, writes the sRGB output intent, the
#: file identifier and the XMP metadata declaring pdfaid:part 3, conformance B). Title, author, description,
#: creation date and language come from the HTML (<title>, <meta>, <html lang>); bookmarks from the headings
#: (``bookmark-level`` in briefing.css).
PDF_VARIANT = "pdf/a-3b"


def css() -> str:
    """The one stylesheet of briefings and the index page."""
    return (paths.TEMPLATES_DIR / "briefing.css").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _pages():
    """The build's own page templates (``templates/*.html.j2``), HTML-escaped."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape  # lazy: ~30 ms; a no-op build renders no page

    return Environment(loader=FileSystemLoader(str(paths.TEMPLATES_DIR)), autoescape=select_autoescape(["html", "j2"]))


def render_page(template: str, **context) -> str:
    """One of the build's own pages (``index.html.j2``, ``failure.html.j2``), with the CSP and stylesheet."""
    return _pages().get_template(template).render(csp=CSP, css=css(), **context)


def cover_date(iso: str, lang: str) -> str:
    """A date as covers and the index write it (18 tháng 7, 2024 / 18 July 2024)."""
    return format_date(iso, lang, DATE_STYLE)


def briefing_metadata(job: Job, common: dict) -> dict:
    """What the briefing template (``templates/briefing``) shows besides the notebook's outputs:
    the cover, the provenance footer, their labels; stamped into ``nb.metadata.kg_metrics``."""
    lang = job.lang
    params = ", ".join(f"{k}={v!r}" for k, v in job.parameters.items() if v != "")
    return {
        "lang": lang, "title": job.title, "authority": t("build.authority", lang), "kind": t("build.kind", lang),
        "period": t("build.period", lang),
        "resolution": f"{common[f'resolution_{lang}']}, {cover_date(common['resolution_date'], lang)}",
        "session": t("briefing.session", lang), "prepared_by": t("build.prepared_by", lang),
        "prepared_on": cover_date(common["build_time"][:10], lang) if common.get("build_time") else "",
        "as_of": cover_date(common["as_of"], lang), "vintage": cover_date(common["vintage"], lang),
        "labels": catalog(lang).prefixed("cover."), "commit": common["commit"],
        "data_checksum": common["data_checksum"], "build_time": common["build_time"],
        "built": format_timestamp(common["build_time"], lang) if common.get("build_time") else "",
        "versions": common["versions"], "notebook": f"notebooks/{job.notebook}", "parameters_text": f"({params})",
        "css": css(), "csp": CSP, "scenario": job.scenario,
    }


def failure_page(job: Job, message: str, common: dict) -> str:
    """A clearly marked page standing in for a briefing that failed to build."""
    return render_page("failure.html.j2", lang=job.lang, heading=t("build.failed", job.lang),
                       authority=t("build.authority", job.lang), title=job.title, notebook=f"notebooks/{job.notebook}",
                       parameters=repr(job.parameters), message=message,
                       build_time=format_timestamp(common.get("build_time", ""), job.lang), commit=common.get("commit", ""))


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter  # lazy: nbconvert loads in ~1 s and only builds with work need it
    from nbconvert.preprocessors import TagRemovePreprocessor  # lazy: as above

    exporter = HTMLExporter(template_name="briefing", extra_template_basedirs=[str(paths.TEMPLATES_DIR)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.anchor_link_text = ""  # no "¶" after headings: it would show in PDF text and copies
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=REMOVE_TAGS, enabled=True), enabled=True)
    return exporter


#: Where the findings section asks for the table of contents, and the section headings that fill it (the
#: section templates' ``<h2 id>``; headings of the notebook's own Markdown are not sections).
TOC_PLACE = "<!--kg-toc-->"
_SECTION_H2 = re.compile(r'<h2 id="([\w-]+)">(.*?)</h2>', re.S)


def table_of_contents(html: str, lang: str) -> str:
    """``html`` with its table of contents (the headings after :data:`TOC_PLACE`, each linking to its section)
    put in place; the PDF prints each entry's page number (``target-counter`` in briefing.css).

    Written here rather than by a library: the headings come from our own templates, and WeasyPrint, which
    numbers the pages, only lays out what the HTML holds.
    """
    at = html.find(TOC_PLACE)
    if at < 0:
        return html
    entries = "".join(f'<li><a href="#{anchor}">{label}</a></li>' for anchor, label in _SECTION_H2.findall(html, at))
    nav = (f'<nav class="toc"><h2 class="toc-heading">{t("findings.toc_heading", lang)}</h2>'
           f'<ol class="toc-list">{entries}</ol></nav>')
    return html[:at] + nav + html[at + len(TOC_PLACE):]


def notebook_to_html(nb) -> str:
    """Render an executed notebook (with ``metadata.kg_metrics`` stamped) to one HTML document, its table of
    contents filled in (:func:`table_of_contents`)."""
    nb.metadata.setdefault("kg_metrics", {})
    nb.metadata["kg_metrics"].setdefault("css", css())
    nb.metadata["kg_metrics"].setdefault("csp", CSP)
    body, _ = _exporter().from_notebook_node(nb)
    return table_of_contents(body, nb.metadata["kg_metrics"].get("lang", "vi"))


def html_to_pdf(html: str) -> bytes:
    """A4 PDF/A-3b (:data:`PDF_VARIANT`) of an HTML document; fonts come from fontconfig (DejaVu Sans, named in
    the CSS) and are embedded."""
    from weasyprint import HTML  # lazy: WeasyPrint loads in ~0.5 s, only for PDF output
    from weasyprint.urls import URLFetcher  # lazy: as above

    # No base_url, and only data: URLs (the inline charts) may be read: a briefing references
    # nothing else, and a reference that crept in stops the rendering instead of being fetched.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, encoding="utf-8", url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)


def warm_up() -> None:
    """One tiny notebook through both renderers, so that templates, Markdown and fonts are loaded now,
    not in the first briefing (measured: its HTML step 0.25 s -> 0.05 s)."""
    import nbformat  # lazy: jsonschema and friends; a no-op build renders nothing

    text = f"# {t('build.authority', 'vi')} *{format_pct(6.56, 'vi')}*"  # Vietnamese letters load the fonts
    tiny = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/markdown": text})])])
    html_to_pdf(notebook_to_html(tiny))


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
