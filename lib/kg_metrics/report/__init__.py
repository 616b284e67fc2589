"""Report layer: what the notebooks call to present the analysis (sections, templates, charts, the explorer)."""
