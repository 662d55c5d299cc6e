"""Benchmark: attachments through `hongxian ingest` + `hongxian screen`, and OCR accuracy.

    .venv/bin/python bench/bench_attachments.py [--docs 20] [--photos 12] [--workers 2] [--workdir DIR]

Builds a case folder in the WeChat PC 3.x layout (`hongxian.testing`): an MSG database whose file
and image messages point at ``FileStorage`` (BytesExtra key 4 / file names), with text .docx, text
PDFs (4 pages), scanned PDFs (2 pages), .ofd documents (3 pages), .xlsx lists, phone photos of red-
header documents and ID cards stored as XOR ``.dat`` images, and loose files beside the exports.
Then, as whole commands in child processes:

* baseline: ``hongxian ingest`` + ``hongxian screen`` of the same case without the attachments;
* attachments: the same commands on the full case (first run: every file extracted);
* cached: ``hongxian ingest`` again (extraction results reused by content hash).

then in-process: text-layer pages/s per format (PDF, OFD, DOCX; no OCR) and OCR images/s.

Prints wall seconds, the ratio to the baseline, pages/s of text-layer documents, OCR images/s, and
OCR character accuracy (1 − edit distance / length, spaces ignored) on rendered Noto CJK text under
photographed-document distortions (clean, rotation, blur, perspective + JPEG noise), plus the OFD
extractor's pages/s and exact-text rate.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hongxian.ingest.attach import Limits, extract_bytes
from hongxian.ingest.attach.ocr import ocr_lines, open_image
from hongxian.testing import attachments as A
from hongxian.testing.wechat_db import WeChatDbBuilder

CASE_TOML = """[case]\nid = "BENCH"\ntitle = "基准"\n[authorisation]\napproved_by = "基准"\n
approved_on = 2024-01-01\nbasis = "本人自查"\n"""
SH = ZoneInfo("Asia/Shanghai")
ROOM = "50001@chatroom"
LINES = [
    "关于进一步加强干部队伍建设的实施意见",
    "各区县人民政府，市政府各部门：",
    "为深入贯彻落实有关工作部署，现就有关事项通知如下。",
    "一、提高思想认识，切实增强责任感和紧迫感。",
    "二、突出工作重点，扎实推进各项任务落实。",
    "三、加强组织领导，确保各项措施落到实处。",
    "请各单位结合实际，认真抓好贯彻落实。",
]
HEAD = ["000123", "机密★1年", "特急", "某市人民政府文件", "某政发〔2024〕12号"]
IDS = ["110101199003071233", "640104199003071236"]


def _put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _doc_files(i: int) -> list[tuple[str, bytes]]:
    body = [*LINES, f"第{i}号文件。"]
    return [
        (f"实施意见{i}（讨论稿）.docx", A.docx_bytes(body, header="内部资料")),
        (f"通知{i}.pdf", A.pdf_bytes([HEAD + body[:2], body[2:], body, body], header="机密★1年")),
        (f"公文{i}.ofd", A.ofd_bytes([HEAD + body[:2], body[2:], body], header="机密★1年")),
        (
            f"名单{i}.xlsx",
            A.xlsx_bytes({"名单": [["姓名", "单位"], *[[f"人员{k}", "某局"] for k in range(50)]]}),
        ),
    ]


def build_case(root: Path, docs: int, photos: int, with_files: bool) -> Path:
    (root / "exports").mkdir(parents=True)
    (root / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    wx = root / "exports" / "WeChat Files" / "wxid_bench"
    b = WeChatDbBuilder(owner="wxid_bench")
    b.add_contact("wxid_peer", nickname="老周")
    b.add_group(ROOM, "同学群", ["wxid_peer"])
    ts = datetime(2024, 3, 1, 9, tzinfo=SH)
    files: list[tuple[Path, bytes]] = []
    for i in range(docs):
        for name, data in _doc_files(i):
            ts += timedelta(minutes=7)
            b.add_file(ROOM, name, ts=ts)
            files.append((wx / "FileStorage" / "File" / ts.strftime("%Y-%m") / name, data))
        if i % 4 == 0:
            files.append(
                (
                    wx / "FileStorage" / "File" / ts.strftime("%Y-%m") / f"扫描件{i}.pdf",
                    A.scanned_pdf_bytes([HEAD, LINES[:4]]),
                )
            )
            b.add_file(ROOM, f"扫描件{i}.pdf", ts=ts)
    for i in range(photos):
        ts += timedelta(minutes=5)
        rel = f"wxid_bench\\FileStorage\\MsgAttach\\0a1b2c\\Image\\{ts:%Y-%m}\\{i:04x}.dat"
        b.add_image(ROOM, ts=ts, paths={4: rel}, sender="wxid_peer")
        if i % 2:
            img = A.id_card_image("张三", "男", "汉", "1990年3月7日", "北京市东城区景山前街4号", IDS[i % 2])
        else:
            img = A.page_image(HEAD + LINES[:3], red_first=4)
        files.append(
            (wx / rel.split("\\", 1)[1].replace("\\", "/"), A.dat_bytes(A.photograph(img, seed=i), 0x5A))
        )
    for i in range(3):
        ts += timedelta(minutes=5)
        b.add_text(ROOM, f"收到{i}", sender="wxid_peer", ts=ts)
    b.write_merged(wx / "Msg" / "merge_all.db")
    if with_files:
        for path, data in files:
            _put(path, data)
        _put(
            root / "exports" / "补充材料" / "手机拍照.jpg",
            A.photograph(A.page_image(HEAD + LINES[:3]), seed=99),
        )
    return root


def _run(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    exe = str(Path(sys.executable).with_name("hongxian"))
    res = subprocess.run([exe, *args], env=env, capture_output=True, text=True)
    if res.returncode not in (0, 1):
        raise SystemExit(f"{args} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")
    return time.perf_counter() - started


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def ocr_accuracy(samples: int) -> list[tuple[str, float, float]]:
    """(distortion, character accuracy, images/s) of the OCR on rendered pages (decode + OCR, lines in
    reading order, before the structure marks reorder them); timing excludes the model load."""
    ocr_lines(open_image(A.jpeg_bytes(A.page_image(["预热"]))))
    setups = {
        "clean": lambda img, s: A.jpeg_bytes(img, 95),
        "rotate 4°": lambda img, s: A.photograph(img, seed=s, angle=4, blur=0.1, quality=92),
        "blur 1.2": lambda img, s: A.photograph(img, seed=s, angle=0.5, blur=1.2, quality=90),
        "perspective+jpeg40": lambda img, s: A.photograph(img, seed=s, angle=-3, blur=0.8, quality=40),
    }
    out = []
    for name, make in setups.items():
        errors = total = 0
        seconds = 0.0
        for s in range(samples):
            lines = LINES[s % 3 : s % 3 + 4]
            truth = "".join("".join(lines).split())
            data = make(A.page_image(lines), s)
            started = time.perf_counter()
            found = ocr_lines(open_image(data))
            seconds += time.perf_counter() - started
            got = "".join("".join(t for t, _, _ in found).split())
            errors += min(len(truth), _distance(got, truth))
            total += len(truth)
        out.append((name, 1 - errors / total, samples / seconds))
    return out


def layer_speed(n: int) -> list[tuple[str, float]]:
    """(format, pages/s) of text-layer extraction in-process (no OCR): PDF, OFD, DOCX (paragraph
    blocks counted as one page per document)."""
    body = [*LINES, *LINES]
    samples = {
        "pdf": (A.pdf_bytes([HEAD + body, body, body, body], header="机密★1年"), ".pdf", 4),
        "ofd": (A.ofd_bytes([HEAD + body, body, body, body], header="机密★1年"), ".ofd", 4),
        "docx": (A.docx_bytes(HEAD + body * 4, header="内部资料"), ".docx", 1),
    }
    out = []
    for fmt, (data, suffix, pages) in samples.items():
        started = time.perf_counter()
        for _ in range(n):
            extract_bytes(data, suffix, Limits(ocr=False))
        out.append((fmt, n * pages / (time.perf_counter() - started)))
    return out


def ofd_speed(n: int) -> tuple[float, float]:
    pages = [HEAD + LINES, LINES, LINES]
    data = [A.ofd_bytes(pages, header="机密★1年") for _ in range(n)]
    started = time.perf_counter()
    exact = 0
    for d in data:
        ex = extract_bytes(d, ".ofd", Limits(ocr=False))
        got = [
            line
            for b in ex.blocks
            if b.page in (2, 3) and not b.part.endswith("模板")
            for line in b.text.split("\n")
        ]
        exact += sorted(got) == sorted(LINES * 2)
    return n * 3 / (time.perf_counter() - started), exact / n


def _models() -> list[str]:
    import rapidocr_onnxruntime

    return [p.name for p in (Path(rapidocr_onnxruntime.__file__).parent / "models").glob("*.onnx")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=12)
    ap.add_argument("--photos", type=int, default=12)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--samples", type=int, default=6)
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench_att_"))
    shutil.rmtree(work, ignore_errors=True)
    env = dict(os.environ)
    workers = ["--workers", str(args.workers)]
    print(f"load average {os.getloadavg()[0]:.2f}; cpus {os.cpu_count()}; workers {args.workers}")
    print(f"OCR model files (inside the wheel): {', '.join(sorted(_models()))}")
    base = build_case(work / "baseline", args.docs, args.photos, with_files=False)
    full = build_case(work / "full", args.docs, args.photos, with_files=True)
    t_base_ingest = _run(["ingest", str(base), *workers], env)
    t_base_screen = _run(["screen", str(base), "--out", str(work / "b.jsonl")], env)
    t_base = t_base_ingest
    t_ingest = _run(["ingest", str(full), *workers], env)
    t_screen = _run(["screen", str(full), "--out", str(work / "f.jsonl")], env)
    t_cached = _run(["ingest", str(full), *workers], env)
    import pyarrow.parquet as pq

    att = pq.read_table(full / ".hongxian" / "dataset" / "attachments.parquet").to_pylist()
    files = {r["path"]: r for r in att}
    layer_pages = sum((r["pages"] or 0) for r in files.values() if r["format"] in ("pdf", "ofd"))
    images = sum(1 for r in files.values() if r["format"].startswith(("dat", "image")))
    findings = len((work / "f.jsonl").read_text(encoding="utf-8").splitlines())
    print(
        f"case: {len(files)} attachments ({layer_pages} PDF/OFD pages, {images} photos), "
        f"{len(att)} text blocks"
    )
    print(f"baseline ingest (no attachments):        {t_base_ingest:6.1f} s")
    print(f"baseline screen (no attachments):        {t_base_screen:6.1f} s")
    print(
        f"ingest with attachments:                 {t_ingest:6.1f} s  "
        f"({t_ingest / t_base:.1f}× baseline ingest)"
    )
    print(
        f"screen with attachment text:             {t_screen:6.1f} s  "
        f"({t_screen / t_base_screen:.2f}× baseline screen; {findings} findings)"
    )
    print(
        f"re-ingest (cache):                       {t_cached:6.1f} s  "
        f"({t_cached / t_base:.1f}× baseline ingest)"
    )
    print(
        f"attachment throughput: {len(files) / t_ingest:.2f} files/s, "
        f"{layer_pages / t_ingest:.1f} PDF/OFD pages/s overall"
    )
    print("OCR (RapidOCR PP-OCRv4, 1 thread, in-process):")
    for name, acc, ips in ocr_accuracy(args.samples):
        print(f"  {name:20s} character accuracy {acc:6.1%}   {ips:5.2f} images/s")
    for fmt, pps in layer_speed(30):
        print(f"text layer {fmt:5s} {pps:8,.0f} pages/s (in-process, structure marks included)")
    pps, exact = ofd_speed(50)
    print(f"OFD extractor: {pps:,.0f} pages/s, exact text {exact:.0%}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
