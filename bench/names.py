"""The gazetteer's name search and suggestions: latency per query, and the cost of loading.

    python bench/names.py [--repeat 5]

Times, in one process and one run: loading the settlements, other names and features
(``base_data``) and the farmsteads (``farm_index``), with the memory each adds (tracemalloc,
in a second pass so it does not slow the timed one); then ``search`` and ``suggest`` over a fixed
list of typed texts (typos, old names, stations, Cyrillic, shared names, farms with their
settlement, prefixes as typed letter by letter), each ``--repeat`` times: median and p99 in ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from pathlib import Path

from common import log, machine_info, save_results

SEARCHES = [
    "Rīga", "Daugavpls", "Jelgva", "Valmeira", "Rezekne", "Mitau", "Dünaburg", "Libau", "Windau",
    "Wenden", "Rīgas Centrālā stacija", "Lidosta Rīga", "Rīgas lidosta", "Ķīšezers", "Рига",
    "Даугавпилс", "Ozoli", "Jaunmuiža", "Lizums, „Kalniņi”", "„Ceriņi”, Lizums",
    "Kalniņi, Lizuma pagasts", "Ozoli, Saldus novads", "LV-1050", "xyzzy", "qqqq wwww",
]  # fmt: skip
TYPED = ["Daugavpils", "Jelgava", "Rīgas centrālā", "Ozolnieki", "Mitau", "Рига"]


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _times(fn, texts: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        for t in texts:
            t0 = time.perf_counter()
            fn(t)
            out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--output", type=Path, default=None, help="results file (default bench/results/names-TIME.json)")
    args = ap.parse_args()

    from locator.gazetteer import Gazetteer, search
    from locator.gazetteer.farmsteads import farm_index
    from locator.gazetteer.files import DATA_DIR, base_data
    from locator.gazetteer.suggestions import suggest

    t0 = time.perf_counter()
    base_data(str(DATA_DIR))
    load_base = time.perf_counter() - t0
    t0 = time.perf_counter()
    farms = farm_index(str(DATA_DIR))
    load_farms = time.perf_counter() - t0

    base_data.cache_clear()
    farm_index.cache_clear()
    tracemalloc.start()
    base_data(str(DATA_DIR))
    mem_base = tracemalloc.get_traced_memory()[0] / 2**20
    farm_index(str(DATA_DIR))
    mem_farms = tracemalloc.get_traced_memory()[0] / 2**20 - mem_base
    tracemalloc.stop()

    g = Gazetteer()
    search(g, "Daugavpls")  # warm: the farms are read on the first query not fully matched
    prefixes = [t[:n] for t in TYPED for n in range(2, len(t) + 1)]
    s_times = _times(lambda q: search(g, q), SEARCHES, args.repeat)
    p_times = _times(lambda q: suggest(g, q), prefixes, args.repeat)
    results = {
        "load_base_s": round(load_base, 3),
        "load_farms_s": round(load_farms, 3),
        "memory_base_mib": round(mem_base, 1),
        "memory_farms_mib": round(mem_farms, 1),
        "farms": len(farms),
        "names": len(g.names.entries),
        "search_ms": {"median": round(statistics.median(s_times), 3), "p99": round(_pct(s_times, 99), 3)},
        "suggest_ms": {"median": round(statistics.median(p_times), 3), "p99": round(_pct(p_times, 99), 3)},
        "searches": len(SEARCHES),
        "prefixes": len(prefixes),
        "repeat": args.repeat,
    }
    for k, v in results.items():
        log(f"{k:18} {v}")
    save_results("names", args, machine=machine_info(), results=results)


if __name__ == "__main__":
    main()
