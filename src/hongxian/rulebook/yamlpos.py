"""YAML documents with positions: map a pydantic error location back to ``file:line``.

The rulebook is read twice from the same text: once as plain Python data (``yaml.safe_load``)
for validation, once composed into YAML nodes so a location such as ``(3, "refs", 0, "provision")``
can be turned into the line of that node. Errors then read like semgrep's:
``checks/secrecy.yaml:12: 未知条款引用 ccp-discipline:foo``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

Loc = tuple[str | int, ...]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml when available: the text is parsed once into nodes (for lines) and built into data from them."""


class RulebookError(Exception):
    """The rulebook failed to load; ``errors`` holds one ``file:line: message`` per problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        if len(self.errors) == 1:
            super().__init__(self.errors[0])
        else:
            super().__init__(f"规则库加载失败（{len(self.errors)} 处错误）：\n" + "\n".join(self.errors))


@dataclass
class YamlDoc:
    """One YAML file: its relative name, data and node tree."""

    rel: str
    text: str
    data: Any
    node: yaml.Node | None

    @classmethod
    def read(cls, path: Path, rel: str) -> YamlDoc:
        text = path.read_text(encoding="utf-8")
        try:
            loader = _Loader(text)
            try:
                node = loader.get_single_node()
                data = loader.construct_document(node) if node is not None else None
            finally:
                loader.dispose()
        except yaml.YAMLError as exc:
            raise RulebookError([f"{rel}:{_syntax_message(exc)}"]) from None
        return cls(rel, text, data, node)

    def line(self, loc: Loc) -> int:
        """1-based line of the node at ``loc`` (or of the deepest ancestor that exists)."""
        node = self.node
        if node is None:
            return 1
        line = node.start_mark.line
        for key in loc:
            found = _child(node, key)
            if found is None:
                break
            key_node, node = found
            line = (key_node or node).start_mark.line
        return line + 1

    def where(self, loc: Loc) -> str:
        return f"{self.rel}:{self.line(loc)}"


def _child(node: yaml.Node, key: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    """(key node or None, value node) of ``key`` under a mapping or sequence node."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == str(key):
                return k, v
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return None, node.value[key]
    return None


def _syntax_message(exc: yaml.YAMLError) -> str:
    """``line: YAML 语法错误：…`` with the line where the parser noticed the problem."""
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    mark = problem_mark or context_mark
    line = mark.line + 1 if mark else 1
    text = f"{line}: YAML 语法错误：{getattr(exc, 'problem', None) or exc}"
    context = getattr(exc, "context", None)
    if context and context_mark and context_mark is not mark:
        text += f"（{context}，始于第 {context_mark.line + 1} 行）"
    return text


_MESSAGES = {
    "missing": "缺少必填字段 {field}",
    "extra_forbidden": "未知字段 {field}（不允许的键）",
    "literal_error": "字段 {field} 的取值 {input!r} 无效，应为 {expected}",
    "string_pattern_mismatch": "字段 {field} 的取值 {input!r} 格式不符（应为小写字母、数字、点、连字符）",
    "too_short": "字段 {field} 的条目太少：{msg}",
    "date_from_datetime_parsing": "字段 {field} 不是有效日期：{input!r}",
    "date_parsing": "字段 {field} 不是有效日期：{input!r}",
    "model_type": "字段 {field} 应为映射（键: 值），实际为 {input!r}",
    "list_type": "字段 {field} 应为列表，实际为 {input!r}",
    "string_type": "字段 {field} 应为文本，实际为 {input!r}",
    "bool_type": "字段 {field} 应为 true/false，实际为 {input!r}",
    "bool_parsing": "字段 {field} 应为 true/false，实际为 {input!r}",
    "int_type": "字段 {field} 应为整数，实际为 {input!r}",
    "int_parsing": "字段 {field} 应为整数，实际为 {input!r}",
    "float_parsing": "字段 {field} 应为数字，实际为 {input!r}",
    "dict_type": "字段 {field} 应为映射（键: 值），实际为 {input!r}",
}


def validation_messages(doc: YamlDoc, exc: ValidationError, prefix: Loc = (), what: str = "") -> list[str]:
    """Turn a pydantic error into ``file:line: 中文说明（what）`` lines, one per error."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        full = prefix + loc
        field = ".".join(str(p) for p in loc) or "(整体)"
        template = _MESSAGES.get(err["type"])
        ctx = err.get("ctx") or {}
        if template:
            text = template.format(
                field=field,
                input=_short(err.get("input")),
                expected=ctx.get("expected", ""),
                msg=err.get("msg", ""),
            )
        else:
            text = f"字段 {field}：{err.get('msg', '')}"
        out.append(f"{doc.where(full)}: {text}" + (f"（{what}）" if what else ""))
    return out


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 40:
        return value[:40] + "…"
    if isinstance(value, dict | list):
        s = repr(value)
        return s[:40] + "…" if len(s) > 40 else value
    return value
