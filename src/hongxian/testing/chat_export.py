"""PyWxDump and MemoTrace (WeChatMsg) CSV exports of builder messages (docs/formats.md §4).

Rows are produced the way the tools produce them: PyWxDump renders some types into text
(transfers as ``转账：￥X`` lines, red packets as ``未知``) and keeps MsgSvrID; MemoTrace copies the
raw MSG columns (XML in StrContent, empty for CompressContent-only messages), newest first.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone
from pathlib import Path

BEIJING = timezone(timedelta(hours=8))
PYWXDUMP_HEADER = [
    "id",
    "MsgSvrID",
    "type_name",
    "is_sender",
    "talker",
    "room_name",
    "msg",
    "src",
    "CreateTime",
]
MEMOTRACE_HEADER = [
    "localId",
    "TalkerId",
    "Type",
    "SubType",
    "IsSender",
    "CreateTime",
    "Status",
    "StrContent",
    "StrTime",
    "Remark",
    "NickName",
    "Sender",
]
PYWXDUMP_TYPE_NAMES = {
    (1, 0): "文本",
    (3, 0): "图片",
    (34, 0): "语音",
    (37, 0): "添加好友",
    (42, 0): "推荐公众号",
    (43, 0): "视频",
    (47, 0): "动画表情",
    (48, 0): "位置",
    (49, 0): "文件",
    (49, 1): "粘贴的文本",
    (49, 3): "(分享)音乐",
    (49, 4): "(分享)卡片式链接",
    (49, 5): "(分享)卡片式链接",
    (49, 6): "文件",
    (49, 8): "用户上传的GIF表情",
    (49, 19): "合并转发的聊天记录",
    (49, 33): "(分享)小程序",
    (49, 36): "(分享)小程序",
    (49, 57): "引用回复",
    (49, 87): "群公告",
    (49, 2000): "转账",
    (49, 2003): "赠送红包封面",
    (50, 0): "语音通话",
    (10000, 0): "系统通知",
    (10000, 4): "拍一拍",
    (10000, 8000): "邀请加群",
}


def local_time(ts: int) -> str:
    return datetime.fromtimestamp(ts, BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _pywxdump_msg(m, type_name: str) -> tuple[str, str]:
    info, row = m.info, m.row
    if m.kind == "text":
        return info["text"], ""
    if m.kind == "image":
        return "图片", ""
    if m.kind == "transfer":
        fee = f"￥{info['amount_fen'] // 100}.{info['amount_fen'] % 100:02d}"
        head = "已收款" if info["paysubtype"] == 3 else "转账"
        return f"{head}：{fee}\n转账说明：{info['memo']}\n转账时间：{local_time(row[6])}\n", ""
    if m.kind == "quote":
        return f"{info['text']}\n\n[引用]({local_time(row[6])})某人:…", ""
    if m.kind == "link":
        return f'{info["title"]}\n{info["des"]}\n\n<a href="{info["url"]}">点击查看详情</a>', info["url"]
    if m.kind == "file":
        return type_name, f"FileStorage\\File\\2024-03\\{info['file_name']}"
    if row[3] == 10000:
        return row[14], ""
    return type_name, ""


def pywxdump_rows(messages, my_wxid: str = "我") -> list[list]:
    """Header + rows in PyWxDump's CSV layout, ordered by CreateTime."""
    out: list[list] = [PYWXDUMP_HEADER]
    for i, m in enumerate(sorted(messages, key=lambda m: m.row[6]), start=1):
        row = m.row
        type_name = PYWXDUMP_TYPE_NAMES.get((row[3], row[4]), "未知")
        msg, src = _pywxdump_msg(m, type_name)
        is_sender = row[5]
        talker = my_wxid if is_sender else (m.info.get("sender") or row[13])
        out.append([i, str(row[2]), type_name, is_sender, talker, row[13], msg, src, local_time(row[6])])
    return out


def memotrace_rows(messages, contacts: dict[str, dict], owner: str, chat: str) -> list[list]:
    """Header + rows in MemoTrace's CSV layout, newest first."""
    out: list[list] = [MEMOTRACE_HEADER]
    talker_id = 1
    for m in sorted(messages, key=lambda m: m.row[6], reverse=True):
        row = m.row
        author = owner if row[5] else (m.info.get("sender") or chat)
        c = contacts.get(author, {})
        remark = c.get("Remark") or c.get("NickName") or author
        out.append(
            [
                row[0],
                talker_id,
                row[3],
                row[4],
                row[5],
                row[6],
                row[10],
                row[14] or "",
                local_time(row[6]),
                remark,
                c.get("NickName") or "",
                author,
            ]
        )
    return out


def write_csv(path: Path, rows: list[list], encoding: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return path
