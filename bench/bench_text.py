"""Text screening throughput: full suite (learned scorer included) vs baselines, on three corpora.

    .venv/bin/python bench/bench_text.py [--realistic-n 200000] [--n 1000000] [--distinct-n 300000]
                                         [--presidio-n 20000] [--repeat 3] [--json out.json]

The corpus the targets are judged on is the *realistic* one (`chat_corpus.realistic_corpus`: distinct
messages drawn from a word-frequency list, 5–521 characters with median ≈ 20 and mean ≈ 36, real
typography, ≈ 2 % digit runs). On it the full suite (keyword rules + learned scorer) is compared with
the same suite without the learned checks, without the pre-filter, and with the physical limit of the
design measured in the same run: the bare candidate pass (one literal scan of every trigger word over
the Arrow buffer plus the digit-run regex, no evaluation at all). The older template corpora
(``--n``: 87 % repeats; ``--distinct-n``: the templates with a speaker prefix) are kept for comparison.

All figures are messages per CPU-second of this process (= per core; the run is single-threaded),
best of `--repeat` rounds; each round runs every configuration and Presidio one after the other, so
the ratios compare runs made under the same machine load. Wall-clock figures are printed too.

Configurations of the full suite (all must find exactly the same hits, else the run fails):
the default (pre-filter with hyperscan on the Arrow buffers, exact path with ahocorasick-rs, the
learned scorer's hot loops in the compiled kernel `_kernel.c`), the same with the scorer on its numpy
path (what the kernel gains, measured in the same run), the same without hyperscan, hyperscan for
both, and no pre-filter (every text through the exact path, the previous design, as the in-run
baseline). Presidio (``pip install .[bench]``) runs on a sample
with regex recognizers equivalent to ours (18-digit ID with the GB 11643 check, mobile, Luhn-checked
card) plus a deny list of our trigger keywords, on a blank spaCy ``zh`` pipeline (no model download).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from chat_corpus import describe, realistic_corpus  # noqa: E402
from corpus import generate  # noqa: E402

from hongxian.canonical import table_from_rows  # noqa: E402
from hongxian.detect import default_registry  # noqa: E402
from hongxian.detect.text.batches import batch_texts, scan_messages  # noqa: E402
from hongxian.detect.text.engine import DEFAULT_BACKEND, HyperscanMatcher  # noqa: E402
from hongxian.detect.text.env import TextEnv  # noqa: E402
from hongxian.detect.text.learned.model import TextModel  # noqa: E402
from hongxian.detect.text.prefilter import PREFILTER_BACKEND  # noqa: E402
from hongxian.detect.text.specs import SPECS  # noqa: E402
from hongxian.detect.text.suite import CompiledSuite  # noqa: E402
from hongxian.pii import AddressLocator  # noqa: E402
from hongxian.rulebook.loader import load_rulebook  # noqa: E402

BATCH = 65536


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """(best CPU seconds, best wall seconds, last result)."""
    cpu, wall, out = [], [], None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return min(cpu), min(wall), out


def _best(res: dict, key: str, n: int, cpu: float, wall: float, **extra) -> None:
    old = res.get(key)
    if old is None or n / cpu > old["cpu_msg_s"]:
        res[key] = {"cpu_msg_s": n / cpu, "wall_msg_s": n / wall, **extra}


def messages_table(texts: list[str]):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    ts = datetime(2024, 6, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    rows = [
        {
            "message_id": f"m{i}",
            "source_id": "bench",
            "chat_id": f"{i % 500}@chatroom",
            "is_group": True,
            "sender_account": f"wxid_{i % 3000}",
            "ts": ts,
            "kind": "text",
            "text": t,
        }
        for i, t in enumerate(texts)
    ]
    return table_from_rows("messages", rows)


def bare_pass(matcher, texts: list[str]) -> int:
    n = 0
    for i in range(0, len(texts), BATCH):
        blob = "\n".join(texts[i : i + BATCH])
        n += len(matcher.raw_packed(blob.encode("utf-8")) if matcher.unit == "bytes" else matcher.raw(blob))
    return n


def make_presidio(keywords: list[str]):
    """Presidio's AnalyzerEngine with recognizers equivalent to ours (None when not installed)."""
    try:
        import spacy
        from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
    except ImportError:
        return None
    from hongxian.pii import luhn_ok, valid_id18

    class BlankZh(SpacyNlpEngine):
        def load(self) -> None:
            self.nlp = {"zh": spacy.blank("zh")}

    class Checked(PatternRecognizer):
        def __init__(self, check, **kw):
            super().__init__(**kw)
            self._check = check

        def validate_result(self, pattern_text: str):
            return self._check(pattern_text)

    registry = RecognizerRegistry(supported_languages=["zh"])
    registry.add_recognizer(
        Checked(
            lambda s: valid_id18(s.upper()),
            supported_entity="CN_ID",
            supported_language="zh",
            patterns=[Pattern("id", r"(?<!\d)\d{17}[\dXx](?!\d)", 0.5)],
        )
    )
    registry.add_recognizer(
        PatternRecognizer(
            supported_entity="CN_MOBILE",
            supported_language="zh",
            patterns=[Pattern("mobile", r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)", 0.5)],
        )
    )
    registry.add_recognizer(
        Checked(
            luhn_ok,
            supported_entity="BANK_CARD",
            supported_language="zh",
            patterns=[Pattern("card", r"(?<!\d)\d{16,19}(?!\d)", 0.5)],
        )
    )
    registry.add_recognizer(
        PatternRecognizer(supported_entity="KEYWORD", supported_language="zh", deny_list=keywords)
    )
    engine = BlankZh(models=[{"lang_code": "zh", "model_name": "blank"}])
    engine.load()
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["zh"])
    analyzer.analyze("预热", language="zh")
    return analyzer


