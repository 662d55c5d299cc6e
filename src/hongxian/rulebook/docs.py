"""Render the rulebook as a Chinese Markdown document for investigators (``docs/rules.md``).

The output is deterministic (no dates, no hashes), so a test can regenerate it and compare.
Provisions marked ``screened: false`` (opinions, rumours, complaints …) are listed with their reason
and never with a check: hongxian leaves those judgements to people.
"""

from __future__ import annotations

from hongxian.labels import CATEGORY_ZH, SEVERITY_ZH
from hongxian.rulebook.book import Rulebook, article_display, ref_label
from hongxian.rulebook.models import Code, Precedent, Provision
from hongxian.schema import CATEGORIES

HEADER = """\
# hongxian 规则库说明

> 本文件由规则库自动生成（`hongxian rules docs --out docs/rules.md`），请勿手工修改；
> 规则数据见 `src/hongxian/rulebook/codes/`（已发布的规范）与 `src/hongxian/rulebook/checks/`（检查项）。

## 阅读说明

- **条号按行为发生日的施行版本引用。** 同一规范有多个版本时\
（如《中国共产党纪律处分条例》2015、2018、2023 年版），
  每条发现按行为日期选用当时施行的版本的条号，并同时列出其他版本的对应条号，供核对。
- **“（条号待核）”**：条号未在公开原文中核实（推断、推测或未查明）。这类条号只作线索，引用前必须核对原文。
- **“不筛查”**：涉及政治观点、言论真伪、批评投诉、低俗、迷信等的条款只作为规范原文收录。
  hongxian 不判断观点与真伪，由人依规依纪处理；没有任何检测器针对这些内容。
- **处分幅度**按原文的“情节较轻 / 较重 / 严重”阶梯列出；是否构成违纪、情节如何，由审查调查人员依规依纪认定。
- **典型案例**来自公开报道；来源未写明适用条款的，已在案例中注明。
"""


def render_markdown(book: Rulebook) -> str:
    parts = [
        HEADER,
        _checks_section(book),
        _codes_section(book),
        _unscreened_section(book),
        _precedents_section(book),
        _unverified_section(book),
    ]
    return "\n".join(p.rstrip("\n") + "\n" for p in parts)


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "｜").replace("\n", " ")


# ---------------------------------------------------------------------- checks


