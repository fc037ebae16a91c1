"""Query benchmark: every page view's query-layer calls, each against a hand-written DuckDB
query for the same figure, cold and warm, in one run. Not a test (CI does not run it).

    PYTHONPATH=. .venv/bin/python bench/query_bench.py --db /work/bench/q2000.duckdb
    PYTHONPATH=. .venv/bin/python bench/query_bench.py --townships 200      # builds the demo in a temp dir

1. Every page of pages/ runs in AppTest (signed in as a 系统管理员) with the default filters,
   for one township and for all townships; bench/page_calls.py records each call the page
   makes through ui/database (after the scope guard: the arguments it really runs with).
2. Each page view's distinct calls (a repeat is a cache hit) are replayed on a bare connection:
   cold = on a connection just opened (as after a publish: the dashboard reopens the file and
   its cache is emptied), warm = the same calls again (best of --repeat).
3. Each call is paired with bench/baselines.py: hand-written SQL returning the same figures,
   timed the same way on its own fresh connection, and its result compared with the call's.

Printed per page view: each call's cold and warm milliseconds, its baseline's, the ratio and
whether the figures agree; then the page view's totals against the goals (one township
≤ 0.5 s, all townships ≤ 2 s, every call ≤ 1.5× its baseline). Times are wall clock on a
shared machine: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import duckdb  # noqa: E402

from bench import baselines  # noqa: E402
from bench.page_calls import PAGES, Call, PageView, record  # noqa: E402

GOALS = {"one": 0.5, "all": 2.0}
RATIO_GOAL = 1.5


def _fresh(db: Path) -> duckdb.DuckDBPyConnection:
    """A connection as the dashboard opens one after a publish (DuckDB drops a file's cached
    blocks when its last connection closes, so this one starts cold)."""
    return duckdb.connect(str(db), read_only=True)


def replay(db: Path, calls: list[Call], repeat: int) -> list[dict]:
    """Each call cold (in page order, on one fresh connection) and warm (best of `repeat`), and
    the same for its baseline on a fresh connection of its own."""
    timings = [{"call": call} for call in calls]
    con = _fresh(db)
    try:
        for row in timings:
            started = time.perf_counter()
            row["result"] = row["call"].query(con, *row["call"].args)
            _drain(row["result"])
            row["cold"] = time.perf_counter() - started
        for row in timings:
            row["warm"] = min(_once(con, row["call"].query, row["call"].args) for _ in range(repeat))
    finally:
        con.close()
    con = _fresh(db)
    try:
        for row in timings:
            baseline = baselines.BASELINES.get(row["call"].name)
            if baseline is None:
                continue
            started = time.perf_counter()
            try:
                row["baseline_result"] = baseline.run(con, *row["call"].args)
            except Exception as error:  # a call of another version of the code (an older signature)
                print(f"   (no baseline for {row['call'].name}: {error})")
                continue
            row["baseline_cold"] = time.perf_counter() - started
        for row in timings:
            baseline = baselines.BASELINES.get(row["call"].name)
            if baseline is None or "baseline_cold" not in row:
                row.pop("baseline_cold", None)
                continue
            row["baseline_warm"] = min(_once(con, baseline.run, row["call"].args) for _ in range(repeat))
            try:
                row["same"] = bool(baseline.same(row["result"], row["baseline_result"]))
            except Exception:  # a result of another shape (an older version's frame for a list)
                row["same"] = False
    finally:
        con.close()
    return timings


def _once(con, query, args) -> float:
    started = time.perf_counter()
    _drain(query(con, *args))
    return time.perf_counter() - started


def _drain(result) -> None:
    """Read an export's batches, so a lazy result is timed whole."""
    batches = getattr(result, "batches", None)
    if batches is not None:
        for _ in batches:
            pass


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:8.1f}"