def prefilter_share(suite, table) -> float:
    """Share of the screened texts that the pre-filter passes on to the exact path."""
    total = chosen = 0
    for batch in table.to_batches(max_chunksize=BATCH):
        total += len(batch_texts(batch)[0])
        chosen += len(batch_texts(batch, suite.prefilter)[0])
    return chosen / max(total, 1)


def selfcheck_latency(book, registry, texts: list[str]) -> dict:
    from hongxian.selfcheck import SelfChecker

    t0 = time.perf_counter()
    checker = SelfChecker(book, registry)
    build = time.perf_counter() - t0
    checker.check("他家住武汉市洪山区珞喻路120号东湖小区8栋")  # load cpca once, as the web app does at start
    times = []
    for t in texts:
        t0 = time.perf_counter()
        checker.check(t)
        times.append(time.perf_counter() - t0)
    times.sort()
    return {
        "build_s": build,
        "mean_ms": statistics.mean(times) * 1e3,
        "p99_ms": times[int(len(times) * 0.99)] * 1e3,
        "max_ms": times[-1] * 1e3,
    }


CONFIGS = {  # name → (exact-path backend, pre-filter backend or None, learned checks included)
    "full_default": (DEFAULT_BACKEND, PREFILTER_BACKEND, True),
    "full_numpy": (DEFAULT_BACKEND, PREFILTER_BACKEND, True),
    "rules_only": (DEFAULT_BACKEND, PREFILTER_BACKEND, False),
    "full_ac_ac": ("ahocorasick", "ahocorasick", True),
    "full_noprefilter": (DEFAULT_BACKEND, None, True),
}
CORPUS_CONFIGS = {
    "_realistic": ("full_default", "full_numpy", "rules_only", "full_noprefilter"),
    "": tuple(CONFIGS),
    "_distinct": ("full_default", "full_noprefilter"),
}


