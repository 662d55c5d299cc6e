"""Who owns an export (whose phone / computer it came from), docs/case-format.md ("Who owns an export").

Order: the case's ``[[sources]]`` declaration; the path (``WeChat Files/<wxid>/``, PyWxDump's
``export/<wxid>/csv/``; note PyWxDump's ``<wxid>_<start>_<end>.csv`` file name names the
*conversation*, not the owner); the export's own content (PyWxDump ``talker`` of sent rows,
MemoTrace ``Sender`` of sent rows, ``sendusername`` of red packets the owner sent). Otherwise
the owner is unknown: said so in a warning, and the owner's own rows use `OWNER_UNKNOWN`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from hongxian.ingest.base import Sink, SourceContext

OWNER_UNKNOWN = "owner-unknown"
"""Account recorded for the owner's own messages/payments when the export's owner is unknown."""

_WECHAT_FILES = re.compile(r"(?:^|/)WeChat Files/([^/]+)/", re.I)
_PYWXDUMP_DIR = re.compile(r"(?:^|/)export/([^/]+)/(?:csv|json)/", re.I)


@dataclass(frozen=True)
class Owner:
    account: str | None
    person: str | None
    how: str  # declared | path | content | unknown


def owner_from_path(*paths: str) -> str | None:
    """The wxid in a ``WeChat Files/<wxid>/`` or PyWxDump ``export/<wxid>/csv/`` path."""
    for path in paths:
        p = path.replace("\\", "/")
        for pat in (_WECHAT_FILES, _PYWXDUMP_DIR):
            m = pat.search(p)
            if m and m.group(1).strip():
                return m.group(1).strip()
    return None


def resolve_owner(
    ctx: SourceContext, sink: Sink, from_content: Callable[[], str | None] | None = None
) -> Owner:
    """Owner of an export: case.toml ``[[sources]]``, else the path, else the export's content
    (``from_content`` is called only when needed).

    Calls ``sink.set_owner`` and warns (in Chinese) when the owner stays unknown.
    """
    people = ctx.people
    declared = ctx.declared_owner
    if declared:
        if declared in people.people:
            owner = Owner(people.wechat_account(declared), declared, "declared")
            if owner.account is None:
                sink.warn(
                    f"已声明机主 {declared}，但 people.csv 中没有其微信号；"
                    f"机主本人发送的消息记为 {OWNER_UNKNOWN}"
                )
        else:
            owner = Owner(declared, people.by_wechat_id.get(declared), "declared")
    elif (acc := owner_from_path(ctx.rel_path, str(ctx.path))) is not None:
        owner = Owner(acc, people.by_wechat_id.get(acc), "path")
    elif from_content is not None and (acc := from_content()) is not None:
        owner = Owner(acc, people.by_wechat_id.get(acc), "content")
    else:
        owner = Owner(None, None, "unknown")
        sink.warn(
            "未能确定此导出的机主：case.toml 没有对应的 [[sources]] 声明，路径中也没有 "
            f"WeChat Files/<wxid>/；机主本人发送的消息和支付记为 {OWNER_UNKNOWN}，"
            "请在 case.toml 中声明 owner"
        )
    sink.set_owner(owner.account, owner.person)
    return owner
