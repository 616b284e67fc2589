"""``python -m kg_metrics``: the ``kg-metrics`` command."""
from __future__ import annotations

import sys

from kg_metrics.cli import main

if __name__ == "__main__":
    sys.exit(main())
