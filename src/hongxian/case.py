"""The case folder (docs/case-format.md): case.toml validation and paths.

Nothing is screened without an ``[authorisation]``; a missing or invalid one raises
`CaseError`, which the CLI turns into a Chinese message and exit code 2.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

STATE_DIR = ".hongxian"
AUTH_BASES = ("立案审查", "初步核实", "工作群自查", "本人自查")


class CaseError(Exception):
    """A case folder that cannot be used at all (exit code 2)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseInfo(_Model):
    id: str = Field(min_length=1)
    title: str = ""


class Authorisation(_Model):
    approved_by: str = Field(min_length=1)
    approved_on: date
    basis: Literal["立案审查", "初步核实", "工作群自查", "本人自查"]
    case_number: str | None = None


class Scope(_Model):
    start: date | None = None
    end: date | None = None


class SourceOwner(_Model):
    path: str
    owner: str


class CaseConfig(_Model):
    case: CaseInfo
    authorisation: Authorisation
    scope: Scope = Scope()
    sources: list[SourceOwner] = Field(default_factory=list)

    def authorisation_text(self) -> str:
        a = self.authorisation
        return f"{a.basis}；{a.approved_by}；{a.approved_on.isoformat()}"

    def owner_for(self, rel_path: str) -> str | None:
        """The declared owner of an export: the longest ``[[sources]]`` path that contains it."""
        rel = rel_path.replace("\\", "/")
        best: tuple[int, str] | None = None
        for s in self.sources:
            p = s.path.replace("\\", "/").rstrip("/")
            if (rel == p or rel.startswith(p + "/")) and (best is None or len(p) > best[0]):
                best = (len(p), s.owner)
        return best[1] if best else None


_FIELD_ZH = {
    "case": "[case] 段",
    "authorisation": "[authorisation] 授权段",
    "approved_by": "审批单位 approved_by",
    "approved_on": "审批日期 approved_on",
    "basis": "依据 basis",
    "id": "案件编号 id",
}


_TOML_ZH: tuple[tuple[str, str], ...] = (
    (r"^Expected '=' after a key in a key/value pair", "键名后面缺少“=”"),
    (r"^Invalid value", "值无效（文字要加英文双引号，日期写作 2024-01-31）"),
    (r"^Invalid statement", "无法识别的一行（应为 键 = 值 或 [段名]）"),
    (r"^Unterminated string", "字符串缺少结束的英文双引号"),
    (r"^Cannot declare (?P<a>.*) twice", "段 {a} 重复出现"),
    (r"^Cannot overwrite a value", "同一个键写了两次"),
    (r"^Expected ']' at the end of a table declaration", "段名缺少结束的“]”"),
    (r"^Unclosed array", "列表缺少结束的“]”"),
    (r"^Unclosed inline table", "内联表缺少结束的“}”"),
    (r"^Invalid date or datetime", "日期或时间无效（应写作 2024-01-31）"),
    (r"^Invalid initial character for a key part", "键名以无效字符开头"),
    (r"^Illegal character '\\n'", "字符串缺少结束的英文双引号（不能跨行）"),
    (r"^(Illegal|Found invalid) character (?P<a>.*)", "非法字符 {a}"),
    (r"^Expected newline or end of document", "一行只能写一个 键 = 值"),
)
_PYDANTIC_ZH = {
    "string_type": "应为文字（加英文双引号）",
    "date_type": "应为日期（如 2024-01-31）",
    "date_parsing": "应为日期（如 2024-01-31）",
    "date_from_datetime_parsing": "应为日期（如 2024-01-31）",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "list_type": '应为列表（如 ["a", "b"]）',
    "dict_type": "应为一个段（[段名]）",
}


def toml_error_zh(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    """``case.toml 第 3 行第 9 列：值无效…``: tomllib's English message in Chinese with the place."""
    text = str(exc)
    where = re.search(r"\(at line (\d+), column (\d+)\)", text) or re.search(r"\(at end of document\)", text)
    place = f"第 {where.group(1)} 行第 {where.group(2)} 列" if where and where.groups() else "文件末尾"
    reason = re.sub(r"\s*\(at [^)]*\)$", "", text)
    for rx, zh in _TOML_ZH:
        m = re.match(rx, reason)
        if m:
            reason = zh.format(**m.groupdict())
            break
    else:
        reason = f"语法错误（{reason}）"
    return f"{path}：{place}：case.toml 格式错误：{reason}"


def _line_of(text: str, loc: tuple) -> int | None:
    """The line of the key at ``loc`` (``("case", "id")``) in the TOML text, else of its section."""
    if not loc:
        return None
    section, key = str(loc[0]), (str(loc[1]) if len(loc) > 1 else None)
    current, section_line = None, None
    for n, line in enumerate(text.splitlines(), start=1):
        head = re.match(r"^\s*\[([^\]]+)\]", line)
        if head:
            current = head.group(1).strip()
            if current == section and section_line is None:
                section_line = n
        elif key is not None and current == section and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return n
    return section_line


def _validation_zh(path: Path, text: str, err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        line = _line_of(text, tuple(e["loc"]))
        at = f"第 {line} 行：" if line else ""
        loc = " → ".join(_FIELD_ZH.get(str(x), str(x)) for x in e["loc"])
        if e["type"] == "missing":
            parts.append(f"{at}缺少 {loc}")
        elif e["type"] == "literal_error":
            parts.append(f"{at}{loc} 取值无效，应为：{'、'.join(AUTH_BASES)}")
        elif e["type"] == "extra_forbidden":
            parts.append(f"{at}未知字段 {loc}")
        else:
            parts.append(f"{at}{loc}：{_PYDANTIC_ZH.get(e['type'], e['msg'])}")
    return f"{path}：case.toml 校验失败：" + "；".join(parts)


def load_case_config(case_dir: Path) -> CaseConfig:
    path = Path(case_dir) / "case.toml"
    if not path.is_file():
        raise CaseError(
            f"{path}：找不到 case.toml，案件目录必须包含 case.toml（含 [authorisation] 授权信息）。"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseError(f"{path}：case.toml 不是 UTF-8 编码的文本，请用 UTF-8 另存后重试。") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(toml_error_zh(path, exc)) from exc
    if "authorisation" not in data and "authorization" in data:
        raise CaseError(
            f"{path}：授权段写成了 [authorization]（美式拼写），应为 [authorisation]（英式拼写）；"
            "请改正段名后重试。"
        )
    if "authorisation" not in data:
        raise CaseError(
            f"{path}：缺少 [authorisation] 授权信息（审批单位、审批日期、依据）。未经授权的数据一律不予筛查。"
        )
    try:
        return CaseConfig.model_validate(data)
    except ValidationError as exc:
        raise CaseError(_validation_zh(path, text, exc)) from exc


class CasePaths:
    """Where things live inside a case folder."""

    def __init__(self, case_dir: Path) -> None:
        self.root = Path(case_dir).resolve()
        self.state = self.root / STATE_DIR
        self.tables = self.state / "tables"
        self.exports = self.root / "exports"

    def register_file(self, stem: str) -> Path | None:
        """people / relations / events / groups / accounts as .csv or .xlsx (csv wins)."""
        for ext in (".csv", ".xlsx"):
            p = self.root / f"{stem}{ext}"
            if p.is_file():
                return p
        return None

    def relative(self, path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).as_posix()
