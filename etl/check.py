"""What a file would load, before anything is written: the mapping step's dry run.

`check_file` reads a file as a load would, proposes a column mapping for each of
its sheets (synonyms, then similarity; for a file whose header is not
recognised at all, the register it resembles most), and loads it into a
scratch copy of the database, which is then thrown away: the counts and the
first reasons are exactly what `python -m etl load` would give. Both
`python -m etl check` and the 数据 page's upload step use it.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.layout import BY_SIMILARITY, IGNORED, PERSONAL, Header, find_header, normalize_header
from etl.loader import UNREADABLE, FileResult, LoadOptions, apply_schema, load_file_parts
from etl.mapping import ColumnProposal, propose, saved_mappings
from etl.reader import ReadOptions, UnreadableFile, read_file
from etl.registers import Register

SAMPLE_ROWS = 5


@dataclass
class SheetProposal:
    """One sheet's header and the proposed mapping, with its first records under it."""

    sheet: str | None
    register: Register
    header: Header
    columns: list[ColumnProposal]
    sample: list[list[str]]  # the first records, one list of cells per record (grid columns)
    recognised: bool  # every header cell maps to a column or is known to hold nothing to load

    @property
    def labels(self) -> list[str]:
        return self.header.labels


@dataclass
class FileCheck:
    """What checking one file found: proposals per sheet and the dry-run results."""

    path: Path
    proposals: list[SheetProposal] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        """True when the page must ask before loading: a header not fully recognised, or unreadable."""
        return any(r.status == UNREADABLE for r in self.results) or not all(p.recognised for p in self.proposals)


def check_file(path: Path, db: Path | None, options: LoadOptions = LoadOptions()) -> FileCheck:
    """Propose a mapping for `path` and dry-run its load against a scratch copy of `db`."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="check-") as tmp:
        scratch = Path(tmp) / "scratch.duckdb"
        if db is not None and Path(db).exists():
            shutil.copyfile(db, scratch)
        con = duckdb.connect(str(scratch))
        try:
            apply_schema(con)
            mappings = (*options.mappings, *saved_mappings(con))
            check = FileCheck(path, proposals=sheet_proposals(path, ReadOptions(mappings)))
            check.results = load_file_parts(con, path, options=options)
        finally:
            con.close()
    return check


def sheet_proposals(path: Path, options: ReadOptions = ReadOptions(), register: Register | None = None
                    ) -> list[SheetProposal]:
    """The proposed mapping of every register sheet of a file (or of the sheet nearest one).

    With `register` the proposal is for that register (the user corrected it).
    """
    try:
        data = read_file(path, options)
    except UnreadableFile as exc:
        if not exc.head:
            return []
        search = find_header(exc.head, f"{exc.sheet or ''} {path.name}", options.mappings)
        header = search.header or search.closest
        if header is None:
            return []
        if register is not None and register is not header.register:
            header = header.for_register(register)
        sample = [r for r in exc.head[header.last_row + 1:] if any(c.strip() for c in r)][:SAMPLE_ROWS]
        return [_proposal(exc.sheet, header, sample)]
    out = []
    for part in data.parts:
        for table in part.tables:
            header = table.header
            if register is not None and register is not header.register:
                header = header.for_register(register)
            out.append(_proposal(table.sheet, header, [cells for _, cells in table.rows[:SAMPLE_ROWS]]))
    return out


def _proposal(sheet: str | None, header: Header, sample: list[list[str]]) -> SheetProposal:
    columns = propose(header)
    recognised = all(
        (c.source and c.source != BY_SIMILARITY) or normalize_header(c.label) in IGNORED | PERSONAL
        or c.index in header.ignored
        for c in columns
    )
    return SheetProposal(sheet, header.register, header, columns, sample, recognised)
