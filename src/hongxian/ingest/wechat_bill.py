"""WeChat Pay bill (微信支付账单明细): CSV (≤ 2025) and XLSX (2025 and 2026 layouts).

Recognised by content only (formats.md §1.9): a text file whose first line starts with
``微信支付账单明细``, or an XLSX whose ``Sheet1`` (else first visible sheet carrying the
signature) starts with it. The header row is found by content (``交易时间, 交易类型``), never by
a fixed preamble length; columns are mapped by name. Row parsing lives in `wechat_rows`.

Owner: a ``[[sources]]`` owner in case.toml wins (a 人员编号 or a wxid); otherwise the
``微信昵称：[…]`` line matched to a unique person by people.csv 微信昵称. An owner without a known
wxid is written as the unresolved-name account ``wxname:<昵称>``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from hongxian.dataset.identity import name_account
from hongxian.ingest.base import ReaderRegistry, Sink, SourceContext, UnreadableSource, few_collections
from hongxian.ingest.bill_common import STRIP, cell_str, first_lines, text_encoding
from hongxian.ingest.bill_csv import CsvRecords
from hongxian.ingest.wechat_blocks import data_offset, read_blocks
from hongxian.ingest.wechat_rows import WeChatRows

SIGNATURE = "微信支付账单明细"
NOTE_UTC8 = "UTC+08:00"
MAX_PREAMBLE = 200
ZIP_MAGIC = b"PK\x03\x04"
_SIG_BYTES = SIGNATURE.encode("utf-8")
_SIG_REFS = (
    "".join(f"&#{ord(c)};" for c in SIGNATURE).encode(),
    "".join(f"&#x{ord(c):x};" for c in SIGNATURE).encode(),
)
"""The signature as XML character references (openpyxl with lxml writes inline strings this way)."""


class WeChatBillReader:
    name = "wechat_bill"
    label = "微信支付账单"

    def __init__(self, blockwise: bool = True):
        self.blockwise = blockwise  # CSV data part via pyarrow blocks (False: line by line, same result)

    def sniff(self, path: Path, head: bytes) -> bool:
        if head[:4] == ZIP_MAGIC:
            return _zip_mentions_signature(path) and _pick_sheet(path) is not None
        lines = first_lines(head, 2)
        return bool(lines) and lines[0].startswith(SIGNATURE)

    def read(self, ctx: SourceContext, sink: Sink) -> None:
        with few_collections():
            with open(ctx.path, "rb") as fh:
                is_zip = fh.read(4) == ZIP_MAGIC
            if is_zip:
                picked = _pick_sheet(ctx.path)
                if picked is None:
                    raise UnreadableSource("Excel 文件中没有以“微信支付账单明细”开头的工作表")
                bill = _Bill(ctx, sink, width_hook=None)
                bill.run(enumerate(picked[1], start=1))
                sink.format_label = (
                    "微信支付账单 XLSX(2026版式)" if bill.is_2026 else "微信支付账单 XLSX(2025版式)"
                )
            else:
                records = CsvRecords(ctx.path, text_encoding(ctx.path))
                bill = _Bill(ctx, sink, width_hook=records, blockwise=self.blockwise)
                bill.run(iter(records))
                sink.format_label = "微信支付账单 CSV"


class _Bill:
    """Preamble → header → data rows, shared by the CSV and XLSX containers."""

    def __init__(
        self, ctx: SourceContext, sink: Sink, width_hook: CsvRecords | None, blockwise: bool = False
    ):
        self.ctx, self.sink, self.width_hook, self.blockwise = ctx, sink, width_hook, blockwise
        self.header_line = 0
        self.nickname: str | None = None
        self.note_utc8 = False
        self.rows: WeChatRows | None = None

    @property
    def is_2026(self) -> bool:
        return self.note_utc8 or bool(self.rows and self.rows.numeric_amounts)

    def run(self, records: Iterable[tuple[int, list]]) -> None:
        it = iter(records)
        header = self._preamble(it)
        owner = self._owner()
        self.sink.row_tables = ("payments",)
        try:
            rows = self.rows = WeChatRows(
                header,
                self.sink,
                owner,
                text_cells=self.width_hook is not None,
                owner_names=self._owner_names(),
            )
        except KeyError as exc:
            raise UnreadableSource(f"账单表头缺少列：{exc.args[0]}") from None
        if self.width_hook is not None:
            self.width_hook.width = rows.width
            if self.blockwise:
                it = self._blocks(it, rows, self.width_hook)
        feed = rows.feed
        for number, cells in it:
            if cells:
                feed(number, cells)
        rows.finish()

    def _blocks(self, it: Iterator[tuple[int, list]], rows: WeChatRows, records: CsvRecords) -> Iterator:
        """Read the data part block-wise; the line-wise records resume where a block is not plain CSV."""
        offset = data_offset(records.path, self.header_line)
        if offset is None:
            return it
        it.close()  # type: ignore[attr-defined]
        resume = read_blocks(rows, records.path, records.encoding, offset, self.header_line + 1)
        if resume is None:
            return iter(())
        rows.flush()
        return iter(CsvRecords(records.path, records.encoding, start_line=resume, width=rows.width))

    def _preamble(self, it: Iterator[tuple[int, list]]) -> list:
        for number, cells in it:
            texts = [cell_str(c) for c in cells]
            if len(texts) >= 2 and texts[0] == "交易时间" and texts[1] == "交易类型":
                self.header_line = number
                while texts and not texts[-1]:
                    texts.pop()
                return texts
            line = ",".join(texts).rstrip(", ")
            if line.startswith("微信昵称：[") or line.startswith("微信昵称:["):
                self.nickname = (
                    line[6 : line.rfind("]")].strip(STRIP) if "]" in line else line[6:].strip(STRIP)
                )
            elif NOTE_UTC8 in line:
                self.note_utc8 = True
            if number > MAX_PREAMBLE:
                break
        raise UnreadableSource("文件以“微信支付账单明细”开头，但未找到表头行（交易时间,交易类型,交易对方,…）")

    def _owner_names(self) -> frozenset[str]:
        """The names the bill's owner goes by: the header nickname and the owner's people.csv nicknames."""
        names = {self.nickname} if self.nickname else set()
        person = self.ctx.people.people.get(self.sink.owner_person or "")
        if person is not None:
            names.update(person.wechat_nicknames)
        return frozenset(n for n in names if n)

    def _owner(self) -> str | None:
        account, person = resolve_owner(self.ctx, self.nickname, self.sink)
        self.sink.set_owner(account, person)
        if account:
            self.sink.add(
                "accounts",
                {"account_id": account, "platform": "wechat", "person_id": person, "nickname": self.nickname},
            )
        return account


def resolve_owner(ctx: SourceContext, nickname: str | None, sink: Sink) -> tuple[str | None, str | None]:
    """(owner account, person id): declared owner first, else the bill nickname via people.csv."""
    people = ctx.people
    declared = (ctx.declared_owner or "").strip()
    if declared:
        if declared in people.people:
            p = people.people[declared]
            if nickname and p.wechat_nicknames and nickname not in p.wechat_nicknames:
                sink.warn(
                    f"case.toml 声明的所有人 {declared} 的微信昵称中没有账单昵称“{nickname}”，以声明为准"
                )
            fallback = nickname or (p.wechat_nicknames[0] if p.wechat_nicknames else None)
            return people.wechat_account(declared) or (name_account(fallback) if fallback else None), declared
        person = people.by_wechat_id.get(declared)
        if person is None:
            sink.warn(f"case.toml 声明的所有人“{declared}”不是 people.csv 中的人员编号或微信号，按账号处理")
        return declared, person
    if not nickname:
        sink.warn("账单中没有“微信昵称：[…]”行，case.toml 也未声明该文件的所有人：账单所有人未知")
        return None, None
    person = people.person_by_nickname(nickname)
    if person is None:
        sink.warn(
            f"账单昵称“{nickname}”在 people.csv 的微信昵称列中没有唯一对应的人员，"
            f"所有人暂记为 {name_account(nickname)}"
        )
        return name_account(nickname), None
    return people.wechat_account(person) or name_account(nickname), person


def _zip_mentions_signature(path: Path) -> bool:
    """Cheap pre-check: the signature text is in the shared strings or a sheet's inline strings."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            parts = [n for n in names if n == "xl/sharedStrings.xml"] + [
                n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")
            ]
            for name in parts:
                with zf.open(name) as fh:
                    part = fh.read(1 << 20)
                    if _SIG_BYTES in part or any(ref in part.lower() for ref in _SIG_REFS):
                        return True
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return False
    return False


def _pick_sheet(path: Path) -> tuple[str, list[list]] | None:
    """``Sheet1`` if it starts with the signature, else the first visible sheet that does."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        metas = sorted(wb.sheets_metadata, key=lambda m: m.name != "Sheet1")
        for meta in metas:
            if meta.name != "Sheet1" and not str(meta.visible).endswith("Visible"):
                continue
            rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            top = [cell_str(c) for r in rows[:5] for c in r[:1]]
            if any(t.startswith(SIGNATURE) for t in top):
                return meta.name, rows
    except Exception:  # calamine raises its own error types for broken workbooks
        return None
    return None


def register(registry: ReaderRegistry) -> None:
    registry.register(WeChatBillReader())
