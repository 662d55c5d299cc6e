"""The lexicon of the learned scorer: word classes, the class pairs (frames) and the classes paired with
kinds of number, read from ``lexicon.yaml`` (data, in the repository's own words)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")


@dataclass(frozen=True)
class LexClass:
    name: str
    zh: str
    words: tuple[str, ...]
    not_inside: tuple[str, ...] = ()
    """Classes whose words cancel this one's inside them: 公示 (已公开) inside 未公示 (尚未公开) is no
    public marker."""


@dataclass(frozen=True)
class Lexicon:
    classes: list[LexClass]
    frames: list[tuple[int, int]]
    """Pairs of class indices (a < b) whose co-occurrence is a feature."""
    number_frames: list[int] = field(default_factory=list)
    """Classes whose co-occurrence with each kind of validated number is a feature (本人信息 × 有效身份证号:
    one's own ID given for a form; 具名他人 × 有效身份证号: someone else's)."""

    def __len__(self) -> int:
        return len(self.classes)

    def __getitem__(self, i: int) -> LexClass:
        return self.classes[i]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.classes]


def lexicon_digest(path: Path = LEXICON_FILE) -> str:
    """sha256 of the lexicon file: a model trained with other words is stale."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    import yaml

    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    classes = [
        LexClass(name, c["zh"], tuple(str(w) for w in c["words"]), tuple(c.get("not_inside", ())))
        for name, c in doc["classes"].items()
    ]
    index = {c.name: i for i, c in enumerate(classes)}
    for c in classes:
        if unknown := [n for n in c.not_inside if n not in index]:
            raise ValueError(f"{path}: 词类 {c.name} 的 not_inside 引用了未定义的词类 {unknown}")
    frames = []
    for a, b in doc.get("frames", []):
        if a not in index or b not in index:
            raise ValueError(f"{path}: 词类组合引用了未定义的词类 {a} / {b}")
        frames.append((min(index[a], index[b]), max(index[a], index[b])))
    if unknown := [n for n in doc.get("number_frames", []) if n not in index]:
        raise ValueError(f"{path}: 词类与号码组合引用了未定义的词类 {unknown}")
    return Lexicon(classes, frames, [index[n] for n in doc.get("number_frames", [])])
