"""Uploaded registers are checked and loaded in a child process with a memory, time and row limit.

A 48 MB CSV of 3.6 M rows once took 7.7 GB and 94 s inside the Streamlit server. Now the
server only saves the uploads to a private folder and starts `python -m ui.upload_process`
with a Job: load the files (Job), or check one as it would load for the mapping step
(CheckJob). The child limits its own address space and CPU time, refuses a file with more
rows than `UploadLimits.rows` before parsing it, loads the rest with the same `load_paths`
as the CLI (copy → load → publish) and reports its progress as JSON lines. A supervising
thread in the server reads them, kills the child at the time limit and removes the folder,
so an upload the user walked away from is still bounded. A child that dies, for any
reason, publishes nothing (etl/publish.py); each file's report line then says why.

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
from functools import partial
from pathlib import Path
from xml.etree import ElementTree

from etl.check import FileCheck, check_file, sheet_proposals
from etl.cli import load_paths
from etl.errors import LoadAborted, os_cause
from etl.loader import ABORTED, UNREADABLE, FileResult, LoadOptions, list_files
from etl.reader import CSV_SUFFIXES, ReadOptions
from etl.registers import BY_KIND
from etl.safe_text import visible
from queries.db import PROJECT_ROOT

LOG = logging.getLogger("dashboard.uploads")
SHOWN_REJECTIONS = 20  # the report keeps this many rejected rows per file; all are in the database
STAGES = ("读取", "校验", "写入")  # the stages load_file reports, in order


@dataclass(frozen=True)
class UploadLimits:
    """What one child may cost: the load of an upload's files, or the check of one file.

    Rows: the 数据 page's stated limit, per file. Memory: the address space of the child, twice
    what loading 200,000 rows needs (measured: a 49 MB CSV 1.2 GB resident and 3.3 GB of address
    space, a workbook of long texts 1.8 GB and 4.0 GB). Seconds: wall time, another load's lock
    wait included; 200,000 rows load in about 12 s on 2 idle cores."""

    rows: int = 200_000
    memory_bytes: int = 8 * 1024**3
    seconds: int = 600


@dataclass(frozen=True)
class Job:
    """Load the uploaded `files`, saved in `folder` (removed afterwards), into `db` within `limits`.

    `options` says who loads, under which scope, the form's township and the confirmed 导入方案.
    The server writes the job for the child with pickle (both ends are this program); the child
    calls `run`, the server `stopped` when the child could not finish.
    """

    folder: Path
    files: tuple[Path, ...]
    db: Path
    options: LoadOptions = LoadOptions()
    limits: UploadLimits = UploadLimits()

    def run(self, emit: Callable[..., None]) -> list[FileResult]:
        """In the child: one FileResult per register read, then the files skipped or refused."""
        listing = list_files(list(self.files))  # a lock or hidden file gets its line: skipped
        refused, accepted = [], []
        for index, path in enumerate(listing.files):
            emit(event="stage", index=index, files=len(listing.files), stage="检查", name=path.name)
            message = over_limit(path, self.limits.rows)
            if message:
                refused.append(FileResult(path, UNREADABLE, message=message))
            else:
                accepted.append(path)

        def on_stage(index: int, stage: str) -> None:
            emit(event="stage", index=index, files=len(accepted), stage=stage, name=accepted[index].name)

        loaded = []
        if accepted:
            try:
                loaded = load_paths(  # half the time for another load's lock: the other half is to load
                    accepted, self.db, options=self.options, on_stage=on_stage,
                    wait_seconds=self.limits.seconds / 2, on_wait=lambda message: emit(event="wait", text=message))
                emit(event="published")  # from here on, a child that dies has still loaded the files
            except LoadAborted as exc:  # the environment stopped it (a full disk, a lock held): nothing published
                loaded = [FileResult(path, ABORTED, message=aborted_message(exc, self.db, path.name))
                          for path in accepted]
        return _shortened(loaded) + listing.others + refused

    def stopped(self, why: Callable[[str], str]) -> list[FileResult]:
        """The report when the child could not finish: every file, not loaded, and `why` (of its name)."""
        return [FileResult(Path(path.name), ABORTED, message=why(path.name)) for path in self.files]


@dataclass(frozen=True)
class CheckJob(Job):
    """Check the one file of `files` as it would load (etl/check.py: a dry run on a scratch copy of
    `db`), for the 数据 page's mapping step; with `register` (a kind) the proposals are for that
    register, the one the user named. An untrusted file is checked within the same limits as a load."""

    register: str | None = None

    def run(self, emit: Callable[..., None]) -> FileCheck | FileResult:
        """In the child: the FileCheck, or the FileResult refusing a file over the row limit unparsed."""
        (path,) = self.files
        message = over_limit(path, self.limits.rows)
        if message:
            return FileResult(Path(path.name), UNREADABLE, message=message)
        check = check_file(path, self.db, self.options)
        if self.register is not None:
            check.proposals = sheet_proposals(path, ReadOptions(self.options.mappings), BY_KIND[self.register])
        check.results = _shortened(check.results)
        return check

    def stopped(self, why: Callable[[str], str]) -> FileResult:
        (path,) = self.files
        return FileResult(Path(path.name), ABORTED, message=why(path.name))


def _shortened(results: list[FileResult]) -> list[FileResult]:
    """Results with their first rejected rows and warnings only, for the report and the dry run: a file of
    200,000 bad rows must not send 200,000 of them to the server (a load keeps every one in the database)."""
    for result in results:
        result.rejections = result.rejections[:SHOWN_REJECTIONS]
        result.warnings = result.warnings[:SHOWN_REJECTIONS]
    return results


def too_many_rows_message(name: str, rows: int, limit: int, sheet: str | None = None) -> str:
    where = f"文件「{name}」" + (f"的工作表「{sheet}」" if sheet else "")
    return (f"{where}约有 {rows:,} 行，超过每个文件 {limit:,} 行的上限，未导入。"
            "请按乡镇或年度拆分后分别上传；更大的文件可由管理员用命令行 python -m etl load 导入。")


def memory_message(limits: UploadLimits, name: str) -> str:
    gigabytes = limits.memory_bytes / 1024**3
    size = f"{gigabytes:.0f} GB" if gigabytes >= 1 else f"{limits.memory_bytes / 1024**2:.0f} MB"
    return (f"文件「{name}」未导入：本次导入所需内存超过上限（{size}），导入已停止，数据库未作改动。"
            "请把文件拆小或分批上传。")


def time_message(limits: UploadLimits, name: str) -> str:
    minutes, seconds = divmod(limits.seconds, 60)
    duration = f"{minutes} 分钟" if minutes and not seconds else f"{limits.seconds} 秒"
    return (f"文件「{name}」未导入：本次导入超过 {duration}仍未完成，导入已停止，数据库未作改动。"
            "请把文件拆小或分批上传，或请管理员用命令行导入。")


def aborted_message(exc: LoadAborted, db: Path, name: str) -> str:
    """The environment's reason (a full disk, another load's lock) without the server's paths in it."""
    text = str(exc)
    files = {Path(db), Path(os.path.realpath(db))}  # a symlinked database is named by its target too
    for file in files:
        text = text.replace(f"（{visible(file)}）", "").replace(f"「{visible(file)}」", "")
    for folder in {file.parent for file in files}:
        text = text.replace(f"（{visible(folder)}）", "").replace(f"「{visible(folder)}」", "「数据库所在文件夹」")
    return f"导入未完成：{text}。数据库保持原样，文件「{name}」未导入。"


