"""Build layer: run notebooks, render HTML and PDF, publish releases atomically, keep the manifest.

Modules: ``jobs`` (what to build), ``keys`` (what each briefing depends on), ``manifest`` (what was
built; freshness, verify), ``kernels`` (the Jupyter kernels and papermill), ``render`` (HTML, PDF,
pages), ``index`` (the index page), ``publish`` (atomic releases), ``provenance`` (stamps, hashes),
``params`` (``--params`` files), and ``pipeline``, which runs a build with all of them.
"""
import sys

# jsonschema imports the optional `rfc3987_syntax` (installed with jupyterlab) for its "iri" format
# check, and building that module's grammar costs ~1.2 s in every process that imports nbformat,
# papermill or nbconvert. No schema here uses "iri"; jsonschema skips the check on ImportError.
# Measured: `import nbconvert, papermill, weasyprint` 2.26 s -> 1.03 s. Set here, before any module of
# the build can import one of them; workers inherit it (fork).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
