"""The Chinese titles of the checks, read without building the whole rulebook.

Pages, reports and the CLI show a check by its title (工作群未按管理规定运行); the technical id
(``workgroup.register-compliance``) stays only as a small 规则编号 for developers. Reading the check
files for their titles takes a few tens of milliseconds; loading and validating the rulebook takes
seconds.
"""

from __future__ import annotations

from pathlib import Path

from hongxian.rulebook.yamlpos import YamlDoc

_ROOT = Path(__file__).resolve().parent


def check_titles(root: Path | None = None) -> dict[str, str]:
    """Check id (and every former id) → the check's Chinese title."""
    titles: dict[str, str] = {}
    folder = (Path(root) if root is not None else _ROOT) / "checks"
    for path in sorted(folder.glob("*.yaml")):
        doc = YamlDoc.read(path, f"checks/{path.name}")
        data = doc.data if isinstance(doc.data, dict) else {}
        for item in data.get("checks") or []:
            if not isinstance(item, dict) or not item.get("id") or not item.get("title"):
                continue
            for cid in [item["id"], *(item.get("aliases") or [])]:
                titles[str(cid)] = str(item["title"])
    return titles


def check_title(titles: dict[str, str], check_id: str) -> str:
    """The title shown to users; the id itself only for a check the rulebook no longer has."""
    return titles.get(check_id) or check_id
