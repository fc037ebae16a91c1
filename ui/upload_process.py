"""Uploaded registers are loaded in a child process with a memory, time and row limit.

A 48 MB CSV of 3.6 M rows once took 7.7 GB and 94 s inside the Streamlit server. Now the
server only saves the uploads to a private folder and starts `python -m ui.upload_process`,
which limits its own address space and CPU time, refuses a file with more rows than
`UploadLimits.rows` before parsing it, loads the rest with the same `load_paths` as the
CLI (copy → load → publish) and reports its progress as JSON lines. A supervising thread
in the server reads them, kills the child at the time limit and removes the folder, so an
upload the user walked away from is still bounded. A child that dies, for any reason,
publishes nothing (etl/publish.py).

This module never imports Streamlit: the child starts in about a second.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from etl.loader import ABORTED, UNREADABLE, FileResult, LoadOptions
from etl.reader import CSV_SUFFIXES
from queries.db import PROJECT_ROOT

LOG = logging.getLogger("dashboard.uploads")
SHOWN_REJECTIONS = 20  # the report keeps this many rejected rows per file; all are in the database
STAGES = ("读取", "校验", "写入")  # the stages load_file reports, in order


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may cost. Rows: the 数据 page's stated limit. Memory: the address
    space of the loading process, more than twice what loading 200,000 rows needs (about
    1.4 GB resident, 3.4 GB of address space, CSV or XLSX). Seconds: wall time for the
    whole upload, lock wait included; 200,000 rows load in about 12 s on 2 idle cores."""

    rows: int = 200_000
    memory_bytes: int = 8 * 1024**3
    seconds: int = 600


LOAD, CHECK = "load", "check"


@dataclass(frozen=True)
class Job:
    """One upload as the child gets it: the files saved in `folder` (removed afterwards), the
    database, the load options (who loads, under which scope, with which 导入方案) and the limits.

    `action` LOAD loads the files; CHECK only checks the one file as it would load (etl/check.py:
    a dry run on a scratch copy), for the 数据 page's mapping step, with `register` (a kind) when
    the user named the register. Written for the child with pickle: both ends are this program.
    """

    folder: Path
    files: tuple[Path, ...]
    db: Path
    options: LoadOptions = LoadOptions()
    limits: UploadLimits = UploadLimits()
    action: str = LOAD
    register: str | None = None


def too_many_rows_message(name: str, rows: int, limit: int, sheet: str | None = None) -> str:
    where = f"文件「{name}」" + (f"的工作表「{sheet}」" if sheet else "")
    return (f"{where}约有 {rows:,} 行，超过每个文件 {limit:,} 行的上限，未导入。"
            "请按乡镇或年度拆分后分别上传；更大的文件可由管理员用命令行 python -m etl load 导入。")


def memory_message(limit: UploadLimits) -> str:
    gigabytes = limit.memory_bytes / 1024**3
    size = f"{gigabytes:.0f} GB" if gigabytes >= 1 else f"{limit.memory_bytes / 1024**2:.0f} MB"
    return f"导入所需内存超过上限（{size}），已停止，数据库未作改动。请把文件拆小后分别上传。"


def time_message(limit: UploadLimits) -> str:
    minutes, seconds = divmod(limit.seconds, 60)
    duration = f"{minutes} 分钟" if minutes and not seconds else f"{limit.seconds} 秒"
    return (f"导入超过 {duration}仍未完成，已停止，数据库未作改动。"
            "请把文件拆小后分别上传，或请管理员用命令行导入。")


FAILED_MESSAGE = "导入过程意外中断，数据库未作改动。请稍后重试；如仍出现，请告知系统管理员。"
PUBLISHED_MESSAGE = "导入已完成，但未能取回导入报告，请在「导入记录」中查看结果。"


# --- counting rows before anything is parsed ----------------------------------------

_BLANK_LINE_CHARACTERS = b" \t\r\n,;\"'\x00"  # a line of only delimiters is an empty row, as the reader has it
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_CELL_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)[\s>]")


def count_rows(path: Path) -> list[tuple[str | None, int]]:
    """(sheet, rows holding a value) of a CSV (sheet None) or of every worksheet of an XLSX.

    Read as a stream, in constant memory: a CSV's non-blank lines, an XLSX's <row>
    elements that hold a cell value, each less the header row. A value with line breaks
    or a title row above the header counts too, so the count may be a little high.
    Unreadable files count as 0 rows: the loader explains them. An .xls sheet holds at most
    65,536 rows, below the limit: it is not counted.
    """
    try:
        if path.suffix.lower() in CSV_SUFFIXES:
            return [(None, max(_csv_lines(path) - 1, 0))]
        return _xlsx_rows(path)
    except Exception:  # noqa: BLE001 - a broken zip, deflate stream or XML: the loader reads it and explains
        return [(None, 0)]


def _csv_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip(_BLANK_LINE_CHARACTERS))


