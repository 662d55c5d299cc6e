"""Load and validate the rulebook: ``codes/*.yaml`` (published codes) and ``checks/*.yaml`` (what to screen).

Every problem is reported as ``file:line: 说明`` (the line comes from the YAML node of the
offending value), and all problems are reported at once:

- unknown keys (models are ``extra=forbid``), wrong types, missing fields;
- a check citing an unknown code family or provision, or a provision marked ``screened: false``
  (hongxian does not screen opinions, rumours or complaints);
- an unknown detector, params the detector's ``params_model`` rejects;
- duplicate check ids, duplicate provision ids, duplicate code versions, unknown precedent links;
- case tables/columns that are not canonical.

The rulebook ``version`` is a short sha256 over the sorted YAML files; it is recorded with every run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from hongxian.rulebook.book import BoundCheck, Cited, Rulebook, article_display
from hongxian.rulebook.models import CHECK_FAMILY, Check, Code
from hongxian.rulebook.yamlpos import RulebookError, YamlDoc, validation_messages
from hongxian.schema import SCHEMAS

__all__ = [
    "BoundCheck",
    "Cited",
    "ParamsModels",
    "Rulebook",
    "RulebookError",
    "article_display",
    "default_root",
    "load_rulebook",
]


def default_root() -> Path:
    """The rulebook shipped with the package (``src/hongxian/rulebook``)."""
    return Path(__file__).resolve().parent


ParamsModels = Mapping[str, type[BaseModel]]
"""Detector name → the pydantic model its checks' ``params`` are validated into."""


def load_rulebook(params_models: ParamsModels, root: Path | None = None) -> Rulebook:
    """Read ``root/codes/*.yaml`` and ``root/checks/*.yaml``; raise `RulebookError` listing every problem.

    `params_models` names the detectors that exist (usually ``DetectorRegistry.params_models()``); a check
    naming another detector, or params its model rejects, is an error."""
    root = Path(root) if root is not None else default_root()
    code_docs = _read_dir(root, "codes")
    check_docs = _read_dir(root, "checks")
    errors: list[str] = []
    code_pairs = _load_codes(code_docs, errors)
    codes = [c for c, _ in code_pairs]
    located = _load_checks(check_docs, errors)
    probe = Rulebook(codes=codes, checks=[c for c, _, _ in located], bound={}, version="")
    _check_codes(probe, code_pairs, errors)
    bound = _bind_checks(probe, located, params_models, errors)
    if errors:
        raise RulebookError(errors)
    files = [d.rel for d in code_docs + check_docs]
    return Rulebook(
        codes=codes,
        checks=[c for c, _, _ in located],
        bound=bound,
        version=_version(code_docs + check_docs),
        files=files,
    )


def _read_dir(root: Path, sub: str) -> list[YamlDoc]:
    folder = root / sub
    if not folder.is_dir():
        if sub == "codes":
            raise RulebookError([f"{folder}: 找不到规范目录 codes/"])
        return []
    docs, errors = [], []
    for path in sorted(folder.glob("*.yaml")):
        try:
            docs.append(YamlDoc.read(path, f"{sub}/{path.name}"))
        except RulebookError as exc:
            errors.extend(exc.errors)
    if errors:
        raise RulebookError(errors)
    return docs


def _version(docs: list[YamlDoc]) -> str:
    h = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: d.rel):
        h.update(doc.rel.encode() + b"\0" + doc.text.encode("utf-8") + b"\0")
    return h.hexdigest()[:12]


# ---------------------------------------------------------------------- codes


def _load_codes(docs: list[YamlDoc], errors: list[str]) -> list[tuple[Code, YamlDoc]]:
    codes: list[tuple[Code, YamlDoc]] = []
    for doc in docs:
        if not isinstance(doc.data, dict):
            errors.append(f"{doc.rel}:1: 规范文件应为一个映射（family/title/provisions …）")
            continue
        try:
            code = Code.model_validate(doc.data)
        except ValidationError as exc:
            errors.extend(validation_messages(doc, exc))
            continue
        codes.append((code, doc))
    return codes


