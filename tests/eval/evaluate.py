"""Precision / recall of the text checks on the labelled evaluation set (tests/eval/messages_*.yaml).

Each file has ``category`` and lists ``positive`` (must be flagged in that category) and
``hard_negative`` (must not be flagged in any category). Messages are checked as the self-check
does (text only, author taken to be an official posting to a group).

    .venv/bin/python tests/eval/evaluate.py [--errors] [--heldout] [--file NAME ...] [--by-file]

``background_*.yaml`` files (``role: background``) hold ordinary chatter only: ``--background`` reports
false alarms per 1,000 of their messages, per category and in all.

``messages_heldout.yaml`` was written after the rules were tuned on the other files and not tuned on;
``--heldout`` reports it alone. ``messages_heldout2.yaml`` was written before looking at the rules;
its header keeps the out-of-sample figures measured before any tuning on it. ``--file NAME`` (repeatable,
with or without the ``messages_`` prefix / ``.yaml`` suffix) reports the named files alone;
``--by-file`` prints one table per file; ``--rules-only`` scores the keyword rules without the learned
scorer. A file with ``tuned: false`` is an out-of-sample batch the
rules were never adjusted on; its first figures are frozen in its ``measured:`` block, and the tests
keep it out of the pooled targets but fail if a rule change makes it worse than those figures.

``data/text/label_corrections.yaml`` lists items of frozen batches whose writers labelled them under an
older convention (who reported whom: privacy only; the brief and the rulebook say secrecy and privacy);
they are scored, and learned, with the labels given there. The batch files and their first figures are
left as they were written and measured.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SHORT = {
    "secrecy.leak": "secrecy",
    "privacy.disclosure": "privacy",
    "integrity.commerce": "commerce",
    "integrity.gambling": "gambling",
    "integrity.vote_buying": "vote",
}
CATS = ("secrecy", "privacy", "commerce", "gambling", "vote")


@dataclass
class Item:
    text: str
    expected: frozenset[str]
    source: str
    tuned: bool = True
    """False for an out-of-sample batch (``tuned: false`` in its file): the rules were never adjusted on
    it, so it is kept out of the pooled targets and guarded against regressions instead."""


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _yaml(path: Path) -> dict:
    """A labelled file, parsed with libyaml when PyYAML has it (the pure-Python parser takes seconds
    on the larger files)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def _corrections(folder: Path) -> dict[tuple[str, str], frozenset[str]]:
    """(file name, text) → corrected labels, for the files of `folder` (the trainer's corrections file)."""
    from hongxian.detect.text.learned.corpus import read_corrections
    from hongxian.detect.text.learned.train import CORRECTIONS

    path = ROOT / CORRECTIONS
    if not path.is_file():
        return {}
    out = {}
    for (file, text), labels in read_corrections(path).items():
        if (ROOT / file).parent == folder:
            out[(Path(file).name, text)] = frozenset(labels)
    return out


def load_items(folder: Path = HERE) -> list[Item]:
    items = []
    for path in sorted(folder.glob("messages_*.yaml")):
        doc = _yaml(path)
        cat, tuned = doc["category"], bool(doc.get("tuned", True))
        items += [Item(t, frozenset({cat}), path.name, tuned) for t in doc.get("positive", [])]
        items += [Item(t, frozenset(), path.name, tuned) for t in doc.get("hard_negative", [])]
        items += [Item(x["text"], frozenset(x["labels"]), path.name, tuned) for x in doc.get("items", [])]
    fixed = _corrections(folder)
    for item in items:
        item.expected = fixed.get((item.source, item.text), item.expected)
    return items


def measured(name: str, folder: Path = HERE) -> dict[str, dict[str, float]]:
    """The figures frozen in an out-of-sample file when it was first scored (``measured:`` block)."""
    return _yaml(folder / name).get("measured") or {}


