"""The message catalog: every sentence and label a reader sees, per language, looked up by key.

One YAML file per language, ``locales/<lang>.yml``: a ``_meta`` block (the Babel locale for numbers and
dates, the date patterns, the language's own name) and flat ``area.name`` keys whose values are
``str.format`` templates (``"Hình {n}. {name}"``). The languages are the files present: adding a
language is adding one file, and ``tests/text/test_catalog.py`` checks it has every key.

Why YAML and not gettext ``.po``: our texts are keyed messages with named fields, written in Vietnamese
and English side by side (neither is the other's source string, as gettext's msgid assumes); a flat YAML
file per language diffs well, needs no compile step (``.mo``), and a missing or extra key is one set
difference. Babel still does what only it does well: numbers and dates per locale (:mod:`.format`).

Texts may carry inline Markdown (``**bold**``, ``*italic*``); :func:`kg_metrics.report.templating.md` turns
them into HTML for the templates, after escaping the fields.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

LOCALES_DIR = Path(__file__).resolve().parent / "locales"


class Catalog:
    """One language's texts: ``catalog["briefing.title"]``, ``catalog.text(key, **fields)``."""

    def __init__(self, lang: str, meta: Mapping[str, Any], texts: Mapping[str, str]):
        self.lang, self.meta, self.texts = lang, dict(meta), dict(texts)

    @property
    def locale(self) -> str:
        """The Babel locale for this language's numbers and dates (one per language)."""
        return self.meta["locale"]

    def __contains__(self, key: str) -> bool:
        return key in self.texts

    def __getitem__(self, key: str) -> str:
        try:
            return self.texts[key]
        except KeyError:
            raise KeyError(f"no text {key!r} in the {self.lang!r} catalog ({LOCALES_DIR / (self.lang + '.yml')})") from None

    def text(self, key: str, /, **fields: Any) -> str:
        """The text under ``key`` with ``fields`` filled in (``str.format``)."""
        template = self[key]
        return template.format(**fields) if fields else template

    def prefixed(self, prefix: str) -> dict[str, str]:
        """Every text whose key starts with ``prefix`` (``"status."``), keyed by the rest."""
        return {k[len(prefix):]: v for k, v in self.texts.items() if k.startswith(prefix)}


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster


class _UniqueKeyLoader(_BaseLoader):
    """YAML keeps the last of two equal keys silently; a catalog refuses them (one text per key)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ValueError(f"line {key_node.start_mark.line + 1}: {key!r} is defined twice")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read(path: Path) -> dict:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: a catalog must be a mapping of keys to texts")
    return raw


def available_langs() -> tuple[str, ...]:
    """The languages with a catalog, Vietnamese first (the briefings' default), then by code."""
    langs = sorted(p.stem for p in LOCALES_DIR.glob("*.yml"))
    return tuple(sorted(langs, key=lambda code: (code != "vi", code)))


@lru_cache(maxsize=None)
def catalog(lang: str) -> Catalog:
    """The catalog of ``lang`` (read once per process)."""
    path = LOCALES_DIR / f"{lang}.yml"
    if lang not in available_langs():
        raise ValueError(f"unknown language {lang!r}; expected one of: {', '.join(available_langs())}")
    raw = _read(path)
    meta = raw.pop("_meta", None)
    if not isinstance(meta, dict) or "locale" not in meta:
        raise ValueError(f"{path}: needs a _meta block with at least 'locale'")
    texts: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str):
            raise ValueError(f"{path}: {key!r} must be a text, not {type(value).__name__}")
        texts[key] = value
    return Catalog(lang, meta, texts)


def t(key: str, lang: str, /, **fields: Any) -> str:
    """Shorthand: the text ``key`` in ``lang`` with ``fields`` filled in.

    Examples
    --------
    >>> t("status.on_track", "vi"), t("status.on_track", "en")
    ('Có khả năng đạt', 'On track')
    """
    return catalog(lang).text(key, **fields)
