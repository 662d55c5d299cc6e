"""Which reader handles a file: decided by content (`Reader.sniff`), never by file name.

Every reader module has ``register(registry)`` (`hongxian.plugins`); `READER_MODULES` lists them in
sniffing order, most specific first.
"""

from __future__ import annotations

from hongxian.ingest import alipay_bill, chat_csv, pywxdump_users, wechat4_db, wechat_bill, wechat_db
from hongxian.ingest.base import ReaderRegistry
from hongxian.plugins import register_all

READER_MODULES = (wechat_bill, alipay_bill, wechat4_db, wechat_db, chat_csv, pywxdump_users)

__all__ = ["READER_MODULES", "ReaderRegistry", "default_registry"]


def default_registry() -> ReaderRegistry:
    """All built-in readers, most specific first."""
    registry = ReaderRegistry()
    register_all(registry, READER_MODULES)
    return registry
