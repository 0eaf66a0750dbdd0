"""What can be wrong with a roster: problems of a cell, a row or a whole file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One reason a row (or a file) cannot be loaded, located as precisely as we can."""

    file: str
    sheet: str
    row: int | None
    column: str
    value: str
    code: str
    zh: str
    en: str
    whole_file: bool = False
    """The file (or sheet) was refused whole: nothing of it is loaded, even with
    `skip_invalid`."""

    @property
    def reason(self) -> str:
        return f"{self.zh} / {self.en}"


class FileProblem(Exception):
    """A problem of a whole file (unreadable, wrong encoding, over a limit, no header row):
    nothing of the file is loaded. `sheet`, `row` and `column` say where, when it is known."""

    def __init__(
        self,
        code: str,
        zh: str,
        en: str,
        row: int | None = None,
        *,
        sheet: str = "",
        column: str = "",
    ) -> None:
        super().__init__(f"{zh} / {en}")
        self.code = code
        self.zh = zh
        self.en = en
        self.row = row
        self.sheet = sheet
        self.column = column

    def problem(self, file: str, sheet: str = "") -> Problem:
        """The problem as reported for `file` (and the sheet being read, if not known here)."""
        return Problem(
            file,
            self.sheet or sheet,
            self.row,
            self.column,
            "",
            self.code,
            self.zh,
            self.en,
            whole_file=True,
        )


@dataclass(frozen=True)
class RowRefusal:
    """A row (or part of one) that a rule of `core.rules` refuses, given the graph's state."""

    row: int
    field: str
    value: str
    code: str
    zh: str
    en: str


class RulesBroken(Exception):
    """Rows refused while writing, by rules that depend on what the graph holds (an overlap
    with an appointment, a classification dated before the current one)."""

    def __init__(self, refusals: list[RowRefusal]) -> None:
        super().__init__(f"{len(refusals)} row(s) refused by the graph's rules")
        self.refusals = refusals


class LoadRefused(Exception):
    """Raised when a load is refused: the problems say why. Nothing of the refused file was
    written; `written` names earlier files of the same load that were (each is a load of its
    own, committed before the refused one was tried)."""

    def __init__(self, problems: list[Problem], written: list[str] | None = None) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was written")
        self.problems = problems
        self.written = written or []


class LoadFailed(Exception):
    """A batched (big-file) load failed part-way and was rolled back: what it had written is
    undone and its `(:Load)` is marked FAILED."""

    def __init__(self, load_id: str, error: BaseException, kept: list[str] | None = None) -> None:
        super().__init__(f"load {load_id} failed and was rolled back: {error}")
        self.load_id = load_id
        self.error = error
        self.kept = kept or []
        """What the roll-back left as others had changed it (`loaders.undo.UndoReport`)."""
