"""kg_metrics: targets of Kiên Giang's mid-year 2024 People's Council resolution, their arithmetic and briefings."""
from .assessment import RESOLUTION_AS_OF, assess_targets, executive_summary, grdp_requirement, sector_contributions
from .checks import anomalies
from .errors import DataError, DataProblem, ParameterError
from .format import format_number, format_pct, format_pp, format_quantity, parse_number
from .growth import (annual_growth, contribution_pp, contributions_pp, gap_pct, growth_pct, h1_weight, h2_share,
                     implied_h1, pro_rata_target, required_h2_growth, required_h2_yoy_growth, share_of_plan)
from .observations import check_observations, load_observations
from .periods import parse_period, period_label
from .registry import COMPARATOR_WORDS, Registry, check_targets, load_registry
from .status import STATUS_LABELS, THRESHOLDS, meets, target_status

__version__ = "0.1.0"
