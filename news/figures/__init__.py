"""Figures as data: reading them from text, tables, charts, linked data and formatting."""