def build_suites(bound, res: dict) -> dict:
    suites = {}
    for key, (backend, pre, learned) in CONFIGS.items():
        chosen = [b for b in bound if learned or b.check.detector != "text.learned"]
        model = TextModel.load()
        model.featurizer.compiled = key != "full_numpy"  # the scorer's numpy path, without the C kernel
        t0 = time.perf_counter()
        suites[key] = CompiledSuite.build(
            chosen, SPECS, backend=backend, locator=AddressLocator(), prefilter_backend=pre, model=model
        )
        res[f"build_{key}_s"] = time.perf_counter() - t0
    return suites


def candidate_pass(prefilter, table) -> int:
    """The physical limit of the design: per batch, one literal scan of every trigger word over the
    Arrow data buffer plus the digit-run regex, nothing evaluated (the rows it would pass on)."""
    import numpy as np
    import pyarrow.compute as pc

    from hongxian.detect.text.prefilter import _data_and_offsets
    from hongxian.pii import CANDIDATE

    n = 0
    for batch in table.to_batches(max_chunksize=BATCH):
        col = batch.column("text")
        digits = pc.fill_null(pc.match_substring_regex(col, CANDIDATE.pattern), False)
        data, offs = _data_and_offsets(col)
        spans = prefilter.matcher.spans(data)
        rows = (
            np.searchsorted(offs, spans[:, 1], side="left") - 1 if len(spans) else np.zeros(0, dtype=np.int64)
        )
        n += len(set(rows.tolist())) + int(pc.sum(digits).as_py() or 0)
    return n


