"""Arithmetic layer: growth formulas and target status rules, one function per concept."""
