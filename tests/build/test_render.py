"""Rendering: the failure page, the cover metadata the briefing template shows, and atomic writes."""
from __future__ import annotations

import os
import stat

import pytest

from kg_metrics.build.jobs import Job
from kg_metrics.build.render import CSP, briefing_metadata, failure_page, write_atomic

COMMON = {"build_time": "2024-08-01T10:00:00+00:00", "commit": "abc123", "data_checksum": "f" * 64,
          "versions": {"kg_metrics": "0.1.0"}, "vintage": "2024-07-10", "resolution_date": "2024-07-18",
          "resolution_vi": "Nghị quyết số 21/NQ-HĐND", "resolution_en": "Resolution No. 21/NQ-HĐND",
          "as_of": "2024-07-18"}


def _job(lang: str, **kw) -> Job:
    return Job("tourism", "sector.ipynb", lang, {"sector": "tourism", "lang": lang, "data_dir": ""},
               kw.pop("title", "Du lịch"), **kw)


def test_the_csp_loads_nothing_but_inline_styles_and_data_images():
    assert CSP == ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
                   "form-action 'none'")


@pytest.mark.parametrize("lang, heading, authority", [
    ("vi", "Không tạo được bản tin", "Hội đồng nhân dân tỉnh Kiên Giang"),
    ("en", "This briefing could not be built", "Kiên Giang Provincial People's Council"),
])
def test_the_failure_page_says_what_failed_in_the_briefings_language(lang, heading, authority):
    page = failure_page(_job(lang), "cell 3 raised RuntimeError: <boom> & more", COMMON)
    assert f'<html lang="{lang}">' in page and f"<title>{heading}</title>" in page
    assert f"<strong>{heading}</strong>" in page
    assert authority.replace("'", "&#39;") in page and '<h1 class="cover-title">Du lịch</h1>' in page
    assert "notebooks/sector.ipynb {&#39;sector&#39;: &#39;tourism&#39;" in page
    assert "<pre>cell 3 raised RuntimeError: &lt;boom&gt; &amp; more</pre>" in page  # escaped, verbatim
    assert "2024-08-01T10:00:00+00:00 · abc123" in page
    assert f'content="{CSP}"' in page


def test_the_failure_page_escapes_a_hostile_title():
    page = failure_page(_job("en", title="<script>x</script>"), "", COMMON)
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


@pytest.mark.parametrize("lang, expected", [
    ("vi", {"authority": "Hội đồng nhân dân tỉnh Kiên Giang",
            "kind": "Báo cáo phân tích chỉ tiêu Nghị quyết giữa năm 2024",
            "period": "6 tháng cuối năm và cả năm 2024",
            "resolution": "Nghị quyết số 21/NQ-HĐND, 18 tháng 7, 2024",
            "as_of": "18 tháng 7, 2024", "vintage": "10 tháng 7, 2024"}),
    ("en", {"authority": "Kiên Giang Provincial People's Council", "kind": "Briefing on the mid-year 2024 resolution",
            "period": "H2 and full year 2024", "resolution": "Resolution No. 21/NQ-HĐND, 18 July 2024",
            "as_of": "18 July 2024", "vintage": "10 July 2024"}),
])
def test_the_cover_is_in_the_briefings_language(lang, expected):
    meta = briefing_metadata(_job(lang, scenario="low"), COMMON)
    assert {k: meta[k] for k in expected} == expected
    assert meta["parameters_text"] == f"(sector='tourism', lang='{lang}')"  # empty values left out
    assert meta["notebook"] == "notebooks/sector.ipynb" and meta["scenario"] == "low"
    assert set(meta["labels"]) == {"resolution", "period", "as_of", "vintage", "scenario", "provenance", "built",
                                   "commit", "checksum", "notebook", "versions", "chart", "error"}
    assert meta["labels"]["resolution"] == {"vi": "Nghị quyết", "en": "Resolution"}[lang]


def test_write_atomic_replaces_the_file_whole_and_readable(tmp_path):
    path = tmp_path / "a" / "index.html"
    write_atomic(path, "cũ")
    write_atomic(path, b"m\xe1\xbb\x9bi")
    assert path.read_text(encoding="utf-8") == "mới"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in path.parent.iterdir()] == ["index.html"]  # no temporary file left
