"""The index page in a real browser (e2e): Debian's chromium driven by Playwright, on a phone (390 px wide) and a
desktop (1280 px). The page must fit without scrolling sideways, its filters and language switch must work with
no script, it must load nothing but itself, and it prints without the controls.

Chromium comes from apt (``make system-deps`` installs it), never from ``playwright install``; set
``KG_METRICS_CHROMIUM`` to use another build. The screenshots are left in the test's ``tmp_path``.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg_metrics.build.index import write_index

from tests.build.conftest import INDEX_COMMON, fake_release

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("KG_METRICS_CHROMIUM", "/usr/bin/chromium")
#: No sandbox (containers, root), and none of the browser's own traffic (updates, sync, safe browsing).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PHONE, DESKTOP = {"width": 390, "height": 800}, {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def index_url(tmp_path_factory, registry, observations) -> str:
    release = fake_release(tmp_path_factory.mktemp("release"))
    write_index(release, registry, observations, INDEX_COMMON)
    return (release / "index.html").as_uri()


@pytest.fixture
def open_page(browser, index_url):
    """``open_page(viewport)``: a fresh page showing the index, with every request it made and every console
    error (a CSP violation is one) recorded in ``page.requests`` / ``page.errors``."""
    contexts = []

    def open_(viewport: dict):
        ctx = browser.new_context(viewport=viewport)
        contexts.append(ctx)
        requests: list[str] = []

        def only_the_page(route) -> None:  # every request is recorded; only the page itself is served
            requests.append(route.request.url)
            route.continue_() if route.request.url == index_url else route.abort()

        ctx.route("**/*", only_the_page)
        page = ctx.new_page()
        page.requests, page.errors = requests, []
        page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.goto(index_url)
        page.wait_for_load_state("load")
        return page

    yield open_
    for ctx in contexts:
        ctx.close()


def visible_rows(page) -> list[tuple[str, str]]:
    """(sector, status) of the status grid's rows a reader sees."""
    rows = page.locator("tr.target")
    return [(r.get_attribute("data-sector"), r.get_attribute("data-status"))
            for r in (rows.nth(i) for i in range(rows.count())) if r.is_visible()]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-390", "desktop-1280"])
def test_the_page_fits_the_screen_and_loads_nothing_but_itself(open_page, index_url, viewport, tmp_path):
    page = open_page(viewport)
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"scrolls sideways at {viewport['width']} px: {width} > {inner}"
    shot = tmp_path / f"index-{viewport['width']}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.requests == [index_url]
    assert page.errors == []
    # opened in Vietnamese: its title is shown, the English one is there but hidden
    assert page.locator('h1 .tr[lang="vi"]').is_visible() and not page.locator('h1 .tr[lang="en"]').is_visible()
    grid = page.locator("table.target-grid thead")
    assert grid.is_visible() == (viewport == DESKTOP)  # on a phone each target is a card, without the header row


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-390", "desktop-1280"])
def test_the_filters_show_only_the_matching_rows(open_page, viewport, registry):
    page = open_page(viewport)
    every = visible_rows(page)
    assert len(every) == len(registry.targets)
    tourism = [r for r in every if r[0] == "tourism"]
    assert tourism and len(tourism) < len(every)

    page.locator('label[for="f-sector-tourism"]').click()
    assert visible_rows(page) == tourism
    assert page.locator('label[for="f-sector-tourism"]').inner_text().startswith("Du lịch")
    assert not page.locator(".no-match").is_visible()

    page.locator('label[for="f-status-on_track"]').click()  # no tourism target is on track as of the session
    assert visible_rows(page) == [r for r in tourism if r[1] == "on_track"] == []
    assert page.locator(".no-match").is_visible()

    page.locator('label[for="f-sector-all"]').click()
    on_track = visible_rows(page)
    assert on_track == [r for r in every if r[1] == "on_track"] and on_track
    assert not page.locator(".no-match").is_visible()

    page.locator('label[for="f-status-not_assessable"]').click()
    assert visible_rows(page) == [r for r in every if r[1] == "not_assessable"]
    page.locator('label[for="f-status-all"]').click()
    assert visible_rows(page) == every
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner


def test_the_language_switch_shows_one_language_at_a_time(open_page, tmp_path):
    page = open_page(PHONE)
    title = page.locator("h1.cover-title")
    assert title.inner_text().startswith("Bản tin phân tích Nghị quyết")
    first_row = page.locator("tr.target").first.locator(".c-indicator")
    assert first_row.inner_text() == "Tổng sản phẩm trên địa bàn (GRDP, giá so sánh 2010)"

    page.locator('label[for="lang-en"]').click()
    assert title.inner_text() == "Briefings on Kiên Giang's People's Council resolution of 18 July 2024"
    assert first_row.inner_text() == "Gross regional domestic product (GRDP, 2010 prices)"
    assert page.locator("table.briefings").first.locator("th").all_inner_texts() == ["Briefing", "Vietnamese", "English"]
    page.locator('label[for="f-sector-tourism"]').click()  # the filters work in either language
    assert {s for s, _ in visible_rows(page)} == {"tourism"}
    page.screenshot(path=str(tmp_path / "index-390-en-tourism.png"), full_page=True)

    page.locator('label[for="lang-vi"]').click()
    assert title.inner_text().startswith("Bản tin phân tích Nghị quyết")
    assert page.locator("table.briefings").first.locator("th").all_inner_texts() == ["Bản tin", "Tiếng Việt", "Tiếng Anh"]


def test_printing_leaves_out_the_controls_and_keeps_every_row(open_page, registry):
    page = open_page(DESKTOP)
    page.locator('label[for="f-sector-tourism"]').click()
    page.emulate_media(media="print")
    assert not page.locator(".filters").is_visible() and not page.locator(".lang-switch").is_visible()
    assert len(visible_rows(page)) == len(registry.targets)  # a printout is the whole table, whatever was chosen
    assert page.pdf()[:4] == b"%PDF"
