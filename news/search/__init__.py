"""Site search: the stored index (index.py, SQL only) and the query side (query.py)."""
