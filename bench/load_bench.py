"""Load-rate benchmark: generate the demo registers at a size, load them, print rows/s.

    .venv/bin/python bench/load_bench.py --townships 10      # the demo county
    .venv/bin/python bench/load_bench.py --townships 2000    # a province (CSV only)

Not a test: it measures. Each file is timed from reading to commit, in the same
copy-load-publish path `python -m etl load` uses.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from etl.demo import generate_registers
from etl.loader import load_file, register_files
from etl.publish import publishing


def main() -> None:
    parser = argparse.ArgumentParser(description="导入速度基准")
    parser.add_argument("--townships", type=int, default=10, help="乡镇个数")
    parser.add_argument("--seed", type=int, default=42, help="随机种子")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "registers", Path(tmp) / "bench.duckdb"
        started = time.perf_counter()
        files = generate_registers(folder, townships=args.townships, seed=args.seed)
        print(f"generated {len(files)} files in {time.perf_counter() - started:.1f}s")
        by_format: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        total_start = time.perf_counter()
        with publishing(db) as publication:
            for path in register_files(files):
                started = time.perf_counter()
                result = load_file(publication.con, path)
                seconds = time.perf_counter() - started
                publication.changed = True
                fmt = path.suffix.lower().lstrip(".")
                by_format[fmt][0] += result.rows_read
                by_format[fmt][1] += seconds
                print(f"{path.name:32} {fmt:5} {result.rows_read:>10,} rows {seconds:8.2f}s "
                      f"{result.rows_read / seconds:>12,.0f} rows/s")
        total = time.perf_counter() - total_start
        for fmt, (rows, seconds) in sorted(by_format.items()):
            print(f"{fmt:5} total {rows:>10,} rows {seconds:8.2f}s {rows / seconds:>12,.0f} rows/s")
        print(f"all files incl. publish: {total:.2f}s, database {db.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
