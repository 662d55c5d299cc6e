"""`hongxian check`: 发前自检 of one draft, or of many (``--batch FILE.jsonl`` / ``--batch -``).

This module imports neither Typer nor Rich: `hongxian.cli.main` runs `run` directly for
``hongxian check …`` (the command must answer at once); `hongxian.cli.check_typer` adds the same
command to the Typer app for ``hongxian --help``.

Batch mode reads one JSON object per line (``{"text": "…"}``, other keys such as ``"id"`` are echoed
back) and writes one JSON object per line: ``{"id": …, "hits": [...]}``, or ``{"line": n, "error": …}``
for a line it cannot read. Exit codes: 0 nothing found, 1 something found, 2 unusable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

HELP = "发前自检：检查一段拟发送的文字是否涉及泄密、泄露他人隐私、推销、赌博、拉票。发现问题时退出码为 1。"
MAX_TEXT = 20000


class InputError(Exception):
    """Input the command cannot use (exit code 2)."""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hongxian check", description=HELP)
    p.add_argument("text", nargs="?", default=None, help="待发送的文本；省略或为 - 时从标准输入读取")
    p.add_argument("--file", type=Path, default=None, help="从文件读取待检查文本")
    p.add_argument(
        "--format", dest="fmt", choices=("text", "json"), default="text", help="输出格式：text 或 json"
    )
    p.add_argument(
        "--batch",
        default=None,
        help='批量自检：JSON Lines 文件（每行 {"text": …}），- 为标准输入；每行输出一条结果',
    )
    p.add_argument("--no-cache", action="store_true", help="不使用已编译规则库的缓存")
    return p


def run(argv: list[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``hongxian check`` with `argv` (the arguments after ``check``); returns the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    args = parser().parse_args(argv)
    try:
        if args.batch is not None:
            if args.text is not None or args.file is not None:
                raise InputError("--batch 不能与文本参数或 --file 同时使用")
            return _run_batch(args.batch, out, not args.no_cache)
        body = _read_text(args.text, args.file)
    except InputError as exc:
        print(f"错误：{exc}", file=err)
        return 2
    from hongxian.selfcheck import load_self_checker

    hits = load_self_checker(use_cache=not args.no_cache).check(body)
    if args.fmt == "json":
        out.write(json.dumps({"hits": [h.to_json_dict() for h in hits]}, ensure_ascii=False, indent=2) + "\n")
    else:
        out.write("\n".join(format_hits(hits)) + "\n")
    return 1 if hits else 0


def format_hits(hits: list) -> list[str]:
    """The human-readable report of a draft's hits (plain text, Simplified Chinese)."""
    if not hits:
        return ["未发现问题。"]
    lines = [f"发现 {len(hits)} 处可能违反规定的内容："]
    for i, h in enumerate(hits, 1):
        lines += [
            "",
            f"{i}. 【{h.severity_zh}】{h.title}（{h.category_zh}）",
            f"   命中：{'、'.join(h.labels)}",
        ]
        if h.note:
            lines.append(f"   说明：{h.note}")
        lines += [f"   依据：{line}" for line in h.rule_text]
        if h.suggestion:
            lines.append(f"   建议：{h.suggestion}")
    return lines


def _read_text(text: str | None, file: Path | None) -> str:
    if text is not None and file is not None:
        raise InputError("文本和 --file 只能二选一")
    if file is not None:
        try:
            return file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"无法读取 {file}：{exc}") from None
    if text is not None and text != "-":
        return text
    return sys.stdin.read()


def _batch_lines(source: str) -> Iterator[str]:
    if source == "-":
        yield from sys.stdin
        return
    try:
        with open(source, encoding="utf-8-sig") as fh:
            yield from fh
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"无法读取 {source}：{exc}") from None


def parse_request(line: str, number: int) -> dict:
    """One batch line → the request object; raises ValueError with a Chinese reason."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"不是合法的 JSON（{exc.msg}，第 {exc.colno} 列）") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ValueError('每行应为 {"text": "…"} 形式的 JSON 对象')
    if len(obj["text"]) > MAX_TEXT:
        raise ValueError(f"内容过长（最多 {MAX_TEXT} 字）")
    return obj


def check_requests(checker, lines: Iterable[str]) -> Iterator[tuple[dict, bool]]:
    """(result object, whether it has hits) for every non-blank line, in order."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            request = parse_request(line, number)
        except ValueError as exc:
            yield {"line": number, "error": str(exc)}, False
            continue
        hits = checker.check(request["text"])
        result = {k: v for k, v in request.items() if k != "text"}
        result["hits"] = [h.to_json_dict() for h in hits]
        yield result, bool(hits)


def _run_batch(source: str, out: TextIO, use_cache: bool) -> int:
    from hongxian.selfcheck import load_self_checker

    checker = load_self_checker(use_cache=use_cache)
    found = False
    for result, hit in check_requests(checker, _batch_lines(source)):
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        found = found or hit
    out.flush()
    return 1 if found else 0
