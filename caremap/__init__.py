"""caremap: a map of child care services and the child-welfare policies behind them."""

__version__ = "0.1.0"
