"""The demo's attachments: a PC WeChat 3.x export whose FileStorage holds what was posted.

A 县交通运输局 staff member's computer export (``Msg/Multi/MSG0.db`` + ``FileStorage``): a .docx
讨论稿 and an .ofd 会议纪要 (秘密★ in its template header) sent privately to a transport business
owner, a scanned PDF notice with 机密★1年 in its 版头 and a phone photo of a red-header document posted
to the work group, and a photo of someone's ID card — the images as XOR-ed ``.dat`` files linked by
BytesExtra, the documents under ``File/YYYY-MM/`` linked by name. Image-based files need the Noto CJK
font to be rendered; without it only the .docx and .ofd are written.
"""

from __future__ import annotations

from pathlib import Path

from hongxian.demo.chats import ROOMS, DemoBuilder
from hongxian.demo.numbers import PaymentIds, beijing
from hongxian.demo.population import Population
from hongxian.testing import attachments as A

MD5_DIR = "5d41402abc4b2a76b9719d911017c592"
DRAFT = [
    "县交通运输局2024年重点工作要点（讨论稿）",
    "一、加快农村公路提档升级。",
    "二、推进客运站场改造项目招标。",
]
MINUTES = [
    "局党组会议纪要",
    "研究了客运站场改造项目的招标事项。",
    "抄送：县委办公室，县政府办公室。",
    "县交通运输局办公室 2024年4月2日印发",
]
NOTICE = [
    "000017",
    "机密★1年",
    "县交通运输局文件",
    "县交运发〔2024〕9号",
    "关于客运站场改造项目评标专家的通知",
    "各科室：",
]
PHOTO = ["机密★1年", "县交通运输局文件", "关于2024年干部考察工作的安排"]


def _put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _image_message(b: DemoBuilder, wx: Path, chat: str, name: str, data: bytes, ts, sender=None) -> None:
    rel = f"{b.owner}\\FileStorage\\MsgAttach\\{MD5_DIR}\\Image\\{ts:%Y-%m}\\{name}.dat"
    thumb = rel.replace("\\Image\\", "\\Thumb\\").replace(".dat", "_t.dat")
    b.add_image(chat, ts=ts, sender=sender, paths={4: rel, 3: thumb})
    _put(wx / rel.split("\\", 1)[1].replace("\\", "/"), A.dat_bytes(data, key=0x6B))


def _file_message(b: DemoBuilder, wx: Path, chat: str, name: str, data: bytes, ts) -> None:
    b.add_file(chat, name, ts=ts)
    _put(wx / "FileStorage" / "File" / f"{ts:%Y-%m}" / name, data)


def staff_computer(pop: Population, ids: PaymentIds, root: Path) -> None:
    staff, biz = pop.by_role("bureau_staff")[6], pop.by_role("transport_business")[1]
    b = DemoBuilder(staff, ids, beijing(2024, 3, 1))
    b.contact(biz)
    wx = root / "exports" / f"{staff.name}电脑微信" / "WeChat Files" / staff.wxid
    work = ROOMS["bureau_work"]
    b.add_text(biz.wxid, "方案我先发你看看，别外传。", ts=beijing(2024, 3, 12, 21))
    _file_message(
        b, wx, biz.wxid, "工作要点.docx", A.docx_bytes(DRAFT, header="内部资料"), beijing(2024, 3, 12, 21, 1)
    )
    ofd = A.ofd_bytes([MINUTES], header="秘密★6个月")
    _file_message(b, wx, biz.wxid, "会议纪要.ofd", ofd, beijing(2024, 4, 3, 20))
    if A.cjk_font() is not None:
        notice = A.scanned_pdf_bytes([NOTICE, ["请各科室按要求推荐评标专家。"]])
        _file_message(b, wx, work, "通知.pdf", notice, beijing(2024, 4, 8, 9))
        photo = A.photograph(A.page_image(PHOTO, red_first=2), seed=7)
        _image_message(b, wx, work, "8c1f2e", photo, beijing(2024, 4, 9, 10))
        card = A.id_card_image(
            "韩立新", "男", "汉", "1985年6月12日", "某县城关镇建设路18号", "110101198506123416"
        )
        _image_message(
            b, wx, biz.wxid, "a3d907", A.photograph(card, seed=5, angle=2), beijing(2024, 4, 10, 16)
        )
    b.write_msg(wx / "Msg" / "Multi" / "MSG0.db")