def _checks_section(book: Rulebook) -> str:
    lines = [
        "## 一、检查项一览",
        "",
        "依据栏为现行版本的条号；行为发生在更早时，发现中引用当时施行版本的条号。",
        "",
    ]
    lines += ["| 类别 | 检查项 | 标题 | 严重程度 | 依据 |", "|---|---|---|---|---|"]
    order = {c: i for i, c in enumerate(CATEGORIES)}
    for check in sorted(book.checks, key=lambda c: (order.get(c.category, 99), c.id)):
        refs = "；".join(ref_label(r) for r in book.resolve_refs(check, None))
        state = "" if check.enabled else "（已停用）"
        lines.append(
            f"| {CATEGORY_ZH.get(check.category, check.category)} | `{check.id}`{state} "
            f"| {_cell(check.title)} "
            f"| {SEVERITY_ZH.get(check.severity, check.severity)} | {_cell(refs)} |"
        )
    covered = {c.category for c in book.checks if c.enabled}
    missing = [CATEGORY_ZH[c] for c in CATEGORIES if c not in covered]
    if not book.checks:
        lines.append("| - | - | （尚无检查项） | - | - |")
    if missing:
        lines += ["", f"尚无检查项的类别：{'、'.join(missing)}。"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- codes


def _code_heading(code: Code) -> list[str]:
    meta = [
        ("发布机关", code.issuer),
        ("文号", code.document_number),
        ("地区", code.region),
        ("施行日期", code.in_force_from.isoformat() if code.in_force_from else None),
        ("来源", code.source),
        ("核实说明", code.verified_note),
    ]
    return [f"- {k}：{_cell(v)}" for k, v in meta if v]


def _codes_section(book: Rulebook) -> str:
    lines = ["## 二、规范与条款", "", "本规则库收录的规范："]
    lines += [
        f"- {v[-1].title}（`{f}`）"
        + (f"：{'、'.join(c.version or '' for c in v)} 年版" if len(v) > 1 else "")
        for f, v in book.families.items()
    ]
    lines.append("")
    for family, versions in book.families.items():
        latest = versions[-1]
        lines += [
            f"### {latest.title}",
            "",
            f"规范标识：`{family}`"
            + (f"；版本：{'、'.join(v.version or '' for v in versions)}" if len(versions) > 1 else ""),
            "",
        ]
        if len(versions) > 1:
            lines += _version_table(book, family, versions)
        for code in versions:
            if len(versions) > 1:
                lines += [f"#### {code.citation}", ""]
            lines += _code_heading(code) + [""]
            for p in code.provisions:
                lines += _provision_block(book, code, p)
    return "\n".join(lines) + "\n"


def _version_table(book: Rulebook, family: str, versions: list[Code]) -> list[str]:
    ids: list[str] = []
    for code in reversed(versions):
        ids += [p.id for p in code.provisions if p.id not in ids]
    head = "| 条款 | " + " | ".join(f"{v.version} 年版" for v in versions) + " | 检查项 |"
    lines = ["各版本条号对照：", "", head, "|---|" + "---|" * (len(versions) + 1)]
    for pid in ids:
        cited = {c.code.version: c.provision for c in book.all_versions(family, pid)}
        title = next(c.provision.title for c in reversed(book.all_versions(family, pid)))
        cells = [article_display(cited[v.version]) if v.version in cited else "—" for v in versions]
        checks = "、".join(f"`{c.id}`" for c in book.checks_citing(family, pid)) or (
            "不筛查" if not book.all_versions(family, pid)[-1].provision.screened else "—"
        )
        lines.append(f"| {_cell(title)}（`{pid}`） | " + " | ".join(cells) + f" | {checks} |")
    return lines + [""]


def _provision_block(book: Rulebook, code: Code, p: Provision) -> list[str]:
    status = "已核实" if p.verified else "条号待核"
    lines = [
        f"**{article_display(p)} {p.title}**（`{code.family}:{p.id}`，{status}）",
        "",
        f"> {_cell(p.text)}",
        "",
    ]
    if p.penalties:
        lines.append(f"- 处分幅度：{p.penalties.as_text()}")
    if not p.screened:
        lines.append(f"- 不筛查：{p.not_screened_reason}")
    else:
        checks = book.checks_citing(code.family, p.id)
        lines.append("- 筛查的检查项：" + ("、".join(f"`{c.id}`" for c in checks) if checks else "暂无"))
    if p.note:
        lines.append(f"- 说明：{_cell(p.note)}")
    for pid in p.precedents:
        _, prec = book.precedents[pid]
        lines.append(f"- 典型案例：{prec.title}（见第四部分）")
    return lines + [""]


# ---------------------------------------------------------------------- lists


def _unscreened_section(book: Rulebook) -> str:
    lines = [
        "## 三、不筛查的条款",
        "",
        "以下条款作为规范原文收录，hongxian 不为其设检测器，也不据此生成任何发现。",
        "",
        "| 规范 | 条号 | 条款 | 原因 |",
        "|---|---|---|---|",
    ]
    for code in book.codes:
        for p in code.provisions:
            if not p.screened:
                lines.append(
                    f"| {code.citation} | {article_display(p)} | {_cell(p.title)} "
                    f"| {_cell(p.not_screened_reason)} |"
                )
    return "\n".join(lines) + "\n"


def _precedent_block(book: Rulebook, prec: Precedent) -> list[str]:
    refs = []
    for ref in prec.provisions:
        family, _, pid = ref.partition(":")
        versions = book.all_versions(family, pid)
        if versions:
            refs.append(f"{versions[-1].provision.title}（`{ref}`）")
    lines = [f"### {prec.title}", ""]
    if prec.date:
        lines.append(f"- 时间：{prec.date}")
    lines += [
        f"- 事实：{_cell(prec.facts)}",
        f"- 对应条款：{'；'.join(refs)}",
        f"- 处理结果：{_cell(prec.outcome)}",
    ]
    if prec.note:
        lines.append(f"- 说明：{_cell(prec.note)}")
    if prec.source:
        lines.append(f"- 来源：{_cell(prec.source)}")
    return lines + [""]


def _precedents_section(book: Rulebook) -> str:
    lines = ["## 四、典型案例", ""]
    for pid in sorted(book.precedents):
        lines += _precedent_block(book, book.precedents[pid][1])
    return "\n".join(lines) + "\n"


def _unverified_section(book: Rulebook) -> str:
    lines = [
        "## 五、待核实的条号",
        "",
        "以下条号未在公开原文中核实，引用时显示“（条号待核）”。",
        "",
        "| 规范 | 条款 | 记录的条号 | 说明 |",
        "|---|---|---|---|",
    ]
    for code in book.codes:
        for p in code.provisions:
            if not p.verified:
                lines.append(
                    f"| {code.citation} | {_cell(p.title)}（`{p.id}`） | {article_display(p)} "
                    f"| {_cell(p.note)} |"
                )
    return "\n".join(lines) + "\n"
