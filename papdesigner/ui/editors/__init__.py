"""The editors of the twelve steps (one module per step)."""