def failed_message(name: str) -> str:
    return f"文件「{name}」未导入：导入过程意外中断，数据库未作改动。请稍后重试；如仍出现，请告知系统管理员。"


def unreported_message(name: str) -> str:
    return (f"文件「{name}」的导入报告未能取回（导入进程在写入数据库之后中断）。请在「导入记录」中查看它是否已导入；"
            "重新上传也不会重复计数。")


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


def over_limit(path: Path, limit: int) -> str | None:
    """The refusal message for a file with more rows than `limit`, or None."""
    for sheet, rows in count_rows(path):
        if rows > limit:
            return too_many_rows_message(path.name, rows, limit, sheet)
    return None


# --- the child ----------------------------------------------------------------------

def main(argv: list[str]) -> int:
    """`python -m ui.upload_process WORKDIR`: run the Job in WORKDIR/job.pickle, its outcome to outcome.pickle.

    Progress goes to the server as JSON lines on stdout: `stage` and `wait` for the progress bar,
    `published` once the load is done, `failed` with a reason; anything else printed, a traceback
    say, goes to stderr, which the server logs.
    """
    workdir = Path(argv[0])
    with open(workdir / "job.pickle", "rb") as handle:
        job: Job = pickle.load(handle)  # noqa: S301 - written by the server that started us, in its private folder
    _limit_self(job.limits)
    events = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # anything else printed goes to the log, not into the progress channel

    def emit(**event) -> None:
        events.write(json.dumps(event, ensure_ascii=False) + "\n")

    try:
        outcome = job.run(emit)
        with open(workdir / "outcome.pickle", "wb") as handle:
            pickle.dump(outcome, handle)
    except Exception as exc:  # noqa: BLE001 - reported to the server, traceback to the log
        traceback.print_exc()
        emit(event="failed", reason="memory" if _out_of_memory(exc) else "error")
        return 3
    finally:  # the uploads are not kept, even if the server that started us is gone
        shutil.rmtree(job.folder, ignore_errors=True)
    return 0


