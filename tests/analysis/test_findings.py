"""Key findings (kg_metrics.analysis.findings): what they say on the shipped data, and their ranking.

On the shipped data as of the session (18/7/2024) two targets are assessable (GRDP, on track) and the
international-tourist targets do not add up with past years (H2 share 14,6% against 38,0–41,7%). The ranking
is checked on the same assessment with statuses changed, since no shipped target is at risk on that date."""
from __future__ import annotations

import pandas as pd
import pytest

from kg_metrics.analysis.assessment import assess_targets
from kg_metrics.analysis.checks import anomalies
from kg_metrics.analysis.findings import MAX_FINDINGS, RANK, key_findings, status_counts

JULY = "2024-07-18"


@pytest.fixture(scope="module")
def july(registry, observations):
    """(assessed, checks) as of the session, in Vietnamese."""
    assessed = assess_targets(registry, observations, as_of=JULY, lang="vi")
    return assessed, anomalies(assessed, "vi")


def test_july_findings_name_grdp_disbursement_the_tourist_inconsistency_and_the_gaps(july, registry):
    assessed, checks = july
    found = key_findings(assessed, checks, registry, "vi", JULY)
    assert [f.topic for f in found] == ["grdp", "disbursement", "consistency", "data_gaps"]
    grdp, disbursement, consistency, gaps = (f.text for f in found)
    assert "6 tháng cuối năm cần tăng 6,56% so với cùng kỳ năm 2023 (con số của nghị quyết)" in grdp
    assert "không cao hơn mức 6,84% đã đạt trong 6 tháng đầu năm: có khả năng đạt." in grdp
    assert disbursement.startswith("Giải ngân vốn đầu tư công, mục tiêu ≥ 95%: chưa đủ cơ sở đánh giá")
    # the H2 target's share of the year target against past years', and the H1 the resolution then implies:
    # 680.000 − 99.355 = 580.645; 99.355 / 680.000 = 14,6%
    assert consistency.startswith("Khách quốc tế: mục tiêu 6 tháng cuối năm bằng 14,6% mục tiêu cả năm")
    assert "580.645 lượt khách" in consistency and "2019, 2023" in consistency
    n_gaps = int((assessed["status"] == "not_assessable").sum())
    assert gaps.startswith(f"{n_gaps}/{len(assessed)} chỉ tiêu chưa đủ cơ sở đánh giá")
    assert "sản lượng thủy sản (thiếu số liệu năm 2023)" in gaps
    assert {"grdp_growth_fy2024", "grdp_growth_h2_2024"} <= set(found[0].target_ids)


def test_english_findings_read_as_english(july, registry, observations):
    assessed = assess_targets(registry, observations, as_of=JULY, lang="en")
    found = key_findings(assessed, anomalies(assessed, "en"), registry, "en", JULY)
    text = " ".join(f.text for f in found)
    assert "the second half must grow 6.56% over the second half of 2023" in text
    assert "International arrivals: the second-half target is 14.6% of the year target" in text
    assert "580,645 arrivals" in text
    assert not any(c in text for c in "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ")


def _with_status(assessed: pd.DataFrame, target_id: str, status: str, reason: str) -> pd.DataFrame:
    out = assessed.copy()
    at = out["target_id"] == target_id
    out.loc[at, "status"] = status
    out.loc[at, "reason"] = reason
    return out


def test_targets_at_risk_or_off_track_come_first_each_with_its_reason(july, registry):
    assessed, checks = july
    assessed = _with_status(assessed, "retail_fy2024", "at_risk", "6 tháng cuối năm cần tăng 12,00% so với cùng kỳ.")
    assessed = _with_status(assessed, "exports_fy2024", "off_track", "Thực hiện 800 triệu USD, không đạt mục tiêu.")
    found = key_findings(assessed, checks, registry, "vi", JULY)
    assert [f.topic for f in found[:3]] == ["off_track", "at_risk", "grdp"]
    assert found[0].text == ("Kim ngạch xuất khẩu (năm 2024), mục tiêu đạt 920 triệu USD: có nguy cơ không đạt. "
                             "Thực hiện 800 triệu USD, không đạt mục tiêu.")
    assert found[1].text.startswith("Tổng mức bán lẻ (năm 2024), mục tiêu ≥ 157.600 tỷ đồng: khó đạt.")
    # assessed now, so no longer among the gaps
    gaps = next(f for f in found if f.topic == "data_gaps")
    assert "retail_fy2024" not in gaps.target_ids and "exports_fy2024" not in gaps.target_ids


def test_never_more_than_the_maximum_and_always_in_rank_order(july, registry):
    assessed, checks = july
    for tid in ["rice_fy2024", "ipv_fy2024", "retail_fy2024", "exports_fy2024", "tourists_fy2024"]:
        assessed = _with_status(assessed, tid, "at_risk", "Lý do.")
    found = key_findings(assessed, checks, registry, "vi", JULY)
    assert len(found) == MAX_FINDINGS
    ranks = [RANK.index(f.topic) for f in found]
    assert ranks == sorted(ranks) and found[-1].topic == "grdp"  # five at risk, then the headline


def test_a_sector_gets_findings_on_its_own_targets_only(july, registry):
    assessed, checks = july
    tourism = assessed[assessed["sector"] == "tourism"]
    found = key_findings(tourism, checks, registry, "vi", JULY)
    assert [f.topic for f in found] == ["consistency", "data_gaps"]
    assert found[1].text.startswith(f"{len(tourism)}/{len(tourism)} chỉ tiêu")
    assert all(set(f.target_ids) <= set(tourism["target_id"]) for f in found)


def test_later_the_findings_report_the_outturn_and_what_was_met(registry, observations):
    later = "2025-03-31"
    assessed = assess_targets(registry, observations, as_of=later, lang="vi")
    found = key_findings(assessed, anomalies(assessed, "vi"), registry, "vi", later)
    by_topic = {f.topic: f for f in found}
    assert by_topic["grdp"].text == "Tăng trưởng GRDP cả năm đạt 7,50% so với mục tiêu ≥ 6,7%: đã đạt."
    met = by_topic["met"]
    n_met = int(((assessed["status"] == "met") & (assessed["indicator"] != "grdp")).sum())
    assert met.text.startswith(f"Đã đạt ({n_met} chỉ tiêu): ")


def test_status_counts_follow_the_status_order_and_add_up(july):
    assessed, _ = july
    counts = status_counts(assessed)
    assert [c["status"] for c in counts] == ["on_track", "not_assessable"]
    assert sum(c["n"] for c in counts) == len(assessed)
