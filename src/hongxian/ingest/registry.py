"""Which reader handles a file: decided by content (`Reader.sniff`), never by file name."""

from __future__ import annotations

from pathlib import Path

from hongxian.ingest.base import Reader

HEAD_BYTES = 64 * 1024


class ReaderRegistry:
    def __init__(self, readers: list[Reader]):
        self.readers = list(readers)

    def pick(self, path: Path) -> Reader | None:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        if not head:
            return None
        for reader in self.readers:
            if reader.sniff(path, head):
                return reader
        return None

    def names(self) -> list[str]:
        return [r.name for r in self.readers]


def default_registry() -> ReaderRegistry:
    """All built-in readers, most specific first."""
    from hongxian.ingest import alipay_bill, chat_csv, wechat_bill, wechat_db

    return ReaderRegistry(
        [
            wechat_bill.WeChatBillReader(),
            alipay_bill.AlipayBillReader(),
            wechat_db.WeChatDbReader(),
            chat_csv.PyWxDumpCsvReader(),
            chat_csv.MemoTraceCsvReader(),
        ]
    )