# How running out of address space shows when it is not a MemoryError: DuckDB's allocator,
# a library that cannot be mapped, a thread whose stack cannot be allocated.
_OUT_OF_MEMORY_WORDS = ("out of memory", "failed to allocate", "cannot allocate memory", "failed to map segment",
                        "can't start new thread")


def _out_of_memory(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError) or _mentions_memory(str(exc))


def _mentions_memory(text: str) -> bool:
    return any(word in text.lower() for word in _OUT_OF_MEMORY_WORDS)


def _limit_self(limits: UploadLimits) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    cpu = 2 * limits.seconds + 30  # a backstop: the server kills the child at `seconds` of wall time
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


# --- the server's side ----------------------------------------------------------------

class ChildProcess:
    """One job's child process, supervised from a thread of the server.

    `progress` is (share done 0..1, Chinese text) for a progress bar; `outcome` is set when
    `done` is: what the job's `run` returned, or its `stopped` answer saying why it could not
    finish. The thread, not the page, enforces the time limit and removes the job's folder,
    so both hold even when the user leaves the page while the upload runs.
    """

    def __init__(self, job: Job):
        self.job = job
        self.progress: tuple[float, str] = (0.0, "正在准备导入……")
        self.outcome = None
        self.done = threading.Event()
        self._workdir = Path(tempfile.mkdtemp(prefix="upload-job-"))
        self._published = False
        self._timed_out = False
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
        timer = threading.Timer(self.job.limits.seconds, self._time_out)
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
            self.outcome = self._outcome(failure)
        except Exception:  # noqa: BLE001 - whatever happens, the page gets an answer
            LOG.exception("导入进程 %s 的监督出错", self._workdir.name)
            self._process.kill()
            self.outcome = self.job.stopped(failed_message)
        finally:
            timer.cancel()
            self._log.close()
            self._process.stdout.close()
            self._keep_log()
            shutil.rmtree(self._workdir, ignore_errors=True)
            shutil.rmtree(self.job.folder, ignore_errors=True)
            self.done.set()

    def _share(self, event: dict) -> tuple[float, str]:
        files, index, stage = event["files"], event["index"], event["stage"]
        if stage == "检查":
            return 0.05 * (index + 1) / files, f"正在检查「{event['name']}」的行数……"
        step = len(STAGES) if stage == "完成" else STAGES.index(stage) if stage in STAGES else 0
        elapsed = time.monotonic() - self._started
        return (0.05 + 0.95 * (index + step / len(STAGES)) / files,
                f"正在{stage}「{event['name']}」（第 {index + 1}/{files} 个文件，已用时 {elapsed:.0f} 秒）……")

    def _time_out(self) -> None:
        self._timed_out = True
        self._process.kill()

    def _outcome(self, failure: str | None):
        code, limits = self._process.returncode, self.job.limits
        if code == 0:
            with open(self._workdir / "outcome.pickle", "rb") as handle:
                return pickle.load(handle)  # noqa: S301 - written by our own child, in our private folder
        if self._published:  # the database was published, the report lost
            return self.job.stopped(unreported_message)
        if self._timed_out or code == -signal.SIGXCPU:
            return self.job.stopped(partial(time_message, limits))
        # What kills a loader that is not ours to kill; or the C library's last words (a thread's
        # memory that could not be allocated ends the process with 127, no Python exception).
        if failure == "memory" or code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT) \
                or _mentions_memory(self._output()):
            return self.job.stopped(partial(memory_message, limits))
        return self.job.stopped(failed_message)

    def _output(self) -> str:
        return (self._workdir / "child.log").read_text(encoding="utf-8", errors="replace").strip()

    def _keep_log(self) -> None:
        """The child's own output (a traceback, say) goes to the server's log, not to the user."""
        text = self._output()
        if text:
            LOG.warning("导入进程 %s 的输出：\n%s", self._workdir.name, text)