def load_background(folder: Path = HERE) -> dict[str, list[str]]:
    """File name → texts of every ordinary-chatter file (``background_*.yaml``)."""
    out = {}
    for path in sorted(folder.glob("background_*.yaml")):
        doc = _yaml(path)
        out[path.name] = [str(x["text"]) for x in doc["items"]]
    return out


def false_alarms(checker, texts: list[str]) -> dict[str, float]:
    """Flags per 1,000 ordinary messages, per category and ``all`` (a message flagged in any category)."""
    per = dict.fromkeys(CATS, 0)
    flagged = 0
    for text in texts:
        got = {SHORT[h.category] for h in checker.check(text)}
        flagged += bool(got)
        for c in got:
            per[c] += 1
    n = max(len(texts), 1)
    return {**{c: 1000 * v / n for c, v in per.items()}, "all": 1000 * flagged / n}


def evaluate(checker, items: list[Item]) -> dict[str, Score]:
    scores = {c: Score() for c in CATS}
    for item in items:
        got = {SHORT[h.category] for h in checker.check(item.text)}
        for c in CATS:
            if c in got and c in item.expected:
                scores[c].tp += 1
            elif c in got:
                scores[c].fp += 1
                scores[c].errors.append(f"误报 {item.text!r}")
            elif c in item.expected:
                scores[c].fn += 1
                scores[c].errors.append(f"漏报 {item.text!r}")
    return scores


def build_checker(rules_only: bool = False):
    """The self-checker of the shipped rulebook; `rules_only` leaves the learned scorer's checks out (the
    keyword rules alone, as before the scorer existed), to show what the scorer adds."""
    from hongxian.detect import default_registry
    from hongxian.detect.text import LEARNED
    from hongxian.rulebook.loader import load_rulebook
    from hongxian.selfcheck import SelfChecker

    registry = default_registry()
    book = load_rulebook(registry.params_models())
    if rules_only:
        book = book.restricted_to({c.id for c in book.checks if c.detector != LEARNED})
    return SelfChecker(book, registry)


def select_files(argv: list[str]) -> set[str]:
    """File names chosen by ``--file NAME`` (repeatable) or ``--heldout``; empty means all files."""
    names = {"messages_heldout.yaml"} if "--heldout" in argv else set()
    for i, arg in enumerate(argv):
        if arg == "--file" and i + 1 < len(argv):
            name = Path(argv[i + 1]).name
            name = name if name.startswith("messages_") else f"messages_{name}"
            names.add(name if name.endswith(".yaml") else f"{name}.yaml")
    return names


def print_table(title: str, items: list[Item], scores: dict[str, Score]) -> None:
    pos = sum(1 for i in items if i.expected)
    print(f"{title}评测消息 {len(items)} 条（阳性 {pos}，阴性 {len(items) - pos}）")
    print(f"{'类别':<10}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>9}")
    for c, s in scores.items():
        print(f"{c:<10}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>11.3f}{s.recall:>9.3f}")


def main(argv: list[str]) -> int:
    items = load_items()
    checker = build_checker(rules_only="--rules-only" in argv)
    if "--background" in argv:
        for name, texts in load_background().items():
            rates = false_alarms(checker, texts)
            shown = "，".join(f"{c} {rates[c]:.2f}" for c in CATS)
            print(f"[{name}] {len(texts)} 条日常消息，每千条误报：合计 {rates['all']:.2f}（{shown}）")
        return 0
    chosen = select_files(argv)
    if chosen:
        unknown = chosen - {i.source for i in items}
        if unknown:
            print(f"找不到评测文件：{', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        items = [i for i in items if i.source in chosen]
    scores = evaluate(checker, items)
    print_table("", items, scores)
    if "--by-file" in argv:
        for name in sorted({i.source for i in items}):
            part = [i for i in items if i.source == name]
            print()
            print_table(f"[{name}] ", part, evaluate(checker, part))
    if "--errors" in argv:
        for c, s in scores.items():
            for e in s.errors:
                print(f"[{c}] {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
