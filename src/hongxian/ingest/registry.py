"""Which reader handles a file: decided by content (`Reader.sniff`), never by file name.

Every reader module has ``register(registry)`` (`hongxian.plugins`); `READER_MODULES` lists them in
sniffing order, most specific first.
"""

from __future__ import annotations

from pathlib import Path

from hongxian.ingest import alipay_bill, chat_csv, wechat_bill, wechat_db
from hongxian.ingest.base import Reader
from hongxian.plugins import Registry, register_all

HEAD_BYTES = 64 * 1024
READER_MODULES = (wechat_bill, alipay_bill, wechat_db, chat_csv)


class ReaderRegistry(Registry[Reader]):
    """Readers in sniffing order."""

    kind = "reader"

    def pick(self, path: Path) -> Reader | None:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        if not head:
            return None
        for reader in self:
            if reader.sniff(path, head):
                return reader
        return None

    def order(self) -> list[str]:
        """Reader names in sniffing order."""
        return [r.name for r in self]


def default_registry() -> ReaderRegistry:
    """All built-in readers, most specific first."""
    registry = ReaderRegistry()
    register_all(registry, READER_MODULES)
    return registry