def run(job: Job, on_progress: Callable[[float, str], None] | None = None, poll: float = 0.25):
    """Run `job` in a child process and wait for it, telling `on_progress` as it goes; its outcome."""
    child = ChildProcess(job)
    while not child.wait(poll):
        if on_progress:
            on_progress(*child.progress)
    return child.outcome


def safe_name(name: str, index: int) -> str:
    """An upload's own file name, without any folder, control character or excess length."""
    base = re.sub(r"[\x00-\x1f\x7f]", "", Path(name.replace("\\", "/")).name)
    if base in ("", ".", ".."):
        return f"上传文件{index}"
    suffix = Path(base).suffix if len(Path(base).suffix) <= 10 else ""
    while len(base.encode("utf-8")) > 200:  # file systems allow 255 bytes
        base = base[: len(base) - len(suffix) - 1] + suffix
    return base


def save(files: list[tuple[str, bytes]]) -> tuple[Path, tuple[Path, ...]]:
    """Write uploads, named by `safe_name`, into a new private folder: the folder and the files' paths.

    Two uploads of one name are both kept (the name still tells the register). Nothing is left
    behind when writing fails (a full or read-only temporary disk): the OSError is the caller's.
    """
    folder, saved = Path(tempfile.mkdtemp(prefix="uploads-")), []
    try:
        for index, (name, content) in enumerate(files, start=1):
            target = folder / name
            if target.exists():
                target = folder / str(index) / name
                target.parent.mkdir()
            target.write_bytes(content)
            saved.append(target)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, tuple(saved)


def not_saved_message(exc: OSError) -> str:
    return f"无法保存上传的文件：{os_cause(exc)}。数据库保持原样，此文件未导入。"


def check(name: str, content: bytes, db: Path, options: LoadOptions = LoadOptions(), register: str | None = None,
          limits: UploadLimits = UploadLimits()) -> FileCheck | FileResult:
    """One upload checked as it would load (a dry run) in a child process, within the limits of a load.

    The FileCheck; or, when the file is not to be loaded at all, the FileResult that says why:
    over the row limit, out of memory or time, or not even saved.
    """
    name = safe_name(name, 1)
    try:
        folder, files = save([(name, content)])
    except OSError as exc:
        return FileResult(Path(name), ABORTED, message=not_saved_message(exc))
    return run(CheckJob(folder, files, db, options, limits, register))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
