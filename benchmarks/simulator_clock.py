"""Count what a chapter draws from the brain MRI simulator and how long drawing takes.

benchmarks/notebook_times.py runs ``install()`` in a notebook's kernel before its first cell and prints
``report()`` after its last: every call of ``BrainSimulator.sample`` (2-D slices) and ``.volumes`` (3-D
heads) is timed and counted, whoever makes it (the chapter, a data helper such as the lesion patches, or the
Fréchet distance's validation).
"""
import functools
import json
import time

MARKER = "simulator clock: "
_clock = {"seconds": 0.0, "slices": 0, "volumes": 0}
_depth = [0]  # a large request renders in chunks by calling sample again: only the outermost call counts


def _timed(method, counter):
    @functools.wraps(method)
    def timed(self, n, *args, **kwargs):
        _depth[0] += 1
        start = time.perf_counter()
        try:
            return method(self, n, *args, **kwargs)
        finally:
            _depth[0] -= 1
            if _depth[0] == 0:
                _clock["seconds"] += time.perf_counter() - start
                _clock[counter] += n
    timed.clocked = True
    return timed


def install():
    """Time every simulator call from now on (once per process)."""
    from gancourse.data.brain import BrainSimulator
    if not getattr(BrainSimulator.sample, "clocked", False):
        BrainSimulator.sample = _timed(BrainSimulator.sample, "slices")
        BrainSimulator.volumes = _timed(BrainSimulator.volumes, "volumes")


def report() -> str:
    """One line that notebook_times.py finds in the last cell's output."""
    return MARKER + json.dumps({key: round(value, 2) for key, value in _clock.items()})


def parse(text: str):
    """The figures of a ``report()`` line in a cell's printed output, or None when there is none."""
    for line in text.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    return None
