"""Every figure is dated: loading checks the dates, and ``as_of`` means "published on or before"."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from kg_metrics.data import observations as observations_module
from kg_metrics.data.observations import as_of_view, load_observations, lookup, plans_view
from kg_metrics.errors import DataError

OBS = "observations/economy.csv"


def _row(**kw: str) -> dict[str, str]:
    row = dict(indicator="grdp", measure="growth_yoy_pct", period="H1-2019", area="kien_giang", qualifier="",
               value="6,5", unit="pct", status="estimate", source_url="https://example.org/a", published="2019-07-01",
               note="")
    row.update(kw)
    return row


def _append(data_dir, csv_tools, *rows: dict[str, str], file: str = OBS) -> int:
    """Append ``rows`` to an observation file; returns the 1-based row number of the first one."""
    header, existing = csv_tools.read(data_dir / file)
    csv_tools.write(data_dir / file, header, existing + list(rows))
    return len(existing) + 1


def _error(data_dir) -> DataError:
    with pytest.raises(DataError) as exc:
        load_observations(data_dir=data_dir)
    return exc.value


# --------------------------------------------------------------------------- loading refuses bad dates
def test_every_shipped_row_has_a_date(observations):
    sourced = observations[observations["status"] != "derived"]
    assert sourced["published"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert (sourced["published"] <= date.today().isoformat()).all()


@pytest.mark.parametrize("published, contains", [
    ("", "first published"),
    ("18/07/2024", "YYYY-MM-DD"),
    ("2024-02-30", "YYYY-MM-DD"),
])
def test_a_row_without_a_usable_date_is_refused(data_copy, csv_tools, problem, published, contains):
    row = _append(data_copy, csv_tools, _row(published=published))
    problem(_error(data_copy), f"data/{OBS}", row=row, field="published", contains=contains)


def test_a_date_in_the_future_is_refused(data_copy, csv_tools, problem, monkeypatch):
    monkeypatch.setattr(observations_module, "today", lambda: date(2024, 7, 18))
    row = _append(data_copy, csv_tools, _row(period="H1-2024", published="2024-07-19"))
    problem(_error(data_copy), f"data/{OBS}", row=row, field="published", contains="in the future")


def test_an_outturn_dated_before_its_period_ends_is_refused(data_copy, csv_tools, problem):
    row = _append(data_copy, csv_tools, _row(status="official", published="2019-06-28"))
    problem(_error(data_copy), f"data/{OBS}", row=row, field="published", contains="before the period ends")


def test_an_estimate_may_precede_the_end_of_its_period(data_copy, csv_tools):
    _append(data_copy, csv_tools, _row(status="estimate", published="2019-06-25"))
    obs = load_observations(data_dir=data_copy)
    assert lookup(obs, "grdp", "H1-2019", "growth_yoy_pct", as_of="2019-06-26")["value"] == 6.5


def test_the_same_figure_twice_on_one_day_is_refused_but_two_days_are_two_vintages(data_copy, csv_tools, problem):
    _append(data_copy, csv_tools, _row(), _row(value="6,9", published="2020-07-01", status="official"))
    load_observations(data_dir=data_copy)  # two vintages: fine
    row = _append(data_copy, csv_tools, _row(value="6,6"))
    problem(_error(data_copy), f"data/{OBS}", row=row, field="indicator", contains="published 2019-07-01")


# --------------------------------------------------------------------------- choosing a vintage
def test_as_of_takes_the_latest_vintage_published_by_then(data_copy, csv_tools):
    _append(data_copy, csv_tools, _row(), _row(value="6,9", published="2020-07-01", status="official"))
    obs = load_observations(data_dir=data_copy)
    get = lambda day: lookup(obs, "grdp", "H1-2019", "growth_yoy_pct", as_of=day)  # noqa: E731
    assert get("2019-06-30") is None
    assert get("2019-07-01")["value"] == 6.5
    assert get("2020-06-30")["value"] == 6.5
    assert get("2020-07-01")["value"] == 6.9
    assert lookup(obs, "grdp", "H1-2019", "growth_yoy_pct")["value"] == 6.9  # no date: the latest
    view = as_of_view(obs, "2020-01-01")
    hit = view[(view["indicator"] == "grdp") & (view["period"] == "H1-2019") & (view["measure"] == "growth_yoy_pct")]
    assert hit["value"].tolist() == [6.5] and view.attrs["as_of"] == "2020-01-01"


def test_plans_are_not_figures(data_copy, csv_tools):
    _append(data_copy, csv_tools, _row(period="FY-2019", measure="growth_yoy_pct", value="7,2", status="plan",
                                       published="2019-01-05"))
    obs = load_observations(data_dir=data_copy)
    assert lookup(obs, "grdp", "FY-2019", "growth_yoy_pct", as_of="2019-03-01") is None
    plans = plans_view(obs, "2019-03-01")
    assert plans[(plans["period"] == "FY-2019")]["value"].tolist() == [7.2]
    assert not (as_of_view(obs, "2019-03-01")["status"] == "plan").any()


def test_a_derived_figure_is_dated_by_its_last_input_and_follows_each_vintage(data_copy, csv_tools):
    # H1-2019 level derived as H1-2020 level / (1 + H1-2020 growth): give the growth a revision.
    header, rows = csv_tools.read(data_copy / OBS)
    lv = [r for r in rows if (r["indicator"], r["measure"], r["period"]) == ("grdp", "level", "H1-2020")][0]
    g = [r for r in rows if (r["indicator"], r["measure"], r["period"], r["status"]) ==
         ("grdp", "growth_yoy_pct", "H1-2020", "estimate")][0]
    later = max(lv["published"], g["published"])
    revised = dict(g, value="1,24", status="official", published="2021-06-30")
    assert "2021-06-30" > later
    existing = [(r["indicator"], r["measure"], r["period"], r["published"]) for r in rows]
    if ("grdp", "growth_yoy_pct", "H1-2020", "2021-06-30") not in existing:
        _append(data_copy, csv_tools, revised)
    obs = load_observations(data_dir=data_copy)
    first = lookup(obs, "grdp", "H1-2019", as_of=later)
    second = lookup(obs, "grdp", "H1-2019", as_of="2021-06-30")
    assert first["status"] == second["status"] == "derived"
    assert first["published"] == later and second["published"] == "2021-06-30"
    level = float(lv["value"].replace(".", "").replace(",", "."))
    assert first["value"] == pytest.approx(level / (1 + float(g["value"].replace(",", ".")) / 100))
    assert second["value"] == pytest.approx(level / 1.0124)
    assert lookup(obs, "grdp", "H1-2019", as_of=str(pd.Timestamp(later) - pd.Timedelta(days=1))[:10]) is None


# --------------------------------------------------------------------------- the shipped data
def test_no_figure_of_the_default_view_was_published_after_the_session(observations):
    view = as_of_view(observations, "2024-07-18")
    assert (view["published"] <= "2024-07-18").all()
    # and it is the latest of each: nothing later of the same figure was published by then
    for key, grp in observations[observations["published"] <= "2024-07-18"].groupby(
            ["indicator", "measure", "period", "area"]):
        figures = grp[grp["status"] != "plan"]
        if len(figures):
            chosen = view[(view["indicator"] == key[0]) & (view["measure"] == key[1]) & (view["period"] == key[2])
                          & (view["area"] == key[3])]
            assert chosen["published"].iloc[0] == figures["published"].max()


def test_the_2024_outturn_is_unknown_in_july_2024_and_known_in_march_2025(observations):
    assert lookup(observations, "grdp", "FY-2024", "growth_yoy_pct", as_of="2024-07-18") is None
    assert lookup(observations, "grdp", "FY-2024", "growth_yoy_pct", as_of="2025-03-31") is not None
    # the 2023 GRDP level at 2010 prices: no first estimate was found; the one implied by the 2024
    # outturn exists only from the day that outturn was published
    assert lookup(observations, "grdp", "FY-2023", as_of="2024-07-18") is None
    later = lookup(observations, "grdp", "FY-2023", as_of="2025-03-31")
    assert later is not None and later["status"] == "derived" and later["published"] > "2024-07-18"
