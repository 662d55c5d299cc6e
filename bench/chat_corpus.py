"""A realistic corpus of distinct chat messages for the text benchmark, from a word-frequency list.

Not templates: every message is a fresh draw of words from jieba's dictionary (349k words with corpus
frequencies, ``pip install '.[bench]'``), weighted by frequency, with

* lengths drawn from a log-normal clipped to 5–521 characters (median ≈ 20, mean ≈ 36),
* real typography: one space typed after a Chinese character (≈ 19 % of messages),
  an ellipsis "…" (≈ 6 %), an emoji with U+FE0F (≈ 8 %), full-width punctuation between clauses,
  quoted forwards 「…」 / “…” (≈ 3 %), a line break (≈ 4 %),
* digit runs of six or more digits in ≈ 2 % (order numbers, amounts, times, phone-shaped and
  ID-shaped numbers, most of them invalid as personal data, as in real chat),
* and ≈ 0.5 % of messages carrying rule or model vocabulary (lines from the labelled training files),
  so that the exact path and the learned checks get their share of work.

All messages are distinct (a number suffix is never needed: collisions are redrawn).
"""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EMOJI = ["👍\ufe0f", "❤\ufe0f", "☺\ufe0f", "✌\ufe0f", "☀\ufe0f", "🙏", "😂", "[强]", "[微笑]", "[抱拳]"]
CLAUSE_PUNCT = ["，", "，", "，", "。", "！", "？", "、", "；", ","]


def _dictionary() -> tuple[list[str], list[float]]:
    """Words of jieba's dictionary (not pure ASCII) and their cumulative sampling weights."""
    import jieba

    path = Path(jieba.__file__).with_name("dict.txt")
    words, weights = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[1].isdigit() and not parts[0].isascii():
            words.append(parts[0])
            weights.append(int(parts[1]) ** 0.75)
    return words, list(itertools.accumulate(weights))


def _labelled_lines(limit: int = 5000) -> list[str]:
    lines = []
    for path in sorted((ROOT / "data" / "text" / "train").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        lines += [str(x["text"]) for x in doc.get("items", []) if x.get("labels")]
    return lines[:limit]


def _length(rng: random.Random) -> int:
    # log-normal with median 20 and mean ≈ 36: mu = ln 20, sigma = sqrt(2 ln(36/20))
    sigma = math.sqrt(2 * math.log(36 / 20))
    return max(5, min(521, round(rng.lognormvariate(math.log(20), sigma))))


def _digits(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return str(rng.randint(10, 99999))  # amounts, counts
    if kind < 0.45:
        return f"{rng.randint(0, 23)}:{rng.randint(0, 59):02d}"
    if kind < 0.8:
        return "".join(rng.choice("0123456789") for _ in range(rng.choice((12, 14, 16, 20))))  # orders
    if kind < 0.93:
        return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
    return "".join(rng.choice("0123456789") for _ in range(17)) + rng.choice("0123456789X")


def _message(rng: random.Random, words: list[str], cum: list[float]) -> str:
    target = _length(rng)
    parts: list[str] = []
    size = 0
    while size < target:
        clause = "".join(rng.choices(words, cum_weights=cum, k=rng.randint(2, 6)))
        parts.append(clause)
        size += len(clause) + 1
        if size < target:
            parts.append(rng.choice(CLAUSE_PUNCT))
    text = "".join(parts)[:target]
    if rng.random() < 0.19 and len(text) > 2:  # one space typed after a Chinese character
        cut = rng.randrange(1, len(text))
        text = text[:cut] + " " + text[cut:]
    if rng.random() < 0.06:
        text += "…" if rng.random() < 0.5 else "……"
    if rng.random() < 0.08:
        text += rng.choice(EMOJI)
    if rng.random() < 0.05:
        text += rng.choice(("，", " ", "")) + _digits(rng)
    if rng.random() < 0.03:
        text = rng.choice(("「{}」", "“{}”", "【转发】{}")).format(text)
    if rng.random() < 0.04 and len(text) > 10:
        cut = rng.randrange(5, len(text))
        text = text[:cut] + "\n" + text[cut:]
    return text


def realistic_corpus(n: int, seed: int = 20261207, labelled_share: float = 0.005) -> list[str]:
    """`n` distinct messages (see the module docstring)."""
    rng = random.Random(seed)
    words, weights = _dictionary()
    labelled = _labelled_lines()
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        if labelled and rng.random() < labelled_share:
            text = rng.choice(labelled) + rng.choice(("", "。", "！", " ", "👍\ufe0f"))
        else:
            text = _message(rng, words, weights)
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def describe(texts: list[str]) -> dict:
    """Length and typography statistics of a corpus (printed by the benchmark)."""
    lengths = sorted(len(t) for t in texts)
    n = len(texts)
    return {
        "messages": n,
        "distinct": len(set(texts)),
        "len_min": lengths[0],
        "len_median": lengths[n // 2],
        "len_mean": round(sum(lengths) / n, 1),
        "len_max": lengths[-1],
        "share_space_after_cjk": round(sum(_space_after_cjk(t) for t in texts) / n, 3),
        "share_ellipsis": round(sum("…" in t for t in texts) / n, 3),
        "share_fe0f": round(sum("\ufe0f" in t for t in texts) / n, 3),
        "share_digit_run": round(sum(_has_digit_run(t) for t in texts) / n, 3),
    }


def _space_after_cjk(text: str) -> bool:
    return any(a >= "\u4e00" and b == " " for a, b in zip(text, text[1:], strict=False))


def _has_digit_run(text: str, run: int = 6) -> bool:
    count = 0
    for ch in text:
        count = count + 1 if ch.isdigit() else 0
        if count >= run:
            return True
    return False
