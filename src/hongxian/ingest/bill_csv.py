"""Lenient CSV records for bill files: physical line numbers, runaway quotes contained.

Bills are CSV written by hand-rolled exporters (formats.md §1.8, §3.3): inconsistent quoting,
a TAB after a closing quote, quotes inside unquoted fields. Python's non-strict `csv` reader
copes with all of that, except one thing: a field that *opens* a quote and never closes it
swallows every following line into one field. Here a record that spans several physical lines
is kept only when it is plausibly a quoted newline (at most `MAX_SPAN` lines and exactly the
table width); otherwise each of its lines is parsed on its own, so no line is silently lost.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

MAX_SPAN = 20


def _tap(fh, buf: list[str]) -> Iterator[str]:
    for line in fh:
        buf.append(line)
        yield line


def one_line(line: str) -> list[str]:
    text = line.rstrip("\r\n").replace("\x00", "")
    try:
        return next(csv.reader([text]), [])
    except csv.Error:
        return text.split(",")


class CsvRecords:
    """Iterate ``(line_number, cells)`` of a text file; set `width` once the header is known."""

    def __init__(self, path: Path, encoding: str, start_line: int = 1, width: int | None = None):
        self.path, self.encoding, self.start_line = path, encoding, start_line
        self.width: int | None = width

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        with open(self.path, encoding=self.encoding, errors="replace", newline="") as fh:
            done = 0  # physical lines consumed by the records already yielded
            for _ in range(self.start_line - 1):
                done += fh.readline() != ""
            buf: list[str] = []
            reader = csv.reader(_tap(fh, buf))
            while True:
                buf.clear()
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error:
                    yield from self._split(buf, done)
                    done += len(buf)
                    continue
                span = len(buf)
                if span == 1:
                    done += 1
                    yield done, cells
                elif span <= MAX_SPAN and self.width is not None and len(cells) == self.width:
                    yield done + 1, cells
                    done += span
                else:
                    yield from self._split(buf, done)
                    done += span

    @staticmethod
    def _split(lines: list[str], first: int) -> Iterator[tuple[int, list[str]]]:
        for i, line in enumerate(lines, start=first + 1):
            yield i, one_line(line)
