"""Keep the garbage collector's pauses out of the answers' latency.

A service process holds some 70,000 objects once it has started (FastAPI, the
packs, the compiled rules); every full collection walked them all, tens of
milliseconds with the GIL held, while answers waited (benchmarks/README.md,
"The service").  After the start, what is loaded is frozen (:func:`gc.freeze`:
the collector no longer looks at it, and it is never garbage), and the youngest
generation is collected less often.
"""

from __future__ import annotations

import gc

#: allocations between collections of the youngest generation (CPython's default: 700)
GEN0_THRESHOLD = 10_000


def settle() -> None:
    """Collect once, freeze what survives, and raise the first threshold."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
