"""Build layer: run notebooks, render HTML and PDF, publish releases atomically, keep the manifest."""