def one_round(res: dict, suites: dict, corpora: dict, bare: dict, presidio, presidio_n: int) -> None:
    """Every configuration once on each corpus, then the bare passes and Presidio (same machine load)."""
    env = TextEnv()
    for name, (texts, table) in corpora.items():
        cpu, wall, n = timed(lambda t=table: candidate_pass(suites["full_default"].prefilter, t), 1)
        _best(res, "candidates" + name, len(texts), cpu, wall, rows=n)
        for key in CORPUS_CONFIGS[name]:
            cpu, wall, hits = timed(lambda s=suites[key], t=table: scan_messages(s, t, env), 1)
            _best(res, key + name, len(texts), cpu, wall, hits=len(hits))
        if presidio is not None:
            sample = texts[:presidio_n]
            cpu, wall, _ = timed(lambda s=sample: [presidio.analyze(t, language="zh") for t in s], 1)
            _best(res, "presidio" + name, len(sample), cpu, wall, sample=len(sample))
    texts = corpora[next(iter(corpora))][0]
    utf8 = sum(len(t.encode("utf-8")) for t in texts)
    for key, matcher in bare.items():
        cpu, wall, n = timed(lambda m=matcher: bare_pass(m, texts), 1)
        _best(res, key, len(texts), cpu, wall, matches=n, mb_s=utf8 / 1e6 / cpu)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--realistic-n", type=int, default=200_000, help="realistic corpus size (the targets)")
    ap.add_argument("--n", type=int, default=0, help="template corpus with repeats (0: skip)")
    ap.add_argument("--distinct-n", type=int, default=0, help="template corpus, all distinct (0: skip)")
    ap.add_argument("--presidio-n", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    corpora = load_corpora(args)
    registry = default_registry()
    book = load_rulebook(registry.params_models())
    bound = [b for b in book.bound_checks() if b.check.detector in SPECS]
    res: dict = {"checks": len(bound), **{f"n{k or '_templates'}": len(v) for k, v in corpora.items()}}
    res["corpus"] = describe(corpora["_realistic"])
    suites = build_suites(bound, res)
    engine = suites["full_default"].engine
    print(
        f"文本检查项 {len(bound)} 个（其中文本模型 "
        f"{sum(b.check.detector == 'text.learned' for b in bound)} 个），"
        f"自动机关键词 {len(engine.patterns)} 个"
    )
    tables = {name: (texts, messages_table(texts)) for name, texts in corpora.items()}
    res["prefilter_share"] = prefilter_share(suites["rules_only"], tables["_realistic"][1])
    bare = {"bare_hyperscan": HyperscanMatcher(engine.patterns), "bare_ahocorasick": engine.matcher}
    presidio = make_presidio(
        [w for w, keys in zip(engine.patterns, engine.keys, strict=True) if any(k[0] == "g" for k in keys)]
    )
    for _ in range(args.repeat):  # interleaved, best of `repeat` each: the machine may be shared
        one_round(res, suites, tables, bare, presidio, args.presidio_n)
    for name in tables:  # the pre-filter only removes work: with and without it, the same hits
        same = [
            k + name for k in ("full_default", "full_numpy", "full_noprefilter") if k in CORPUS_CONFIGS[name]
        ]
        if len({res[k]["hits"] for k in same}) > 1:
            raise SystemExit(f"配置之间命中数不一致：{ {k: res[k]['hits'] for k in same} }")
    res["selfcheck"] = selfcheck_latency(book, registry, corpora["_realistic"][:2000])
    report(res)
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def load_corpora(args) -> dict[str, list[str]]:
    t0 = time.perf_counter()
    corpora = {"_realistic": realistic_corpus(args.realistic_n)}
    if args.n:
        corpora[""] = generate(args.n)
    if args.distinct_n:
        corpora["_distinct"] = generate(args.distinct_n, distinct=True)
    for name, texts in corpora.items():
        print(
            f"语料{name or '_templates'}：{len(texts):,} 条消息"
            f"（不同文本占 {len(set(texts)) / len(texts):.1%}），"
            f"平均 {sum(map(len, texts)) / len(texts):.1f} 字"
        )
    print(f"生成语料 {time.perf_counter() - t0:.1f} s；真实语料统计：{describe(corpora['_realistic'])}")
    return corpora


def report(res: dict) -> None:
    def line(label: str, key: str) -> None:
        if key in res:
            r = res[key]
            print(f"  {label:<46}{r['cpu_msg_s']:>14,.0f}{r['wall_msg_s']:>14,.0f}")

    print(f"\n真实语料中预筛送入精确路径的文本占比（仅规则）：{res['prefilter_share']:.1%}")
    for name, title in (
        ("_realistic", "真实语料（目标以此为准）"),
        ("", "模板语料（含重复）"),
        ("_distinct", "模板语料（互不相同）"),
    ):
        if "full_default" + name not in res:
            continue
        print(f"\n{title}  每核吞吐（条/秒）{'CPU 时间':>10}{'墙钟':>14}")
        line("完整检查（规则 + 文本模型，默认）", "full_default" + name)
        line("完整检查，文本模型不用编译内核（numpy）", "full_numpy" + name)
        line("仅规则（不含文本模型）", "rules_only" + name)
        line("预筛 ahocorasick-rs", "full_ac_ac" + name)
        line("无预筛（逐条精确路径）", "full_noprefilter" + name)
        line("裸候选扫描（全部触发词 + 数字正则，不评估）", "candidates" + name)
        line("Presidio（同轮交替，样本）", "presidio" + name)
        full = res["full_default" + name]["cpu_msg_s"]
        print(f"  完整检查 / 裸候选扫描 = {full / res['candidates' + name]['cpu_msg_s']:.3f}（目标 ≥ 0.5）")
        if "presidio" + name in res:
            print(f"  完整检查 / Presidio = {full / res['presidio' + name]['cpu_msg_s']:.1f}×（目标 ≥ 40×）")
        print(f"  完整检查 ≥ 200,000 条/秒/核：{'达到' if full >= 200_000 else '未达到'}")
    line("仅关键词（hyperscan，同一自动机）", "bare_hyperscan")
    line("仅关键词（ahocorasick-rs，同一自动机）", "bare_ahocorasick")
    sc = res["selfcheck"]
    print(
        f"\n发前自检：编译 {sc['build_s']:.2f} s，单条平均 {sc['mean_ms']:.2f} ms，"
        f"p99 {sc['p99_ms']:.2f} ms，最长 {sc['max_ms']:.1f} ms"
    )


if __name__ == "__main__":
    raise SystemExit(main())