def _xlsx_rows(path: Path) -> list[tuple[str | None, int]]:
    with zipfile.ZipFile(path) as archive:
        counted = []
        for sheet, member in _worksheets(archive):
            rows, tail = 0, b""
            with archive.open(member) as stream:
                while block := stream.read(1 << 20):
                    parts = _ROW_END.split(tail + block)
                    tail = parts.pop()
                    rows += sum(1 for part in parts if _CELL_VALUE.search(part))
            counted.append((sheet, max(rows - 1, 0)))  # less the header row, as for a CSV
        return counted


def _worksheets(archive: zipfile.ZipFile) -> list[tuple[str | None, str]]:
    """(sheet name, member) of every worksheet, named from workbook.xml where it can be."""
    members = [n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)]
    try:
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): "xl/" + r.get("Target", "").lstrip("/").removeprefix("xl/") for r in rels}
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        named = {
            targets.get(s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")): s.get("name")
            for s in book.iter() if s.tag.endswith("}sheet")
        }
    except (KeyError, ElementTree.ParseError):
        named = {}
    return [(named.get(member), member) for member in members]


def over_limit(path: Path, name: str, limit: int) -> str | None:
    """The refusal message for a file with more rows than `limit`, or None."""
    for sheet, rows in count_rows(path):
        if rows > limit:
            return too_many_rows_message(name, rows, limit, sheet)
    return None


# --- the child ----------------------------------------------------------------------

def main(argv: list[str]) -> int:
    """`python -m ui.upload_process WORKDIR`: do the Job in WORKDIR/job.pickle, its outcome to outcome.pickle."""
    workdir = Path(argv[0])
    with open(workdir / "job.pickle", "rb") as handle:
        job: Job = pickle.load(handle)  # noqa: S301 - written by the server that started us, in its private folder
    _limit_self(job.limits)
    events = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # anything else printed goes to the log, not into the progress channel

    def emit(**event) -> None:
        events.write(json.dumps(event, ensure_ascii=False) + "\n")

    try:
        outcome = _check(job) if job.action == CHECK else _load(job, emit)
    except Exception as exc:  # noqa: BLE001 - reported to the server, traceback to the log
        traceback.print_exc()
        emit(event="failed", reason="memory" if _out_of_memory(exc) else "error")
        return 3
    finally:  # the uploads are not kept, even if the server that started us is gone
        shutil.rmtree(job.folder, ignore_errors=True)
    with open(workdir / "outcome.pickle", "wb") as handle:
        pickle.dump(outcome, handle)
    emit(event="done")
    return 0


# How running out of address space shows when it is not a MemoryError: DuckDB's allocator,
# a library that cannot be mapped, a thread whose stack cannot be allocated.
_OUT_OF_MEMORY_WORDS = ("out of memory", "failed to allocate", "cannot allocate memory", "failed to map segment",
                        "can't start new thread")


def _out_of_memory(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError) or any(word in str(exc).lower() for word in _OUT_OF_MEMORY_WORDS)


def _limit_self(limits: UploadLimits) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    cpu = 2 * limits.seconds + 30  # a backstop: the server kills the child at `seconds` of wall time
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _check(job: Job):
    """The FileCheck of the job's one file, or None for a file over the row limit (the load refuses it)."""
    from etl.check import check_file, sheet_proposals
    from etl.reader import ReadOptions
    from etl.registers import BY_KIND

    (path,) = job.files
    if over_limit(path, path.name, job.limits.rows):
        return None
    check = check_file(path, job.db, job.options)
    if job.register is not None:
        check.proposals = sheet_proposals(path, ReadOptions(job.options.mappings), BY_KIND[job.register])
    return check


def _load(job: Job, emit) -> list[FileResult]:
    from etl.cli import load_paths  # after the limits are set: the heavy imports count too
    from etl.errors import LoadAborted
    from etl.loader import list_files

    listing = list_files(list(job.files))  # a lock or hidden file gets its line: skipped
    files = listing.files
    refused, accepted = [], []
    for index, path in enumerate(files):
        emit(event="stage", index=index, files=len(files), stage="检查", name=path.name)
        message = over_limit(path, path.name, job.limits.rows)
        if message:
            refused.append(FileResult(path, UNREADABLE, message=message))
        else:
            accepted.append(path)

    def on_stage(index: int, stage: str) -> None:
        emit(event="stage", index=index, files=len(accepted), stage=stage, name=accepted[index].name)

    try:
        loaded = load_paths(
            accepted, job.db, options=job.options, on_stage=on_stage, wait_seconds=job.limits.seconds / 2,
            on_wait=lambda message: emit(event="wait", text=message),
        ) if accepted else []  # half the time for another load's lock: the other half is to load
    except LoadAborted as exc:  # the environment stopped it (a full disk, another load's lock): nothing published
        message = f"导入未完成：{exc}。数据库保持原样，此文件未导入。"
        loaded = [FileResult(path, ABORTED, message=message) for path in accepted]
    emit(event="published")  # from here on, a child that dies has still loaded the files
    for result in loaded:  # the report shows the first few; all of them are in the database
        result.rejections = result.rejections[:SHOWN_REJECTIONS]
        result.warnings = result.warnings[:SHOWN_REJECTIONS]
    return loaded + listing.others + refused


# --- the server's side ----------------------------------------------------------------

class LoadProcess:
    """One upload's child process, supervised from a thread of the server.

    `progress` is (share done 0..1, Chinese text) for a progress bar; `results` is set
    when `done` is. The thread, not the page, enforces the time limit and removes the job's
    folder, so both hold even when the user leaves the page while the upload runs.
    """

    def __init__(self, job: Job):
        self.limits = job.limits
        self.names = [path.name for path in job.files]
        self.progress: tuple[float, str] = (0.0, "正在准备导入……")
        self.results: list[FileResult] | None = None
        self.done = threading.Event()
        self._workdir = Path(tempfile.mkdtemp(prefix="upload-job-"))
        self._folder = job.folder
        self._published = False
        self._timed_out = False
        self._action = job.action
        with open(self._workdir / "job.pickle", "wb") as handle:
            pickle.dump(job, handle)
        self._log = open(self._workdir / "child.log", "wb")  # noqa: SIM115 - closed by the supervisor
        self._process = subprocess.Popen(
            [sys.executable, "-m", "ui.upload_process", str(self._workdir)],
            cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log,
            start_new_session=True,  # a Ctrl-C meant for the server does not half-kill the load
        )
        self._started = time.monotonic()
        threading.Thread(target=self._supervise, name="upload-supervisor", daemon=True).start()

    def wait(self, seconds: float) -> bool:
        return self.done.wait(seconds)

    def _supervise(self) -> None:
        timer = threading.Timer(self.limits.seconds, self._time_out)
        timer.start()
        failure = None
        try:
            for line in self._process.stdout:
                event = json.loads(line)
                if event["event"] == "stage":
                    self.progress = self._share(event)
                elif event["event"] == "wait":
                    self.progress = (self.progress[0], event["text"])
                elif event["event"] == "published":
                    self._published = True
                elif event["event"] == "failed":
                    failure = event["reason"]
            self._process.wait()
            self.results = self._outcome(failure)
        except Exception:  # noqa: BLE001 - whatever happens, the page gets an answer
            traceback.print_exc()
            self._process.kill()
            self.results = self._failed(FAILED_MESSAGE)
        finally:
            timer.cancel()
            self._log.close()
            self._process.stdout.close()
            self._keep_log()
            shutil.rmtree(self._workdir, ignore_errors=True)
            shutil.rmtree(self._folder, ignore_errors=True)
            self.done.set()

    def _share(self, event: dict) -> tuple[float, str]:
        files, index, stage = event["files"], event["index"], event["stage"]
        if stage == "检查":
            return 0.05 * (index + 1) / files, f"正在检查「{event['name']}」的行数……"
        step = STAGES.index(stage) if stage in STAGES else 0
        elapsed = time.monotonic() - self._started
        return (0.05 + 0.95 * (index + step / len(STAGES)) / files,
                f"正在{stage}「{event['name']}」（第 {index + 1}/{files} 个文件，已用时 {elapsed:.0f} 秒）……")

    def _time_out(self) -> None:
        self._timed_out = True
        self._process.kill()

    def _outcome(self, failure: str | None):
        code = self._process.returncode
        if code == 0 and not self._timed_out:
            with open(self._workdir / "outcome.pickle", "rb") as handle:
                return pickle.load(handle)  # noqa: S301 - written by our own child, in our private folder
        if self._action == CHECK:  # a check that could not finish proposes nothing: the load will say why
            return None
        if self._published:  # killed after the load was done
            return self._failed(PUBLISHED_MESSAGE)
        if self._timed_out or code == -signal.SIGXCPU:
            return self._failed(time_message(self.limits))
        if failure == "memory" or code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT):
            return self._failed(memory_message(self.limits))  # what kills a loader that is not ours to kill
        return self._failed(FAILED_MESSAGE)

    def _failed(self, message: str) -> list[FileResult]:
        """One report line per uploaded file: none of them was loaded."""
        return [FileResult(Path(name), ABORTED, message=message) for name in self.names]

    def _keep_log(self) -> None:
        """The child's own output (a traceback, say) goes to the server's log, not to the user."""
        text = (self._workdir / "child.log").read_text(encoding="utf-8", errors="replace").strip()
        if text:
            LOG.warning("导入进程 %s 的输出：\n%s", self._workdir.name, text)


def run(job: Job, on_progress: Callable[[float, str], None] | None = None, poll: float = 0.25):
    """Do `job` in a child process and wait for it, telling `on_progress` as it goes: the FileResults
    of a LOAD, the FileCheck (or None) of a CHECK."""
    process = LoadProcess(job)
    while not process.wait(poll):
        if on_progress:
            on_progress(*process.progress)
    return process.results



def check(name: str, content: bytes, db: Path, options: LoadOptions = LoadOptions(), register: str | None = None,
          limits: UploadLimits = UploadLimits()):
    """The FileCheck of one upload as it would load (a dry run), in a child process under the same
    limits as a load: None when it could not be made (too many rows, memory, time), and the load says why."""
    folder = Path(tempfile.mkdtemp(prefix="check-upload-"))
    path = folder / (Path(name.replace("\\", "/")).name or "上传文件")
    path.write_bytes(content)
    return run(Job(folder, (path,), db, options, limits, CHECK, register))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
