"""Load benchmark: DuckDB's own raw ingest of the demo registers against `python -m etl load`.

    .venv/bin/python bench/load_bench.py --townships 200
    .venv/bin/python bench/load_bench.py --townships 2000 --data /work/bench/t2000

Not a test (CI never runs it): it measures, in one run and on the same CSV files,
1. raw ingest: each file transcoded GB18030 → UTF-8 (DuckDB reads only UTF-8 here)
   and read by read_csv into a table of VARCHAR columns, checkpointed;
2. our load: `python -m etl load FOLDER` into a new database, the real command;
3. the same load again (every file unchanged: no copy, no publish);
4. one quarter's visits as a new file into the loaded province database, with the
   share of it the publishing copy takes.
Each runs in its own process; wall time and peak memory (max RSS) are that process's.
The registers are generated with `etl demo`'s generator into --data unless it already
holds them (the same seed and size give byte-identical files).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BLOCK = 1 << 22
_DATE = re.compile(r"(\d{4})\D?(\d{1,2})\D?(\d{1,2})")


def main() -> None:
    parser = argparse.ArgumentParser(description="导入速度基准：DuckDB 原始导入与 etl load 对比")
    parser.add_argument("--townships", type=int, default=200, help="乡镇个数（2000 即省级规模）")
    parser.add_argument("--seed", type=int, default=42, help="随机种子")
    parser.add_argument("--data", type=Path, help="登记表文件夹（默认 bench/data/t<乡镇个数>；已有则直接使用）")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child[0]](*args.child[1:])))
        return
    folder = args.data or ROOT / "bench" / "data" / f"t{args.townships}"
    files = registers(folder, args.townships, args.seed)
    rows = sum(count_rows(f) for f in files)
    size = sum(f.stat().st_size for f in files)
    print(f"registers: {len(files)} CSV files, {rows:,} rows, {size / 1e6:,.0f} MB in {folder}")
    with tempfile.TemporaryDirectory(prefix="load_bench-") as tmp:
        work = Path(tmp)
        raw = child("raw", str(folder), str(work / "raw.duckdb"), str(work / "utf8"))
        ours = child("load", str(folder), str(work / "dashboard.duckdb"))
        again = child("load", str(folder), str(work / "dashboard.duckdb"))
        quarter = quarter_file(folder, work / "quarter")
        incremental = child("load", str(quarter), str(work / "dashboard.duckdb"))
        db_size = (work / "dashboard.duckdb").stat().st_size
        quarter_rows = count_rows(quarter)
    print()
    print(f"{'':34}{'wall':>9}{'CPU':>9}{'peak RSS':>11}")
    print(f"{'raw ingest: transcode':34}{raw['transcode']:8.1f}s")
    print(f"{'raw ingest: read_csv → table':34}{raw['ingest']:8.1f}s")
    print(f"{'raw ingest, total':34}{raw['seconds']:8.1f}s{raw['cpu']:8.1f}s{raw['peak_gb']:9.2f} GB")
    print(f"{'etl load':34}{ours['seconds']:8.1f}s{ours['cpu']:8.1f}s{ours['peak_gb']:9.2f} GB   exit {ours['exit']}")
    print(f"{'ratio etl load / raw ingest':34}{ours['seconds'] / raw['seconds']:8.2f}×{ours['cpu'] / raw['cpu']:8.2f}×"
          "   (CPU: what the machine's other work does not distort)")
    print(f"{'rows per second (etl load)':34}{rows / ours['seconds']:9,.0f}")
    print(f"{'etl load again (all unchanged)':34}{again['seconds']:8.1f}s{again['cpu']:8.1f}s"
          f"{again['peak_gb']:9.2f} GB   copied {again['copy_seconds']:.2f}s")
    print(f"{'one quarter of visits, incremental':34}{incremental['seconds']:8.1f}s{incremental['cpu']:8.1f}s"
          f"{incremental['peak_gb']:9.2f} GB   {quarter.name}: {quarter_rows:,} rows")
    share = incremental["copy_seconds"] / incremental["seconds"] if incremental["seconds"] else 0
    print(f"{'  of it: copying the database':34}{incremental['copy_seconds']:8.2f}s{'':20}   "
          f"{share:.1%} of the load, {db_size / 1e6:,.0f} MB")


def registers(folder: Path, townships: int, seed: int) -> list[Path]:
    """The demo's register files in `folder`, generated there first if it holds none."""
    files = sorted(folder.glob("*.csv"))
    if files:
        return files
    from etl.demo import generate_registers

    started = time.perf_counter()
    files = generate_registers(folder, townships=townships, seed=seed)
    print(f"generated {len(files)} files in {time.perf_counter() - started:.0f}s")
    if any(f.suffix != ".csv" for f in files):
        sys.exit("demo registers of this size include XLSX: use at least 50 townships (CSV only)")
    return files


