"""Markup helpers of the briefings: fixed texts, HTML escaping, tables, badges, links, dates, and the Section container."""
from __future__ import annotations

import html
import re
from datetime import date
from typing import Any, Iterable
from urllib.parse import quote, urlparse


from kg_metrics.text.format import format_number
from kg_metrics.data.resolution import parse_ref
from kg_metrics.arithmetic.status import STATUS_LABELS


# =========================================================================== fixed texts
#: Every fixed text of the briefings, in Vietnamese and English. ``{}`` fields are filled in
#: with already-formatted numbers.
LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "issuer": "Hội đồng nhân dân tỉnh Kiên Giang",
        "session": "khóa X, kỳ họp thứ 24",
        "overview_title": "Tổng quan: mục tiêu 6 tháng cuối năm và cả năm {y} của tỉnh Kiên Giang",
        "sector_title": "{sector}: mục tiêu 6 tháng cuối năm và cả năm {y}",
        "lead": "Bản tin theo dõi {title} của {issuer} ({session}), thông qua ngày {date}.",
        "as_of_line": "Đánh giá với số liệu của các kỳ kết thúc đến ngày {as_of}. Bộ dữ liệu cập nhật đến ngày "
                      "{vintage}: {n_targets} chỉ tiêu, {n_sourced} số liệu có nguồn, {n_derived} số liệu tính suy ra.",
        "sector_clause": "Lĩnh vực này thuộc {clause} của nghị quyết.",
        "data_notes": "Lưu ý về dữ liệu",
        # GRDP
        "grdp_heading": "Tăng trưởng kinh tế (GRDP)",
        "grdp_h1": "GRDP 6 tháng đầu năm {y} (giá so sánh 2010) tăng **{g1}** so với cùng kỳ năm {b} ({status}; nguồn: {src}).",
        "grdp_h1_missing": "Chưa có số liệu tăng trưởng GRDP 6 tháng đầu năm {y}.",
        "contrib_intro": "Đóng góp của từng khu vực vào mức tăng này: quyền số là giá trị tăng thêm của khu vực trong "
                         "6 tháng đầu năm {b} (giá so sánh 2010), đóng góp = quyền số × tốc độ tăng.",
        "contrib_header": "Khu vực|Tăng trưởng 6 tháng đầu năm {y}|Quyền số (6 tháng đầu năm {b})|Đóng góp",
        "contrib_total": "GRDP (tổng)",
        "contrib_missing": "Chưa tính được đóng góp của các khu vực: thiếu số liệu.",
        "contrib_notes": "Quyền số: {notes}.",
        "weight_derived": "{name}: tính suy ra, {how}",
        "weight_lower_bound": "{name}: số liệu công bố là “{value}”",
        "required_heading": "Tốc độ tăng cần đạt 6 tháng cuối năm {y}",
        "required_intro": "Nghị quyết đặt mục tiêu tăng trưởng cả năm {y} từ {g} trở lên và yêu cầu tăng trưởng "
                          "6 tháng cuối năm đạt từ {g2_res} trở lên ({clause}). Con số {g2_res} suy ra từ mục tiêu năm và "
                          "mức tăng 6 tháng đầu năm: tăng trưởng cả năm là bình quân gia quyền của tăng trưởng hai nửa "
                          "năm, g = w₁·g₁ + (1 − w₁)·g₂, với quyền số w₁ là tỷ trọng của 6 tháng đầu năm trong GRDP "
                          "năm {b}. Do đó 6 tháng cuối năm cần tăng",
        "formula": "g₂ = (g − w₁·g₁) / (1 − w₁)",
        "inputs_header": "Ký hiệu|Nội dung|Giá trị|Nguồn",
        "in_g": "Mục tiêu tăng trưởng GRDP cả năm {y}",
        "in_g1": "Tăng trưởng GRDP 6 tháng đầu năm {y}",
        "in_h1": "GRDP 6 tháng đầu năm {b} (giá so sánh 2010)",
        "in_fy": "GRDP năm {b} (giá so sánh 2010)",
        "in_w1": "Quyền số 6 tháng đầu năm {b}",
        "resolution_src": "Nghị quyết, {clause}",
        "result": "g₂ = ({g} − {w} × {g1}) / (1 − {w}) = **{g2}**, {match} con số {g2_res} của nghị quyết.",
        "match": "khớp với", "mismatch": "khác với",
        "fy_derived": "GRDP năm {b} theo giá so sánh 2010 không được công bố; ở đây là số tính suy ra: {how}.",
        "later_inputs": "Các số liệu đầu vào này thuộc kỳ kết thúc sau ngày đánh giá.",
        "sensitivity": "Kết quả ít phụ thuộc vào quyền số: nếu hai nửa năm bằng nhau (w₁ = 0,5) thì "
                       "g₂ = 2g − g₁ = {x}.",
        "required_missing": "Chưa tính được tốc độ tăng cần đạt 6 tháng cuối năm {y}: thiếu số liệu {what}.",
        "contrib_chart_heading": "Đóng góp của các khu vực vào tăng trưởng 6 tháng đầu năm {y}",
        "contrib_caption": "Hình {n}. Đóng góp của từng khu vực vào tăng trưởng GRDP 6 tháng đầu năm {y} "
                           "(điểm phần trăm); tổng các đóng góp: {total}. Quyền số: giá trị tăng thêm 6 tháng đầu năm {b}"
                           "{hatched}.",
        "contrib_hatched": "; thanh gạch chéo: quyền số tính suy ra",
        # summary
        "summary_heading": "Tóm tắt các chỉ tiêu",
        "summary_intro": "Số chỉ tiêu định lượng: {n}, đánh giá với số liệu đến ngày {as_of}. Tình trạng so "
                         "sánh tốc độ tăng 6 tháng cuối năm cần đạt với tốc độ đã đạt trong 6 tháng đầu năm "
                         "(đúng hướng: cần đạt không cao hơn đã đạt; có rủi ro: cao hơn tối đa {pp} điểm phần trăm; "
                         "chệch hướng: cao hơn nữa).",
        # anomalies
        "anomalies_heading": "Kiểm tra tính nhất quán của các con số",
        "anomalies_intro": "Hai kiểm tra trên chính các con số của nghị quyết, cho mỗi chỉ tiêu có cả mục tiêu 6 tháng "
                           "cuối năm và mục tiêu năm: (1) 6 tháng đầu năm ngầm định (mục tiêu năm − mục tiêu 6 tháng "
                           "cuối năm) so với số liệu 6 tháng đầu năm đã báo cáo, ngưỡng {tol}; (2) tỷ trọng 6 tháng "
                           "cuối năm trong mục tiêu năm so với các năm trước (trừ các năm COVID-19 {covid}), biên "
                           "{pp} điểm phần trăm.",
        "anomalies_count": "{k}/{n} kiểm tra cần lưu ý.",
        "anomalies_none": "Không có chỉ tiêu nào có cả mục tiêu 6 tháng cuối năm và mục tiêu năm để kiểm tra.",
        "anomalies_header": "Chỉ tiêu|Kiểm tra|Kết quả|Chi tiết",
        "check_implied_h1": "6 tháng đầu năm ngầm định so với báo cáo",
        "check_h2_share": "Tỷ trọng 6 tháng cuối năm so với các năm trước",
        "check_flagged": "Cần lưu ý", "check_ok": "Nhất quán", "check_na": "Chưa kiểm tra được",
        # sector targets
        "targets_heading": "Các chỉ tiêu định lượng",
        "qualitative_only": "Nghị quyết chỉ đặt ra nhiệm vụ định tính cho lĩnh vực này, không có chỉ tiêu định lượng.",
        "quote": "Nghị quyết ({clause}):",
        "facts_header": "Nội dung|Giá trị|Ghi chú",
        "f_fy_target": "Mục tiêu năm {y}",
        "f_h2_target": "Mục tiêu 6 tháng cuối năm {y}",
        "f_implied": "6 tháng đầu năm {y} ngầm định (mục tiêu năm − mục tiêu 6 tháng cuối năm)",
        "f_reported": "6 tháng đầu năm {y} báo cáo",
        "f_gap": "Chênh lệch giữa số ngầm định và số báo cáo",
        "f_share": "Tỷ trọng 6 tháng cuối năm trong mục tiêu năm {y}",
        "f_share_hist": "Tỷ trọng 6 tháng cuối năm các năm trước",
        "f_base_h2": "6 tháng cuối năm {b}",
        "f_required_level": "6 tháng cuối năm {y} cần đạt",
        "f_required_growth": "Tốc độ tăng cần đạt so với 6 tháng cuối năm {b}",
        "f_h1_growth": "Tốc độ tăng 6 tháng đầu năm {y} so với cùng kỳ",
        "f_w1": "Quyền số 6 tháng đầu năm {b} (w₁)",
        "f_reported_any": "Số liệu thực hiện",
        "f_outturn": "Thực hiện {p}",
        "f_status": "Tình trạng",
        "n_required_fy": "mục tiêu năm − 6 tháng đầu năm báo cáo: {calc}",
        "n_required_h2": "bằng mục tiêu 6 tháng cuối năm",
        "n_base_h2": "năm {b} − 6 tháng đầu năm {b}: {calc}",
        "n_gap": "vượt ngưỡng {tol}", "n_gap_ok": "trong ngưỡng {tol}",
        "n_covid": "không tính các năm COVID-19 {covid}",
        "n_growth_computed": "tính từ số liệu 6 tháng đầu năm {y} và {b}",
        "n_missing": "thiếu số liệu {what}",
        "n_no_h2_target": "nghị quyết không đặt mục tiêu 6 tháng cuối năm",
        "n_derived_outturn": "tính suy ra: năm − 6 tháng đầu năm",
        "findings": "Kiểm tra tính nhất quán:",
        "target_caption_additive": "Hình {n}. {name}; đơn vị: {unit}. Năm {y}: {year_part}. {history}",
        "cap_stack": "{h1} cộng {h2}, so với đường mục tiêu năm",
        "cap_target_only": "chỉ có mục tiêu năm (khung đứt nét), không tách 6 tháng",
        "target_caption_growth": "Hình {n}. {name}: tốc độ tăng so với cùng kỳ năm trước (%), 6 tháng đầu năm và cả "
                                 "năm. {history} Năm {y}: {h1}; {h2}; đường đứt nét: mục tiêu năm.",
        "target_caption_level": "Hình {n}. {name}; đơn vị: {unit}. {points}; đường đứt nét: mục tiêu {p}.",
        "cap_h1_reported": "6 tháng đầu năm thực hiện",
        "cap_h1_derived": "6 tháng đầu năm thực hiện (tính suy ra)",
        "cap_h1_implied": "6 tháng đầu năm ngầm định trong nghị quyết (gạch chéo; chưa có số liệu báo cáo)",
        "cap_h1_none": "chưa có số liệu 6 tháng đầu năm",
        "cap_h2_target": "6 tháng cuối năm theo mục tiêu",
        "cap_h2_required": "6 tháng cuối năm cần đạt để đủ mục tiêu năm",
        "cap_h2_none": "chưa tính được 6 tháng cuối năm",
        "cap_history": "Các năm trước ({years}): 6 tháng đầu năm và 6 tháng cuối năm (năm − 6 tháng đầu năm) theo số "
                       "liệu đã công bố.",
        "cap_fy_only": " Cột xám: chỉ có số liệu cả năm ({years}).",
        "cap_history_growth": "Các năm trước: {years}.",
        "cap_no_history": "Chưa có số liệu các năm trước.",
        "cap_covid": " Nền xám: các năm COVID-19 ({covid}).",
        "cap_points": "Số liệu thực hiện đã công bố ({periods})",
        "cap_notes": " Ghi chú của nguồn (tiếng Anh): {notes}.",
        "cap_no_points": "Chưa có số liệu thực hiện",
        # tasks
        "tasks_heading": "Nhiệm vụ và giải pháp trong nghị quyết",
        "tasks_intro": "Các nhiệm vụ nghị quyết giao cho lĩnh vực này, trích nguyên văn, theo điều khoản:",
        "no_tasks": "Nghị quyết không giao nhiệm vụ riêng cho lĩnh vực này.",
        "paragraph": "{clause}, đoạn {p}",
        # sources
        "sources_heading": "Nguồn số liệu",
        "sources_intro": "Mọi số liệu dùng trong bản tin, với loại số liệu và nguồn. Số liệu tính suy ra được tính từ các "
                         "số liệu có nguồn, cũng được liệt kê.",
        "sources_none": "Bản tin này không dùng số liệu thống kê nào.",
        "sources_header": "Chỉ tiêu|Kỳ|Giá trị|Loại|Nguồn|Ghi chú",
        "input_of": "đầu vào của số liệu tính suy ra",
        "after_as_of": "kỳ kết thúc sau ngày đánh giá",
        "sources_more": "Nguồn của các chỉ tiêu theo lĩnh vực: xem bản tin của từng lĩnh vực.",
        # words
        "missing": "chưa có số liệu",
        "status_estimate": "ước tính", "status_official": "chính thức", "status_plan": "kế hoạch",
        "status_derived": "tính suy ra",
        "q>": "trên ", "q<": "dưới ", "q≈": "khoảng ",
        "m_growth_yoy_pct": "tốc độ tăng", "m_share_of_plan_pct": "% kế hoạch",
        "m_pct_of_prior_year": "% so với cùng kỳ",
        "d_growth": "tốc độ tăng {p}", "d_ratio": "{p} so với cùng kỳ năm trước", "d_share": "% kế hoạch {p}",
        "figure": "Hình",
        # scenarios
        "status_scenario": "giả định của kịch bản",
        "scenario_banner": "Kịch bản: {name}",
        "scenario_banner_text": "{title}. Đây là bản tin theo kịch bản: các con số 6 tháng cuối năm trong mục "
                                "“Kịch bản” là giả định, không phải số liệu thực hiện; số liệu được kịch bản điều "
                                "chỉnh ghi là “giả định của kịch bản”.",
        "scenario_heading": "Kịch bản {name}: giả định và kết quả",
        "scenario_assumptions": "Giả định của kịch bản (tệp {file}):",
        "scenario_assumptions_header": "Giả định|Giá trị|Lý do|Nguồn",
        "scenario_none": "Kịch bản này không thay đổi số liệu nào.",
        "scenario_none_sector": "Kịch bản này không đặt giả định nào cho lĩnh vực này (các giả định khác: tệp {file}).",
        "scenario_defaults": "Những gì kịch bản không đặt giữ nguyên theo số liệu: số liệu 6 tháng đầu năm như đã "
                             "công bố, quyền số w₁ tính từ số liệu, và tốc độ tăng 6 tháng cuối năm bằng tốc độ tăng "
                             "6 tháng đầu năm {y} (tốc độ mà tình trạng của chỉ tiêu so sánh).",
        "sa_h1_weight": "Quyền số 6 tháng đầu năm {b} (w₁)",
        "sa_h1_revision": "{name}, 6 tháng đầu năm {y} (điều chỉnh)",
        "sa_h2_growth": "{name}: tăng 6 tháng cuối năm {y} so với cùng kỳ",
        "so_heading_live": "Kết quả theo các giá trị đang chọn",
        "so_grdp": "Tăng trưởng GRDP cả năm {y} theo kịch bản: **{g}** = w₁·g₁ + (1 − w₁)·g₂ = {w} × {g1} + "
                   "{w2} × {g2}; mục tiêu {t}: **{verdict}**.",
        "so_grdp_missing": "Chưa tính được tăng trưởng GRDP cả năm theo kịch bản: thiếu số liệu.",
        "so_w1_scenario": "w₁ = {w} theo kịch bản (số liệu: {w_data}).",
        "so_g1_scenario": "g₁ = {g1} là số điều chỉnh của kịch bản.",
        "so_weights": "g₂ là tổng đóng góp 6 tháng cuối năm của các khu vực: quyền số là tỷ trọng giá trị tăng thêm "
                      "{basis} (giá so sánh 2010){why}; đóng góp cả năm của một khu vực = w₁ × đóng góp 6 tháng đầu "
                      "năm + (1 − w₁) × đóng góp 6 tháng cuối năm.",
        "so_weights_why": ", vì số liệu cả năm {b} của từng khu vực chưa được công bố (thuế sản phẩm là phần còn lại, "
                          "tính suy ra; dịch vụ là số “trên”)",
        "so_growth_header": "Khu vực|Tăng 6 tháng đầu năm {y}|Tăng 6 tháng cuối năm {y}|Quyền số",
        "so_comp_header": "Khu vực|Đóng góp 6 tháng đầu năm|Đóng góp 6 tháng cuối năm|Đóng góp cả năm",
        "so_rounding": "Dòng “làm tròn”: w₁ × (tăng trưởng GRDP 6 tháng đầu năm đã công bố − tổng đóng góp của các "
                       "khu vực) = {x}, do các số liệu đã công bố được làm tròn.",
        "so_rounding_row": "Làm tròn (6 tháng đầu năm)",
        "so_chart_caption": "Hình {n}. Đóng góp của từng khu vực vào tăng trưởng GRDP năm {y} theo kịch bản {name} "
                            "(điểm phần trăm): 6 tháng đầu năm (thực hiện), 6 tháng cuối năm và cả năm (giả định).",
        "so_targets": "Kết quả của từng chỉ tiêu theo kịch bản (tính suy ra): 6 tháng cuối năm = 6 tháng cuối năm "
                      "{b} × (1 + tốc độ tăng giả định); cả năm = 6 tháng đầu năm {y} + 6 tháng cuối năm.",
        "so_targets_header": "Chỉ tiêu|Mục tiêu|Kết quả theo kịch bản|Đánh giá|Cách tính",
        "so_calc_fy": "6 tháng đầu năm {y} ({h1}) + 6 tháng cuối năm {b} ({base}) × (1 + {g})",
        "so_calc_h2": "6 tháng cuối năm {b} ({base}) × (1 + {g})",
        "so_calc_grdp_fy": "w₁·g₁ + (1 − w₁)·g₂, ở trên",
        "so_calc_grdp_h2": "g₂ = tổng đóng góp 6 tháng cuối năm của các khu vực, ở trên",
        "so_src_scenario": "kịch bản", "so_src_h1_pace": "như 6 tháng đầu năm",
        "so_met": "Đạt", "so_missed": "Không đạt", "so_na": "Chưa tính được",
        "so_missing_not_additive": "không tách được 6 tháng",
        "so_missing_h1": "thiếu số liệu 6 tháng đầu năm {y}",
        "so_missing_h2_base": "thiếu số liệu 6 tháng cuối năm {b} (cả năm {b} − 6 tháng đầu năm {b})",
        "so_missing_growth": "chưa có tốc độ tăng để giả định",
        "so_missing_grdp": "thiếu số liệu GRDP",
        "so_none": "Không có chỉ tiêu định lượng nào để tính theo kịch bản.",
        "so_unprojected": "Các chỉ tiêu không tính được theo kịch bản, theo lý do:",
        # probability
        "prob_heading": "Xác suất đạt mục tiêu (ước lượng từ số liệu các năm trước)",
        "prob_intro": "Ước lượng tại ngày {as_of} bằng mô phỏng Monte Carlo ({n} lần, hạt giống {seed}), từ số liệu "
                      "các năm trước, không tính các năm COVID-19 ({covid}). Chỉ tiêu mức: tỷ lệ 6 tháng cuối năm / 6 "
                      "tháng đầu năm của các năm trước, nhân với số liệu 6 tháng đầu năm {y}. Chỉ tiêu tăng trưởng: "
                      "chênh lệch giữa tăng trưởng cả năm và tăng trưởng 6 tháng đầu năm của các năm trước, cộng vào "
                      "tăng trưởng 6 tháng đầu năm {y}. Với ít năm số liệu, giá trị tiếp theo được rút từ phân phối "
                      "Student t (n − 1 bậc tự do) nên khoảng dao động rộng; cần ít nhất {min} năm, nếu không thì "
                      "không đưa ra con số. Đây là ước lượng thô, không phải dự báo chính thức.",
        "prob_header": "Lĩnh vực|Chỉ tiêu|Kỳ|Mục tiêu|Xác suất đạt|Cơ sở",
        "prob_row": "Xác suất đạt mục tiêu (ước lượng)",
        "prob_basis_ratio": "tỷ lệ 6 tháng cuối năm / 6 tháng đầu năm các năm {years}",
        "prob_basis_gap": "tăng trưởng cả năm − 6 tháng đầu năm các năm {years}",
        "prob_covid": "không tính các năm COVID-19 {covid}",
        "prob_reason_outturn": "đã có số liệu thực hiện",
        "prob_reason_not_additive": "chỉ tiêu không tách được 6 tháng, không có chuỗi số liệu để mô phỏng",
        "prob_reason_no_h1": "thiếu số liệu 6 tháng đầu năm {y}",
        "prob_reason_no_h1_growth": "thiếu tăng trưởng 6 tháng đầu năm {y}",
        "prob_reason_no_weight": "thiếu quyền số w₁",
        "prob_reason_history": "chưa đủ số liệu các năm trước: {k} năm dùng được ({years}), cần ít nhất {min}",
        "prob_reason_not_modelled": "loại chỉ tiêu này chưa có mô hình",
        "prob_reason_history_none": "không có năm nào trước đó có đủ số liệu 6 tháng đầu năm và cả năm (ngoài các năm "
                                    "COVID-19)",
        "prob_none": "Không đưa ra xác suất: {reason}.",
        "prob_missing": "không ước lượng",
        "prob_unavailable": "Các chỉ tiêu không có xác suất, theo lý do:",
        "prob_fans_more": "Biểu đồ phân bố của các chỉ tiêu theo lĩnh vực: xem bản tin của từng lĩnh vực.",
        "prob_count": "Có xác suất cho {k}/{n} chỉ tiêu; các chỉ tiêu còn lại ghi rõ lý do.",
        "prob_caption": "Hình {n}. {name}, {p}: số liệu các năm trước và phân bố mô phỏng của năm {y} (khoảng 50% và "
                        "80%, trung vị), so với mục tiêu (đường đứt nét). Xác suất đạt ≈ {prob} ({basis}; {covid}; "
                        "{draws} lần mô phỏng).",
    },
    "en": {
        "issuer": "People's Council of Kiên Giang province",
        "session": "10th term, 24th session",
        "overview_title": "Overview: Kiên Giang's targets for H2 and the full year {y}",
        "sector_title": "{sector}: targets for H2 and the full year {y}",
        "lead": "A briefing on the {title} (Vietnamese: {title_vi}) of the {issuer} ({session}), adopted on {date}.",
        "as_of_line": "Assessed with figures for periods ending by {as_of}. Data up to {vintage}: {n_targets} targets, "
                      "{n_sourced} sourced figures, {n_derived} derived figures.",
        "sector_clause": "This sector falls under {clause} of the resolution.",
        "data_notes": "Data notes",
        "grdp_heading": "Economic growth (GRDP)",
        "grdp_h1": "GRDP grew **{g1}** in H1 {y} on H1 {b} (2010 prices; {status}; source: {src}).",
        "grdp_h1_missing": "H1 {y} GRDP growth is not available.",
        "contrib_intro": "Each sector's contribution to that growth: the weight is the sector's value added in H1 {b} "
                         "(2010 prices), contribution = weight × growth.",
        "contrib_header": "Sector|Growth, H1 {y}|Weight (H1 {b})|Contribution",
        "contrib_total": "GRDP (total)",
        "contrib_missing": "The sectors' contributions cannot be computed: figures are missing.",
        "contrib_notes": "Weights: {notes}.",
        "weight_derived": "{name}: derived, {how}",
        "weight_lower_bound": "{name}: published as “{value}”",
        "required_heading": "Growth required in H2 {y}",
        "required_intro": "The resolution sets full-year {y} growth of {g} or more and requires H2 growth of {g2_res} "
                          "or more ({clause}). The {g2_res} follows from the year target and the H1 growth: the year's "
                          "growth is the weighted average of the two halves' growth, g = w₁·g₁ + (1 − w₁)·g₂, where "
                          "the weight w₁ is H1's share of {b} GRDP. So H2 needs",
        "formula": "g₂ = (g − w₁·g₁) / (1 − w₁)",
        "inputs_header": "Symbol|Meaning|Value|Source",
        "in_g": "Full-year {y} GRDP growth target",
        "in_g1": "GRDP growth, H1 {y}",
        "in_h1": "GRDP, H1 {b} (2010 prices)",
        "in_fy": "GRDP, {b} (2010 prices)",
        "in_w1": "Weight of H1 {b}",
        "resolution_src": "Resolution, {clause}",
        "result": "g₂ = ({g} − {w} × {g1}) / (1 − {w}) = **{g2}**, {match} the resolution's {g2_res}.",
        "match": "matching", "mismatch": "against",
        "fy_derived": "{b} GRDP at 2010 prices was not published; it is derived here: {how}.",
        "later_inputs": "These inputs are for periods ending after the assessment date.",
        "sensitivity": "The result hardly depends on the weight: with equal halves (w₁ = 0.5), g₂ = 2g − g₁ = {x}.",
        "required_missing": "The growth required in H2 {y} cannot be computed: {what} is missing.",
        "contrib_chart_heading": "Sector contributions to H1 {y} GRDP growth",
        "contrib_caption": "Figure {n}. Each sector's contribution to H1 {y} GRDP growth (percentage points); the "
                           "contributions add up to {total}. Weights: value added in H1 {b}{hatched}.",
        "contrib_hatched": "; hatched bar: weight derived",
        "summary_heading": "Summary of the targets",
        "summary_intro": "Quantitative targets: {n}, assessed with figures up to {as_of}. The status "
                         "compares the growth H2 needs with the growth achieved in H1 (on track: no more than H1; "
                         "at risk: up to {pp} pp more; off track: more than that).",
        "anomalies_heading": "Consistency of the resolution's numbers",
        "anomalies_intro": "Two checks on the resolution's own numbers, for each indicator with both an H2 and a year "
                           "target: (1) the implied H1 (year target − H2 target) against the reported H1, tolerance "
                           "{tol}; (2) the H2 share of the year target against earlier years (COVID-19 years {covid} "
                           "left out), margin {pp} pp.",
        "anomalies_count": "{k} of {n} checks flagged.",
        "anomalies_none": "No indicator has both an H2 and a year target to check.",
        "anomalies_header": "Indicator|Check|Result|Details",
        "check_implied_h1": "Implied H1 vs reported H1",
        "check_h2_share": "H2 share vs earlier years",
        "check_flagged": "Flagged", "check_ok": "Consistent", "check_na": "Not checkable",
        "targets_heading": "Quantitative targets",
        "qualitative_only": "The resolution sets qualitative tasks only for this sector; it has no quantitative "
                            "targets.",
        "quote": "Resolution ({clause}), in the original Vietnamese:",
        "facts_header": "Item|Value|Note",
        "f_fy_target": "{y} target",
        "f_h2_target": "H2 {y} target",
        "f_implied": "Implied H1 {y} (year target − H2 target)",
        "f_reported": "Reported H1 {y}",
        "f_gap": "Gap between implied and reported H1",
        "f_share": "H2 share of the {y} target",
        "f_share_hist": "H2 share in earlier years",
        "f_base_h2": "H2 {b}",
        "f_required_level": "Required in H2 {y}",
        "f_required_growth": "Growth required on H2 {b}",
        "f_h1_growth": "H1 {y} growth year on year",
        "f_w1": "Weight of H1 {b} (w₁)",
        "f_reported_any": "Reported figures",
        "f_outturn": "Outturn {p}",
        "f_status": "Status",
        "n_required_fy": "year target − reported H1: {calc}",
        "n_required_h2": "the H2 target itself",
        "n_base_h2": "{b} − H1 {b}: {calc}",
        "n_gap": "beyond the {tol} tolerance", "n_gap_ok": "within the {tol} tolerance",
        "n_covid": "COVID-19 years {covid} left out",
        "n_growth_computed": "computed from the H1 {y} and H1 {b} levels",
        "n_missing": "{what} is missing",
        "n_no_h2_target": "the resolution sets no H2 target",
        "n_derived_outturn": "derived: year − H1",
        "findings": "Consistency checks:",
        "target_caption_additive": "Figure {n}. {name}; unit: {unit}. {y}: {year_part}. {history}",
        "cap_stack": "{h1} plus {h2}, against the year-target line",
        "cap_target_only": "the year target only (dashed outline), not split by half",
        "target_caption_growth": "Figure {n}. {name}: growth on the same period a year earlier (%), H1 and full year. "
                                 "{history} {y}: {h1}; {h2}; dashed line: the year target.",
        "target_caption_level": "Figure {n}. {name}; unit: {unit}. {points}; dashed line: the {p} target.",
        "cap_h1_reported": "reported H1",
        "cap_h1_derived": "reported H1 (derived)",
        "cap_h1_implied": "the H1 the resolution implies (hatched; no reported H1)",
        "cap_h1_none": "no H1 figure",
        "cap_h2_target": "the H2 target",
        "cap_h2_required": "the H2 required to reach the year target",
        "cap_h2_none": "no H2 figure",
        "cap_history": "Earlier years ({years}): H1 and H2 (year − H1) as published.",
        "cap_fy_only": " Grey bars: full year only ({years}).",
        "cap_history_growth": "Earlier years: {years}.",
        "cap_no_history": "No earlier years available.",
        "cap_covid": " Grey background: COVID-19 years ({covid}).",
        "cap_points": "Reported figures ({periods})",
        "cap_notes": " Source notes: {notes}.",
        "cap_no_points": "No reported figures",
        "tasks_heading": "Tasks set by the resolution",
        "tasks_intro": "The tasks the resolution sets for this sector, quoted in the original Vietnamese, by clause:",
        "no_tasks": "The resolution sets no tasks specific to this sector.",
        "paragraph": "{clause}, paragraph {p}",
        "sources_heading": "Sources",
        "sources_intro": "Every figure this briefing uses, with its status and source. Derived figures are computed "
                         "from sourced ones, which are listed too.",
        "sources_none": "This briefing uses no statistical figures.",
        "sources_header": "Indicator|Period|Value|Status|Source|Note",
        "input_of": "input of a derived figure",
        "after_as_of": "period ends after the assessment date",
        "sources_more": "Sources of the sector targets: see each sector's briefing.",
        "missing": "not available",
        "status_estimate": "estimate", "status_official": "official", "status_plan": "plan",
        "status_derived": "derived",
        "q>": "over ", "q<": "under ", "q≈": "about ",
        "m_growth_yoy_pct": "growth", "m_share_of_plan_pct": "share of plan", "m_pct_of_prior_year": "% of a year earlier",
        "d_growth": "growth {p}", "d_ratio": "{p} as % of a year earlier", "d_share": "share of plan {p}",
        "figure": "Figure",
        "status_scenario": "scenario assumption",
        "scenario_banner": "Scenario: {name}",
        "scenario_banner_text": "{title}. This is a scenario briefing: the H2 figures in the “Scenario” section are "
                                "assumptions, not outturns; figures the scenario revises are marked “scenario "
                                "assumption”.",
        "scenario_heading": "Scenario {name}: assumptions and outcomes",
        "scenario_assumptions": "The scenario's assumptions (file {file}):",
        "scenario_assumptions_header": "Assumption|Value|Justification|Source",
        "scenario_none": "This scenario changes none of the data.",
        "scenario_none_sector": "This scenario sets no assumption for this sector (its other assumptions: file {file}).",
        "scenario_defaults": "Whatever the scenario does not set keeps the data: H1 figures as published, w₁ from the "
                             "data, and H2 growing at the H1 {y} pace (the pace the status compares with).",
        "sa_h1_weight": "Weight of H1 {b} (w₁)",
        "sa_h1_revision": "{name}, H1 {y} (revised)",
        "sa_h2_growth": "{name}: H2 {y} growth year on year",
        "so_heading_live": "Outcome for the values chosen",
        "so_grdp": "GRDP growth in {y} under the scenario: **{g}** = w₁·g₁ + (1 − w₁)·g₂ = {w} × {g1} + {w2} × {g2}; "
                   "target {t}: **{verdict}**.",
        "so_grdp_missing": "GRDP growth under the scenario cannot be computed: figures are missing.",
        "so_w1_scenario": "w₁ = {w} set by the scenario (data: {w_data}).",
        "so_g1_scenario": "g₁ = {g1} is the scenario's revision.",
        "so_weights": "g₂ is the sum of the sectors' H2 contributions, weighted by their {basis} value added (2010 "
                      "prices){why}; a sector's contribution to the year = w₁ × its H1 contribution + (1 − w₁) × its "
                      "H2 contribution.",
        "so_weights_why": ", because the sectors' {b} full-year value added was not published (product taxes are the "
                          "derived residual; services a lower bound)",
        "so_growth_header": "Sector|Growth H1 {y}|Growth H2 {y}|Weight",
        "so_comp_header": "Sector|H1 contribution|H2 contribution|Year contribution",
        "so_rounding": "The “rounding” row: w₁ × (published H1 GRDP growth − the sum of the sectors' contributions) = "
                       "{x}, from the rounding of the published figures.",
        "so_rounding_row": "Rounding (H1)",
        "so_chart_caption": "Figure {n}. Each sector's contribution to {y} GRDP growth under scenario {name} "
                            "(percentage points): H1 (actual), H2 and the year (assumed).",
        "so_targets": "Each target under the scenario (derived): H2 = H2 {b} × (1 + assumed growth); year = H1 {y} + H2.",
        "so_targets_header": "Target|Target value|Scenario outcome|Result|How",
        "so_calc_fy": "H1 {y} ({h1}) + H2 {b} ({base}) × (1 + {g})",
        "so_calc_h2": "H2 {b} ({base}) × (1 + {g})",
        "so_calc_grdp_fy": "w₁·g₁ + (1 − w₁)·g₂, above",
        "so_calc_grdp_h2": "g₂ = the sum of the sectors' H2 contributions, above",
        "so_src_scenario": "scenario", "so_src_h1_pace": "H1 pace",
        "so_met": "Met", "so_missed": "Missed", "so_na": "Not computable",
        "so_missing_not_additive": "no half-year split",
        "so_missing_h1": "the H1 {y} figure is missing",
        "so_missing_h2_base": "H2 {b} is missing ({b} − H1 {b})",
        "so_missing_growth": "no growth rate to assume",
        "so_missing_grdp": "GRDP figures are missing",
        "so_none": "No quantitative target to project under the scenario.",
        "so_unprojected": "Targets that cannot be projected under the scenario, by reason:",
        "prob_heading": "Probability of meeting each target (estimated from earlier years)",
        "prob_intro": "Estimated as of {as_of} by Monte Carlo ({n} draws, seed {seed}) from earlier years, COVID-19 "
                      "years ({covid}) left out. Level targets: the H2 / H1 ratio of earlier years, applied to the H1 "
                      "{y} figure. Growth targets: the gap between full-year and H1 growth in earlier years, added to "
                      "H1 {y} growth. With few years, the next value is drawn from a Student t distribution (n − 1 "
                      "degrees of freedom), so the spread is wide; at least {min} years are needed, otherwise no number "
                      "is given. A rough estimate, not an official forecast.",
        "prob_header": "Sector|Indicator|Period|Target|Probability|Basis",
        "prob_row": "Probability of meeting the target (estimate)",
        "prob_basis_ratio": "H2 / H1 ratio in {years}",
        "prob_basis_gap": "full-year minus H1 growth in {years}",
        "prob_covid": "COVID-19 years {covid} left out",
        "prob_reason_outturn": "the outturn is published",
        "prob_reason_not_additive": "no half-year split and no series to simulate from",
        "prob_reason_no_h1": "the H1 {y} figure is missing",
        "prob_reason_no_h1_growth": "H1 {y} growth is missing",
        "prob_reason_no_weight": "the weight w₁ is missing",
        "prob_reason_history": "too little history: {k} usable year(s) ({years}), at least {min} needed",
        "prob_reason_not_modelled": "no model for this kind of target",
        "prob_reason_history_none": "no earlier year has both an H1 and a full-year figure (COVID-19 years aside)",
        "prob_none": "No probability: {reason}.",
        "prob_missing": "not estimated",
        "prob_unavailable": "Targets without a probability, by reason:",
        "prob_fans_more": "The fan charts of the sector targets: see each sector's briefing.",
        "prob_count": "A probability for {k} of {n} targets; the others say why not.",
        "prob_caption": "Figure {n}. {name}, {p}: earlier years and the simulated spread for {y} (50% and 80% ranges, "
                        "median) against the target (dashed line). Probability of meeting it ≈ {prob} ({basis}; {covid}; "
                        "{draws} draws).",
    },
}

