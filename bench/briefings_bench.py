"""Batch-briefing benchmark: build the demo at a size, write every township's and county's
quarterly briefing, print seconds per briefing.

    PYTHONPATH=. .venv/bin/python bench/briefings_bench.py --townships 10     # the demo county
    PYTHONPATH=. .venv/bin/python bench/briefings_bench.py --townships 200    # ten counties

Not a test: it measures the same path as `python -m etl briefings` (one kaleido browser for
every chart of the batch). The first briefing includes starting that browser.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

from etl.cli import load_paths, parse_quarter
from etl.demo import generate_registers
from etl.loader import register_files
from queries.db import connect_readonly
from reports.briefing_batch import batch_files, county_batches


def main() -> None:
    parser = argparse.ArgumentParser(description="季度简报批量生成速度基准")
    parser.add_argument("--townships", type=int, default=10, help="乡镇个数")
    parser.add_argument("--quarter", type=parse_quarter, default=parse_quarter("2026Q3"), help="季度，如 2026Q3")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="The kopts argument is ignored")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        load_paths(register_files(generate_registers(Path(tmp) / "registers", townships=args.townships)), db,
                   fresh=True)
        con = connect_readonly(db)
        batches = county_batches(con)
        times, started = [], time.perf_counter()
        for _file in batch_files(con, batches, args.quarter):
            times.append(time.perf_counter() - started)
            started = time.perf_counter()
        con.close()
    total, rest = sum(times), sum(times[1:]) / max(1, len(times) - 1)
    print(f"{len(times)} briefings in {total:.1f}s: {total / len(times):.2f}s per briefing "
          f"(first {times[0]:.1f}s with the browser start; the rest {rest:.2f}s each)"
          f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
