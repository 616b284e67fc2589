"""Fixtures shared by the report tests: briefings built once per test module."""
from __future__ import annotations

import pytest

from kg_metrics.report.briefing import Briefing


@pytest.fixture(scope="module")
def make(registry, observations):
    """``make(notebook, lang, sector=None)``: the briefing for those parameters, built once per module and shared
    by its tests (which only read it)."""
    cache: dict = {}

    def _make(notebook: str, lang: str, sector: str | None = None) -> Briefing:
        key = (notebook, lang, sector)
        if key not in cache:
            cache[key] = Briefing(registry, observations, lang=lang, sector=sector, notebook=notebook)
        return cache[key]

    return _make
