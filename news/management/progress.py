"""A plain-text progress bar for long management commands, drawn on stderr only when it is a terminal or asked for."""

import sys

BAR_WIDTH = 30


class ProgressBar:
    """Callable as an import's `progress(stage, done, total)`; redraws one line in place."""

    def __init__(self, stream=None, *, min_total: int = 5000, force: bool = False):
        self.stream = stream or sys.stderr
        self.min_total = min_total
        self.enabled = force or getattr(self.stream, "isatty", lambda: False)()
        self.stage = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total < self.min_total:
            return
        if self.stage not in (None, stage):
            self.stream.write("\n")
        self.stage = stage
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        percent = 100 * done // total if total else 100
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(f"\r{stage:>8} [{bar}] {percent:3d}% {done}/{total} rows")
        if done == total:
            self.stream.write("\n")
            self.stage = None
        self.stream.flush()
