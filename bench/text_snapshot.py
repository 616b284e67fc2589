"""Text snapshot of a built outputs folder: what a reader sees, minus the provenance footer.

Used to show that a refactor changes nothing a reader sees:

    python bench/text_snapshot.py outputs /tmp/snap-before   # before the change
    python bench/text_snapshot.py outputs /tmp/snap-after    # after it
    diff -r /tmp/snap-before /tmp/snap-after

Each HTML and PDF under the folder (following the release symlinks) becomes one ``.txt`` file: the
HTML's visible text and image alt texts (styles, scripts and the provenance footer left out), the
PDF's extracted text per page (the provenance block and the run's timestamps left out).
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader

# Volatile by design: build time, commit, hashes and versions. Each line naming one is dropped.
_VOLATILE = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d|[0-9a-f]{40}|[0-9a-f]{64}|\b20\d\d\d\d\d\dT\d{6}\b"
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0  # depth inside <style>, <script> or the provenance footer

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._skip or tag in ("style", "script") or "provenance" in (attrs.get("class") or ""):
            if tag not in ("img", "br", "meta", "link", "input", "hr"):
                self._skip += 1
            return
        if tag == "img":
            self.parts.append(f"\n[img alt={attrs.get('alt')!r}]")
        if tag in ("p", "div", "tr", "li", "h1", "h2", "h3", "h4", "br", "table", "section", "td", "th", "figure",
                   "ul", "ol", "dl", "dt", "dd", "caption", "header", "footer", "main"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    text = "".join(parser.parts)
    lines = (re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not _VOLATILE.search(line)) + "\n"


def pdf_text(path: Path) -> str:
    pages = []
    for number, page in enumerate(PdfReader(path).pages, 1):
        lines = [line.rstrip() for line in (page.extract_text() or "").splitlines()]
        pages.append(f"--- page {number}\n" + "\n".join(l for l in lines if not _VOLATILE.search(l)))
    return "\n".join(pages) + "\n"


def snapshot(outputs: Path, target: Path) -> int:
    count = 0
    release = outputs / "current"  # the published release (outputs/ holds links into it)
    root = release.resolve() if release.exists() else outputs
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if "notebooks" in rel.parts:
            continue
        if path.suffix not in (".html", ".pdf"):
            continue
        text = html_text(path) if path.suffix == ".html" else pdf_text(path)
        out = target / (str(rel) + ".txt")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(snapshot(Path(sys.argv[1]), Path(sys.argv[2])), "files")