def count_rows(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(BLOCK), b"")) - 1


def quarter_file(folder: Path, out: Path) -> Path:
    """The latest year's visits of one full quarter, as an office exports them each quarter."""
    source = sorted(folder.glob("走访记录_*.csv"))[-1]
    with open(source, encoding="gb18030", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    quarters = {}
    for row in body:
        match = _DATE.match(row[0])
        if match:
            quarters.setdefault((int(match[1]), (int(match[2]) - 1) // 3 + 1), []).append(row)
    (year, number), picked = max(quarters.items(), key=lambda item: (len(item[1]), item[0]))
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"走访记录_{year}Q{number}.csv"
    with open(path, "w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows([header, *picked])
    return path


def child(*command: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *command], capture_output=True, text=True,
                          cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"{command[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KB on Linux


def cpu_seconds() -> float:
    """User and system CPU of this process, all its threads (DuckDB's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def raw_ingest(folder: str, db: str, utf8: str) -> dict:
    """Each CSV transcoded to UTF-8 in blocks (where it is not UTF-8 already), then read_csv → table."""
    import duckdb

    out = Path(utf8)
    out.mkdir(parents=True, exist_ok=True)
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    copies = []
    for path in sorted(Path(folder).glob("*.csv")):
        copy = out / path.name
        encoding = "utf-8" if _is_utf8(path) else "gb18030"
        decoder = codecs.getincrementaldecoder(encoding)()
        with open(path, "rb") as source, open(copy, "wb") as target:
            for block in iter(lambda: source.read(BLOCK), b""):  # noqa: B023 - read at once
                target.write(decoder.decode(block).encode("utf-8"))
            target.write(decoder.decode(b"", final=True).encode("utf-8"))
        copies.append(copy)
    transcoded = time.perf_counter()
    con = duckdb.connect(db)
    for i, copy in enumerate(copies):
        con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv($path, all_varchar = true)", {"path": str(copy)})
    con.execute("CHECKPOINT")
    con.close()
    ended = time.perf_counter()
    return {"transcode": transcoded - started, "ingest": ended - transcoded, "seconds": ended - started,
            "peak_gb": peak_gb(), "cpu": cpu_seconds() - cpu_before}


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(BLOCK), b""):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def etl_load(path: str, db: str) -> dict:
    """`python -m etl load PATH --db DB`, its report discarded; the publishing copy timed."""
    import contextlib
    import io

    from etl import publish
    from etl.cli import main as etl_main

    copied = [0.0]

    def timed(real):
        def copy(source, target):
            started = time.perf_counter()
            real(source, target)
            copied[0] += time.perf_counter() - started
        return copy

    if hasattr(publish, "copy_database"):
        publish.copy_database = timed(publish.copy_database)
    else:  # the loader before issue 11 (run this script from its checkout to measure it)
        publish.shutil.copyfile = timed(publish.shutil.copyfile)
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = etl_main(["load", path, "--db", db])
    return {"seconds": time.perf_counter() - started, "peak_gb": peak_gb(), "exit": code,
            "copy_seconds": copied[0], "cpu": cpu_seconds() - cpu_before}


CHILDREN = {"raw": raw_ingest, "load": etl_load}


if __name__ == "__main__":
    main()