def _check_codes(book: Rulebook, code_pairs: list[tuple[Code, YamlDoc]], errors: list[str]) -> None:
    seen: dict[str, str] = {}
    for code, doc in code_pairs:
        if code.code_id in seen:
            errors.append(
                f"{doc.where(('family',))}: 规范版本 {code.code_id} 重复（另见 {seen[code.code_id]}）"
            )
        seen.setdefault(code.code_id, doc.rel)
        _check_provisions(book, code, doc, errors)
        _check_precedent_refs(book, code, doc, errors)
    for code, doc in code_pairs:
        if code.in_force_from is None and len(book.families[code.family]) > 1:
            errors.append(
                f"{doc.where(('family',))}: 规范 {code.family} 有多个版本，每个版本都须写明 in_force_from"
            )


def _check_provisions(book: Rulebook, code: Code, doc: YamlDoc, errors: list[str]) -> None:
    ids: set[str] = set()
    for i, p in enumerate(code.provisions):
        if p.id in ids:
            errors.append(f"{doc.where(('provisions', i, 'id'))}: 条款 id 重复：{p.id}")
        ids.add(p.id)
        if not p.screened and not p.not_screened_reason:
            errors.append(
                f"{doc.where(('provisions', i))}: 条款 {p.id} 标记 screened: false，"
                "但缺少 not_screened_reason"
            )
        for j, pid in enumerate(p.precedents):
            if pid not in book.precedents:
                errors.append(f"{doc.where(('provisions', i, 'precedents', j))}: 未知案例 {pid}")


def _check_precedent_refs(book: Rulebook, code: Code, doc: YamlDoc, errors: list[str]) -> None:
    for i, prec in enumerate(code.precedents):
        for j, ref in enumerate(prec.provisions):
            family, _, pid = ref.partition(":")
            if not book.has_provision(family, pid):
                errors.append(f"{doc.where(('precedents', i, 'provisions', j))}: 未知条款引用 {ref}")


# ---------------------------------------------------------------------- checks


def _check_items(doc: YamlDoc, errors: list[str]) -> tuple[list[Any], tuple]:
    data = doc.data
    if data is None:
        return [], ()
    if isinstance(data, dict) and set(data) == {"checks"} and isinstance(data["checks"], list):
        return data["checks"], ("checks",)
    if isinstance(data, list):
        return data, ()
    errors.append(f"{doc.rel}:1: 检查项文件应为检查项列表，或 {{checks: [...]}}")
    return [], ()


def _load_checks(docs: list[YamlDoc], errors: list[str]) -> list[tuple[Check, YamlDoc, tuple]]:
    located: list[tuple[Check, YamlDoc, tuple]] = []
    first_seen: dict[str, str] = {}
    for doc in docs:
        items, prefix = _check_items(doc, errors)
        for i, item in enumerate(items):
            loc = (*prefix, i)
            if not isinstance(item, dict):
                errors.append(f"{doc.where(loc)}: 检查项应为映射（id/category/…）")
                continue
            try:
                check = Check.model_validate(item)
            except ValidationError as exc:
                label = f"检查项 {item.get('id')}" if isinstance(item.get("id"), str) else ""
                errors.extend(validation_messages(doc, exc, loc, label))
                continue
            if not _check_ids_ok(check, doc, loc, first_seen, errors):
                continue
            located.append((check, doc, loc))
    return located


