"""The case folder (docs/case-format.md): case.toml validation and paths.

Nothing is screened without an ``[authorisation]``; a missing or invalid one raises
`CaseError`, which the CLI turns into a Chinese message and exit code 2.
"""

from __future__ import annotations

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


def _explain(err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        loc = " → ".join(_FIELD_ZH.get(str(x), str(x)) for x in e["loc"])
        if e["type"] == "missing":
            lines.append(f"缺少 {loc}")
        elif e["type"] == "literal_error":
            lines.append(f"{loc} 取值无效，应为：{'、'.join(AUTH_BASES)}")
        elif e["type"] == "extra_forbidden":
            lines.append(f"未知字段 {loc}")
        else:
            lines.append(f"{loc}：{e['msg']}")
    return "；".join(lines)


def load_case_config(case_dir: Path) -> CaseConfig:
    path = Path(case_dir) / "case.toml"
    if not path.is_file():
        raise CaseError(
            f"{path}：找不到 case.toml，案件目录必须包含 case.toml（含 [authorisation] 授权信息）。"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CaseError(f"{path}：case.toml 格式错误：{exc}") from exc
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
        raise CaseError(f"{path}：case.toml 校验失败：{_explain(exc)}") from exc


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