def report(view: PageView, timings: list[dict]) -> dict:
    """Print one page view and return its totals."""
    print(f"\n== {view.page} · {'一个乡镇' if view.scope == 'one' else '全部乡镇'}"
          f"  (AppTest run {view.seconds:.2f} s; rows per table {view.table_rows or '—'})")
    print(f"   {'query':46s} {'cold ms':>9s} {'warm ms':>9s} {'base cold':>9s} {'base warm':>9s}"
          f" {'ratio c':>7s} {'ratio w':>7s}  same")
    totals = {"cold": 0.0, "warm": 0.0, "baseline_cold": 0.0, "baseline_warm": 0.0, "worst_ratio": 0.0,
              "unmatched": 0, "different": 0}
    for row in timings:
        name = row["call"].name
        cold, warm = row["cold"], row["warm"]
        base_cold, base_warm = row.get("baseline_cold"), row.get("baseline_warm")
        ratio_cold = cold / base_cold if base_cold else None
        ratio_warm = warm / base_warm if base_warm else None
        totals["cold"] += cold
        totals["warm"] += warm
        totals["baseline_cold"] += base_cold or 0
        totals["baseline_warm"] += base_warm or 0
        if base_warm is None:
            totals["unmatched"] += 1
        elif not row.get("same", True):
            totals["different"] += 1
        # A call under 10 ms is not judged by its ratio: the fixed cost of a statement dominates.
        if ratio_warm and warm > 0.010:
            totals["worst_ratio"] = max(totals["worst_ratio"], ratio_warm)
        flag = "" if base_warm is None else ("yes" if row.get("same") else "NO")
        ratios = " ".join("       " if r is None else f"{r:7.2f}" for r in (ratio_cold, ratio_warm))
        print(f"   {name:46s} {_ms(cold)} {_ms(warm)} {_ms(base_cold)} {_ms(base_warm)} {ratios}  {flag}")
    goal = GOALS[view.scope]
    print(f"   {'page view total':46s} {_ms(totals['cold'])} {_ms(totals['warm'])} {_ms(totals['baseline_cold'])}"
          f" {_ms(totals['baseline_warm'])}   goal ≤ {goal:.1f} s: "
          f"{'met' if max(totals['cold'], totals['warm']) <= goal else 'MISSED'}")
    return totals


def _database(args) -> Path:
    if args.db:
        return Path(args.db)
    from etl.cli import load_paths
    from etl.demo import generate_registers
    from etl.loader import register_files

    folder = Path(tempfile.mkdtemp(prefix="query-bench-db-"))
    print(f"building the demo of {args.townships} townships in {folder} …")
    load_paths(register_files(generate_registers(folder / "registers", townships=args.townships)),
               folder / "dashboard.duckdb", fresh=True)
    return folder / "dashboard.duckdb"


def main() -> None:
    parser = argparse.ArgumentParser(description="每个页面的查询与手写 DuckDB 查询的耗时对比")
    parser.add_argument("--db", help="已有的数据库文件（不填则生成演示数据库）")
    parser.add_argument("--townships", type=int, default=200, help="生成演示数据库时的乡镇个数")
    parser.add_argument("--township", help="“一个乡镇”所用的乡镇代码（默认取名册中间的一个）")
    parser.add_argument("--pages", default=",".join(PAGES), help="要测的页面，逗号分隔")
    parser.add_argument("--repeat", type=int, default=2, help="热查询重复次数（取最快）")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    db = _database(args)
    con = _fresh(db)
    codes = [code for (code,) in con.execute("SELECT township_code FROM townships ORDER BY 1").fetchall()]
    counts = con.execute("SELECT (SELECT count(*) FROM activities), (SELECT count(*) FROM suggestions), "
                         "(SELECT count(*) FROM visits), (SELECT count(*) FROM visit_deputies)").fetchall()[0]
    con.close()
    township = args.township or codes[len(codes) // 2]
    print(f"database {db}: {len(codes)} townships; activities {counts[0]:,}, suggestions {counts[1]:,}, "
          f"visits {counts[2]:,}, visit links {counts[3]:,}; one township = {township}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    views = record(db, township, args.pages.split(","))
    summary = []
    for view in views:
        if view.exception:
            print(f"\n== {view.page} · {view.scope}: the page failed: {view.exception}")
            continue
        totals = report(view, replay(db, view.distinct_calls(), args.repeat))
        summary.append((view, totals))
    print("\n== summary (seconds; ratio = the page view's queries ÷ the hand-written ones; "
          "worst = the slowest call's warm ratio, calls over 10 ms)")
    print(f"   {'page view':26s} {'cold':>7s} {'warm':>7s} {'base c':>7s} {'base w':>7s} {'ratio w':>7s}"
          f" {'worst':>6s} {'max rows':>8s}  goal")
    for view, totals in summary:
        ratio = totals["warm"] / totals["baseline_warm"] if totals["baseline_warm"] else 0
        goal = GOALS[view.scope]
        met = max(totals["cold"], totals["warm"]) <= goal and totals["worst_ratio"] <= RATIO_GOAL
        notes = []
        if totals["unmatched"]:
            notes.append(f"{totals['unmatched']} without baseline")
        if totals["different"]:
            notes.append(f"{totals['different']} DIFFERENT")
        name = f"{view.page} · {view.scope}"
        print(f"   {name:26s} {totals['cold']:7.3f} {totals['warm']:7.3f}"
              f" {totals['baseline_cold']:7.3f} {totals['baseline_warm']:7.3f} {ratio:7.2f}"
              f" {totals['worst_ratio']:6.2f} {max(view.table_rows, default=0):8d}  "
              f"{'met' if met else 'MISSED'}{' (' + '; '.join(notes) + ')' if notes else ''}")
    print(f"\nload average now {os.getloadavg()[0]:.1f}; median AppTest run "
          f"{statistics.median(v.seconds for v, _ in summary):.2f} s")


if __name__ == "__main__":
    main()
