"""The case registers: people, relations, events, groups (work-group register), accounts.

Headers are the fixed Chinese ones of docs/case-format.md. A bad value rejects only that row, with
file, row, column and reason; unknown extra columns are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa

from hongxian.canonical import table_from_rows
from hongxian.ingest.base import PeopleIndex, PersonRef, Reject, UnreadableSource
from hongxian.ingest.tabular import read_rows


class BadValue(ValueError):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def _date(col: str, v: str) -> date | None:
    if not v:
        return None
    s = v.strip().replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    try:
        y, m, d = (int(x) for x in s.split(" ")[0].split("-"))
        return date(y, m, d)
    except ValueError:
        raise BadValue(col, f"日期“{v}”无法识别（应为 YYYY-MM-DD）") from None


def _list(v: str) -> list[str]:
    return [x.strip() for x in v.replace("；", ";").replace("，", ";").split(";") if x.strip()] if v else []


def _choice(col: str, v: str, allowed: tuple[str, ...], required: bool = False) -> str | None:
    if not v:
        if required:
            raise BadValue(col, "不能为空")
        return None
    if v not in allowed:
        raise BadValue(col, f"取值“{v}”无效，应为：{'、'.join(allowed)}")
    return v


def _required(col: str, v: str) -> str:
    if not v:
        raise BadValue(col, "不能为空")
    return v


IDENTITY_KINDS = ("公职人员", "企业人员", "个体经营者", "群众", "其他")
EMPLOYMENT = ("在职", "调离", "退休")
RELATIONS = ("亲属", "特定关系人", "上级", "下级", "管理服务对象", "同乡", "同学", "战友", "同事")
ROUTE_RELATIONS = ("配偶", "雇员", "员工")  # payment routes: spouse accounts, served parties' employees
EVENT_TYPES = ("换届选举", "民主推荐", "业务办理期", "个人事项")
GROUP_TYPES = ("工作群", "专项工作群", "临时工作群")
PLATFORMS = ("微信", "微博", "抖音", "其他")


def _person(c: dict[str, str]) -> dict:
    status = _choice("在职状态", c.get("在职状态", ""), EMPLOYMENT)
    departed = _date("调离日期", c.get("调离日期", ""))
    if status in ("调离", "退休") and departed is None:
        raise BadValue("调离日期", f"在职状态为“{status}”时必须填写调离日期")
    political = c.get("政治面貌", "")
    kind = _choice("身份类别", c.get("身份类别", ""), IDENTITY_KINDS)
    return {
        "person_id": _required("人员编号", c.get("人员编号", "")),
        "name": _required("姓名", c.get("姓名", "")),
        "org_unit": c.get("单位") or None,
        "position": c.get("职务") or None,
        "rank": c.get("职级") or None,
        "political_status": political or None,
        "is_party_member": political.startswith("中共"),
        "identity_kind": kind,
        "is_official": kind == "公职人员",
        "duties": c.get("职责") or None,
        "hometown": c.get("籍贯") or None,
        "wechat_ids": _list(c.get("微信号", "")),
        "wechat_nicknames": _list(c.get("微信昵称", "")),
        "alipay_accounts": _list(c.get("支付宝账号", "")),
        "phone": c.get("手机号") or None,
        "employment_status": status,
        "departed_on": departed,
    }


def _relation(c: dict[str, str]) -> dict:
    return {
        "person_id": _required("人员编号", c.get("人员编号", "")),
        "related_person_id": _required("关联人员编号", c.get("关联人员编号", "")),
        "relation": _choice("关系", c.get("关系", ""), RELATIONS + ROUTE_RELATIONS, required=True),
        "start_date": _date("开始日期", c.get("开始日期", "")),
        "end_date": _date("结束日期", c.get("结束日期", "")),
        "note": c.get("说明") or None,
    }


def _event(c: dict[str, str]) -> dict:
    start, end = _date("开始日期", c.get("开始日期", "")), _date("结束日期", c.get("结束日期", ""))
    if start is None:
        raise BadValue("开始日期", "不能为空")
    if end is not None and end < start:
        raise BadValue("结束日期", "结束日期早于开始日期")
    return {
        "event_id": _required("事件编号", c.get("事件编号", "")),
        "name": c.get("名称") or None,
        "event_type": _choice("类型", c.get("类型", ""), EVENT_TYPES, required=True),
        "start_date": start,
        "end_date": end or start,
        "org_unit": c.get("单位") or None,
        "person_ids": _list(c.get("相关人员", "")),
        "group_ids": _list(c.get("群ID", "")),
    }


def _group(c: dict[str, str]) -> dict:
    return {
        "group_id": _required("群ID", c.get("群ID", "")),
        "name": c.get("群名称") or None,
        "group_type": _choice("群类型", c.get("群类型", ""), GROUP_TYPES) or "工作群",
        "owner_person_id": c.get("群主人员编号") or None,
        "admin_person_ids": _list(c.get("管理员人员编号", "")),
        "registered_on": _date("登记日期", c.get("登记日期", "")),
        "dissolved_on": _date("解散日期", c.get("解散日期", "")),
        "name_rule": c.get("备注名规范") or "单位+姓名",
    }


def _account(c: dict[str, str]) -> dict:
    return {
        "account": _required("账号", c.get("账号", "")),
        "platform": _choice("平台", c.get("平台", ""), PLATFORMS) or "微信",
        "person_id": c.get("人员编号") or None,
        "capacity": c.get("身份") or None,
        "reported_on": _date("报告日期", c.get("报告日期", "")),
    }


@dataclass(frozen=True)
class RegisterSpec:
    stem: str
    table: str
    required_headers: tuple[str, ...]
    parse: Callable[[dict[str, str]], dict]
    key: str


REGISTERS = (
    RegisterSpec("people", "people", ("人员编号", "姓名"), _person, "person_id"),
    RegisterSpec("relations", "relations", ("人员编号", "关联人员编号", "关系"), _relation, ""),
    RegisterSpec("events", "events", ("事件编号", "类型", "开始日期"), _event, "event_id"),
    RegisterSpec("groups", "group_register", ("群ID",), _group, "group_id"),
    RegisterSpec("accounts", "account_register", ("账号",), _account, "account"),
)


@dataclass
class RegisterResult:
    table: pa.Table
    rejects: list[Reject] = field(default_factory=list)
    rows_in: int = 0  # data rows met (each is in `table` or in `rejects`)


def read_register(spec: RegisterSpec, path: Path) -> RegisterResult:
    rows, unreadable = read_rows(path)
    if not rows:
        raise UnreadableSource(
            "文件为空" if not unreadable else f"第 {unreadable[0].row_number} 行：{unreadable[0].error}"
        )
    header_no, header = rows[0]
    header = [h.strip().lstrip("\ufeff") for h in header]
    missing = [h for h in spec.required_headers if h not in header]
    if missing:
        raise UnreadableSource(f"第 {header_no} 行表头缺少列：{'、'.join(missing)}")
    out, rejects, seen = [], list(unreadable), set()
    for row_no, cells in rows[1:]:
        record = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h}
        raw = ",".join(cells)
        try:
            parsed = spec.parse(record)
        except BadValue as bad:
            rejects.append(Reject(row_no, raw, f"{bad.column}：{bad.reason}", bad.column))
            continue
        key = parsed.get(spec.key) if spec.key else None
        if key is not None and key in seen:
            rejects.append(
                Reject(row_no, raw, f"{spec.required_headers[0]}“{key}”重复", spec.required_headers[0])
            )
            continue
        seen.add(key)
        out.append(parsed)
    return RegisterResult(
        table_from_rows(spec.table, out),
        sorted(rejects, key=lambda r: r.row_number),
        len(rows) - 1 + len(unreadable),
    )


def people_index(people: pa.Table) -> PeopleIndex:
    index = PeopleIndex()
    for r in people.to_pylist():
        index.add(
            PersonRef(
                person_id=r["person_id"],
                name=r["name"],
                wechat_ids=tuple(r["wechat_ids"] or ()),
                wechat_nicknames=tuple(r["wechat_nicknames"] or ()),
                alipay_accounts=tuple(r["alipay_accounts"] or ()),
                is_official=bool(r["is_official"]),
            )
        )
    return index
