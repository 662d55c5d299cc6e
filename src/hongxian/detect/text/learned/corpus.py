"""Labelled messages for training and evaluating the learned scorer (YAML files in the repository).

A file has ``category`` (a short name, for files of one category) and ``positive`` / ``hard_negative``
lists, or ``items`` with explicit ``labels`` (several or none) and optional ``persona`` / ``context``
tags. ``role: background`` marks ordinary chatter (every item unlabelled): the false-alarm budget is
measured on it. ``tuned: false`` marks a frozen out-of-sample batch: it is never used for training.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

SHORT = {
    "secrecy": "secrecy.leak",
    "privacy": "privacy.disclosure",
    "commerce": "integrity.commerce",
    "gambling": "integrity.gambling",
    "vote": "integrity.vote_buying",
}
"""Short label → category (the labels used in the files)."""


@dataclass
class Corpus:
    texts: list[str]
    labels: np.ndarray
    """(n, 5) booleans in the order of `model.CATEGORIES`."""
    groups: list[str]
    """Who wrote an item, for out-of-fold splits: its file and persona tag (a writer's voice)."""
    sources: list[str]
    background: np.ndarray
    """Ordinary chatter (the items of a ``role: background`` file)."""

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, mask: np.ndarray) -> Corpus:
        idx = np.flatnonzero(mask)
        return Corpus(
            [self.texts[i] for i in idx],
            self.labels[idx],
            [self.groups[i] for i in idx],
            [self.sources[i] for i in idx],
            self.background[idx],
        )


def _items(doc: dict) -> list[dict]:
    cat = doc.get("category")
    items = [{"text": t, "labels": [cat]} for t in doc.get("positive", []) or []]
    items += [{"text": t, "labels": []} for t in doc.get("hard_negative", []) or []]
    items += list(doc.get("items", []) or [])
    return items


def _parse(path: Path) -> dict:
    """One labelled file, parsed with libyaml when PyYAML was built with it (same objects as
    ``yaml.safe_load``, several times faster on the 30k training messages)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}


def _label_row(short_labels: list[str], categories: tuple[str, ...], path: Path, text: str) -> list[bool]:
    """One item's labels (short names or categories) as booleans in the order of `categories`."""
    cats = {SHORT.get(x, x) for x in short_labels}
    unknown = cats - set(categories)
    if unknown:
        raise ValueError(f"{path}: 未知标签 {sorted(unknown)}（文本：{text[:30]}）")
    return [c in cats for c in categories]


def read_file(path: Path, categories: tuple[str, ...], name: str | None = None) -> Corpus:
    doc = _parse(path)
    name = name or path.name
    items = _items(doc)
    is_background = doc.get("role") == "background"
    texts, labels, groups, background = [], [], [], []
    for it in items:
        row = _label_row(it.get("labels") or [], categories, path, str(it["text"]))
        texts.append(str(it["text"]))
        labels.append(row)
        groups.append(f"{name}|{it.get('persona') or ''}")
        if is_background and any(row):
            raise ValueError(
                f"{path}: 日常消息文件（role: background）中不应有标签（文本：{str(it['text'])[:30]}）"
            )
        background.append(is_background)
    return Corpus(
        texts,
        np.asarray(labels, dtype=bool).reshape(-1, len(categories)),
        groups,
        [name] * len(texts),
        np.asarray(background, dtype=bool),
    )


def is_trainable(path: Path) -> bool:
    """Whether an evaluation file may be learned from: the keyword rules were tuned on it (``tuned``, the
    default), or it is a frozen out-of-sample file whose first score is kept (``measured:`` for a
    labelled batch, ``false_alarms_first:`` for a background set). A file with neither has not been
    scored yet and must stay unseen; ``learn: false`` keeps a scored file out of training until the model
    is next retrained with it on purpose."""
    doc = _parse(path)
    if doc.get("learn") is False:  # frozen and scored, not yet taken into training
        return False
    return bool(doc.get("tuned", True)) or bool(doc.get("measured")) or bool(doc.get("false_alarms_first"))


def read_corrections(path: Path) -> dict[tuple[str, str], list[str]]:
    """Training-time label corrections: (file, text) → labels. A frozen evaluation batch keeps its own
    labels (its first score is measured against them); when the model learns from it, the listed items
    carry these labels instead, so that training follows one labelling convention."""
    doc = _parse(path)
    out: dict[tuple[str, str], list[str]] = {}
    for i, entry in enumerate(doc.get("corrections") or [], start=1):
        file, labels, texts = entry.get("file"), entry.get("labels"), entry.get("texts")
        if not isinstance(file, str) or not isinstance(labels, list) or not isinstance(texts, list):
            raise ValueError(f"{path}: 第 {i} 条更正须有 file、labels 与 texts")
        for text in texts:
            out[(file, str(text))] = [str(x) for x in labels]
    return out


def apply_corrections(
    corpus: Corpus, corrections: dict[tuple[str, str], list[str]], categories: tuple[str, ...], origin: Path
) -> Corpus:
    """`corpus` with the corrected labels; every correction of a file that was read must find its item."""
    labels = corpus.labels.copy()
    found: set[tuple[str, str]] = set()
    for row, key in enumerate(zip(corpus.sources, corpus.texts, strict=True)):
        if key in corrections:
            labels[row] = _label_row(corrections[key], categories, origin, key[1])
            found.add(key)
    read = set(corpus.sources)
    missing = [key for key in corrections if key[0] in read and key not in found]
    if missing:
        file, text = missing[0]
        raise ValueError(f"{origin}: {file} 中找不到要更正的消息（文本：{text[:30]}），共 {len(missing)} 条")
    return Corpus(corpus.texts, labels, corpus.groups, corpus.sources, corpus.background)


def concat(parts: list[Corpus]) -> Corpus:
    return Corpus(
        [t for p in parts for t in p.texts],
        np.concatenate([p.labels for p in parts]),
        [g for p in parts for g in p.groups],
        [s for p in parts for s in p.sources],
        np.concatenate([p.background for p in parts]),
    )


def fingerprint(paths: list[Path], root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(paths, key=lambda q: q.relative_to(root).as_posix()):
        h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()