#: Missing-input names for the GRDP requirement.
_GRDP_INPUTS = {"vi": {"g1": "tăng trưởng GRDP 6 tháng đầu năm {y}", "h1": "GRDP 6 tháng đầu năm {b}",
                       "fy": "GRDP năm {b}"},
                "en": {"g1": "H1 {y} GRDP growth", "h1": "H1 {b} GRDP", "fy": "{b} GRDP"}}


def label(key: str, lang: str, **fields: Any) -> str:
    """A fixed text in ``lang``, with ``fields`` filled in."""
    if lang not in LABELS:
        raise ValueError(f"unknown language {lang!r}; expected one of: {', '.join(LABELS)}")
    text = LABELS[lang][key]
    return text.format(**fields) if fields else text


# =========================================================================== small helpers
class Html(str):
    """Text that is already HTML (not escaped again by :func:`html_table`)."""


def esc(text: Any) -> str:
    """HTML-escape ``text`` (an :class:`Html` passes through)."""
    return text if isinstance(text, Html) else html.escape(str(text), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md_escape(text: Any) -> str:
    """Escape Markdown's special characters in data text (names, quotes, notes)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def html_table(header: list[str], rows: Iterable[list[Any]], *, num: Iterable[int] = (), cls: str = "kg",
               caption: str | None = None) -> str:
    """A plain semantic HTML table; columns in ``num`` get ``class="num"`` (right-aligned numbers).

    Examples
    --------
    >>> html_table(["a", "b"], [["x<y", "1,5"]], num=[1])
    '<table class="kg"><thead><tr><th>a</th><th class="num">b</th></tr></thead><tbody><tr><td>x&lt;y</td><td class="num">1,5</td></tr></tbody></table>'
    """
    num = set(num)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    head = "".join(f'<th class="num">{esc(h)}</th>' if i in num else f"<th>{esc(h)}</th>"
                   for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f'<td class="num">{esc(c)}</td>' if i in num else f"<td>{esc(c)}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f'<table class="{esc(cls)}">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def badge(status: str, lang: str) -> Html:
    """A status badge, ``<span class="status status-on_track">Đúng hướng</span>``."""
    return Html(f'<span class="status status-{esc(status)}">{esc(STATUS_LABELS[lang][status])}</span>')


def check_badge(flagged: bool, assessable: bool, lang: str) -> Html:
    """A badge for an anomaly check; styled like the status badges (flagged = at risk)."""
    key, style = (("flagged", "at_risk") if flagged else ("ok", "on_track")) if assessable else ("na", "not_assessable")
    return Html(f'<span class="status check-{key} status-{style}">{esc(label("check_" + key, lang))}</span>')


def missing(lang: str) -> Html:
    """A missing figure: ``<span class="missing">chưa có số liệu</span>``."""
    return Html(f'<span class="missing">{esc(label("missing", lang))}</span>')


def format_date_lang(iso: str, lang: str) -> str:
    """18/7/2024 (vi) or 18 July 2024 (en).

    Examples
    --------
    >>> format_date_lang("2024-07-18", "vi"), format_date_lang("2024-07-18", "en")
    ('18/7/2024', '18 July 2024')
    """
    from babel.dates import format_date

    d = date.fromisoformat(iso)
    return format_date(d, "d/M/yyyy", locale="vi_VN") if lang == "vi" else format_date(d, "d MMMM yyyy", locale="en_GB")


def clause_label(ref: str, lang: str, paragraph: int | None = None) -> str:
    """A citation in the briefing's language.

    Examples
    --------
    >>> clause_label("Điều 1, khoản 2, điểm a", "en", 6)
    'Article 1, clause 2, point a, paragraph 6'
    >>> clause_label("Điều 1, khoản 1", "vi")
    'Điều 1, khoản 1'
    """
    if lang == "vi":
        text = ref
    else:
        a, k, p = parse_ref(ref)
        text = f"Article {a}" + (f", clause {k}" if k is not None else "") + (f", point {p}" if p else "")
    return label("paragraph", lang, clause=text, p=paragraph) if paragraph is not None else text


def link(url: str) -> Html:
    """``<a href="…">domain</a>`` for a source URL."""
    host = urlparse(url).netloc.removeprefix("www.") or url
    return Html(f'<a href="{esc(url)}">{esc(host)}</a>')


def links(urls: str) -> Html:
    """Links for one or several (`` ; ``-separated) URLs."""
    parts = [u.strip() for u in str(urls or "").split(";") if u.strip()]
    return Html(", ".join(link(u) for u in parts))


def md_link(url: str) -> str:
    """A Markdown link labelled with the domain; characters that would end the link are encoded."""
    host = urlparse(url).netloc.removeprefix("www.") or url
    safe = quote(url, safe=":/?#@!$&'*+,;=%-._~") .replace("(", "%28").replace(")", "%29")
    return f"[{md_escape(host)}]({safe})"


def as_written(pct: float, lang: str) -> str:
    """A percentage from the resolution as it is written (6,7%, not 6,70%).

    Examples
    --------
    >>> as_written(6.7, "vi"), as_written(6.56, "en")
    ('6,7%', '6.56%')
    """
    return format_number(pct, lang) + "%"


