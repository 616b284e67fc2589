"""Analysis layer: assessment of every target, consistency checks, probabilities, scenarios, backtest."""