def _check_ids_ok(
    check: Check, doc: YamlDoc, loc: tuple, first_seen: dict[str, str], errors: list[str]
) -> bool:
    """The id follows the scheme ``<family>.<name>`` and neither it nor a former id (alias) is taken."""
    family = CHECK_FAMILY[check.category]
    if not check.id.startswith(family + "."):
        errors.append(
            f"{doc.where((*loc, 'id'))}: 检查项 id 应以「{family}.」开头（类别 {check.category}）：{check.id}"
        )
    ok = True
    keys: list[tuple[tuple[str | int, ...], str]] = [(("id",), check.id)]
    keys += ((("aliases", i), a) for i, a in enumerate(check.aliases))
    for key, value in keys:
        where = doc.where((*loc, *key))
        if value in first_seen:
            errors.append(f"{where}: 检查项 id 重复：{value}（另见 {first_seen[value]}）")
            ok = False
        else:
            first_seen[value] = where
    return ok


def _bind_checks(
    book: Rulebook,
    located: list[tuple[Check, YamlDoc, tuple]],
    params_models: ParamsModels,
    errors: list[str],
) -> dict[str, BoundCheck]:
    bound: dict[str, BoundCheck] = {}
    for check, doc, loc in located:
        before = len(errors)
        _check_refs(book, check, doc, loc, errors)
        _check_cases(check, doc, loc, errors)
        model = params_models.get(check.detector)
        if model is None:
            known = "、".join(sorted(params_models)) or "（无）"
            errors.append(
                f"{doc.where((*loc, 'detector'))}: 未知检测器 {check.detector}"
                f"（检查项 {check.id}；已有：{known}）"
            )
            continue
        try:
            params = model.model_validate(check.params)
        except ValidationError as exc:
            errors.extend(validation_messages(doc, exc, (*loc, "params"), f"检查项 {check.id} 的 params"))
            continue
        if len(errors) == before:
            bound[check.id] = BoundCheck(check=check, params=params)
    return bound


def _check_refs(book: Rulebook, check: Check, doc: YamlDoc, loc: tuple, errors: list[str]) -> None:
    for j, ref in enumerate(check.refs):
        if ref.code not in book.families:
            errors.append(f"{doc.where((*loc, 'refs', j, 'code'))}: 未知规范引用 {ref.code}")
        elif not book.has_provision(ref.code, ref.provision):
            errors.append(
                f"{doc.where((*loc, 'refs', j, 'provision'))}: 未知条款引用 {ref.code}:{ref.provision}"
            )
        elif not book.provision_screened(ref):
            errors.append(
                f"{doc.where((*loc, 'refs', j, 'provision'))}: "
                f"不得引用不筛查的条款 {ref.code}:{ref.provision}"
                f"（检查项 {check.id}；该条款 screened: false，hongxian 不判断观点与真伪）"
            )


def _check_cases(check: Check, doc: YamlDoc, loc: tuple, errors: list[str]) -> None:
    fire = sum(c.expect == "fire" for c in check.cases)
    if fire < 2 or len(check.cases) - fire < 2:
        errors.append(
            f"{doc.where((*loc, 'cases'))}: 至少需要 2 个应触发和 2 个不应触发的样例"
            f"（现有 {fire} / {len(check.cases) - fire}；检查项 {check.id}）"
        )
    names: set[str] = set()
    for k, case in enumerate(check.cases):
        where = doc.where((*loc, "cases", k))
        if case.name in names:
            errors.append(f"{where}: 样例名重复：{case.name}（检查项 {check.id}）")
        names.add(case.name)
        if case.text is None and not case.data:
            errors.append(f"{where}: 样例 {case.name} 需要 text 或 data（检查项 {check.id}）")
        for table, rows in (case.data or {}).items():
            if table not in SCHEMAS:
                errors.append(
                    f"{doc.where((*loc, 'cases', k, 'data', table))}: 未知数据表 {table}（样例 {case.name}）"
                )
                continue
            columns = set(SCHEMAS[table].names)
            for r, row in enumerate(rows):
                extra = sorted(set(row) - columns)
                if extra:
                    errors.append(
                        f"{doc.where((*loc, 'cases', k, 'data', table, r))}: "
                        f"表 {table} 没有列 {'、'.join(extra)}（样例 {case.name}）"
                    )
