"""Demo chat exports: decrypted WeChat PC databases and chat CSV exports, in the real formats.

Each function writes one person's export under ``exports/`` and returns the bill rows that the
same events leave in that person's WeChat Pay bill (so chat and bill link by send id).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from hongxian.demo.numbers import PaymentIds, beijing, resident_id
from hongxian.demo.population import Person, Population
from hongxian.testing.bills import WeChatBillRow
from hongxian.testing.wechat_db import WeChatDbBuilder

ROOMS = {
    "village": "24071011001@chatroom",
    "village_family": "24071011002@chatroom",
    "association": "15021088001@chatroom",
    "bureau_work": "23010500001@chatroom",
    "bureau_special": "23120100002@chatroom",
    "bureau_task": "23060100003@chatroom",
    "gambling": "23080100009@chatroom",
    "township_affairs": "22110100011@chatroom",
    "township_staff": "21050100012@chatroom",
    "bus": "20012000013@chatroom",
}


def bill_row(
    ts: datetime,
    type_: str,
    counterparty: str,
    direction: str,
    amount_fen: int,
    status: str,
    txn_id: str,
    merchant_id: str = "/",
    goods: str = "/",
    method: str = "零钱",
) -> WeChatBillRow:
    """One row of the owner's WeChat Pay bill left by the same event as a chat message."""
    return WeChatBillRow(
        ts=ts,
        type=type_,
        counterparty=counterparty,
        goods=goods,
        direction=direction,
        amount_fen=amount_fen,
        method=method,
        status=status,
        txn_id=txn_id,
        merchant_id=merchant_id,
    )


class DemoBuilder(WeChatDbBuilder):
    """A builder whose MsgSvrIDs are unique across all demo devices."""

    def __init__(self, owner: Person, ids: PaymentIds, start: datetime):
        super().__init__(owner.wxid, owner.nickname, int(start.timestamp()))
        self.ids = ids

    def add_message(self, *args, **kw):
        kw.setdefault("svrid", self.ids.next_svrid())
        return super().add_message(*args, **kw)

    def contact(self, p: Person, remark: str | None = None) -> None:
        self.add_contact(p.wxid, nickname=p.nickname, remark=remark)


def _device_dir(root: Path, owner: Person, label: str) -> Path:
    return root / "exports" / f"{owner.name}{label}" / "WeChat Files" / owner.wxid / "Msg"


def village_election(pop: Population, ids: PaymentIds, root: Path) -> list[WeChatBillRow]:
    """古云村: red packets with canvassing to the 41 branch members on 元宵节 2017, before the election."""
    sec = pop.by_role("village_secretary")[0]
    members = pop.by_role("village_member")
    family = pop.by_role("village_family")
    b = DemoBuilder(sec, ids, beijing(2017, 1, 20))
    for p in members + family:
        b.contact(p)
    room, fam_room = ROOMS["village"], ROOMS["village_family"]
    b.add_group(room, "古云村党总支部", [(p.wxid, p.name) for p in members], owner=sec.wxid)
    b.add_group(fam_room, "李家一家亲", [(p.wxid, None) for p in family], owner=family[0].wxid)
    bills: list[WeChatBillRow] = []
    b.add_text(room, "各位党员，春节快乐！", ts=beijing(2017, 1, 28, 9))
    b.add_text(room, "下周就要换届选举了，希望大家投我一票，多多支持！", ts=beijing(2017, 2, 11, 19, 30))
    for i in range(6):  # six group packets on the evening of 元宵节
        ts = beijing(2017, 2, 11, 20, 5 * i)
        sendid = ids.sendid(ts)
        b.add_red_packet(room, sendid, "元宵快乐，换届请支持我", ts=ts)
        for j, claimer in enumerate(members[i * 7 : (i + 1) * 7]):
            b.add_claim(
                room, sendid, claimer=claimer.name, ts=ts + timedelta(seconds=20 + j), sender=claimer.wxid
            )
        bills.append(
            bill_row(
                ts,
                "微信红包（群红包）",
                "发出群红包",
                "支出",
                140000,
                "支付成功",
                ids.red_packet_txn(ts),
                sendid,
            )
        )
    for year in (2016, 2017):  # family 拼手气 packets at 春节: a hard negative
        ts = beijing(year, 2, 8 if year == 2016 else 1, 21)
        sendid = ids.sendid(ts)
        b.add_red_packet(fam_room, sendid, "拼手气红包，新年快乐", sender=family[0].wxid, ts=ts)
        b.add_claim(
            fam_room, sendid, claimer="你", packet_sender=family[0].name, ts=ts + timedelta(seconds=30)
        )
        bills.append(
            bill_row(
                ts,
                "微信红包",
                family[0].nickname,
                "收入",
                888,
                "已存入零钱",
                ids.red_packet_txn(ts),
                sendid,
                method="/",
            )
        )
    b.write_shards(_device_dir(root, sec, "电脑微信") / "Multi", n=2)
    b.write_micro(_device_dir(root, sec, "电脑微信") / "MicroMsg.db")
    return bills


_ASSOC_TALK = [
    "感谢董司长牵头，在京老乡精英会正式成立！以后有事找群员。",
    "本周六晚6点在鸿宾楼聚餐联谊，请各位老乡报名，秘书长助理负责统计。",
    "{biz}：我们公司想承接区里的保障房项目，哪位领导方便介绍一下？",
    "{off}：这个工程我帮你问问住建委，手续方面可以帮忙。",
    "{biz}：感谢{off}帮忙，项目已经中标，下次我做东请大家聚聚！",
    "春节联谊会定在正月初八，地点国贸大酒店，老规矩轮流做东。",
    "欢迎新入群的老乡，请改群昵称为“单位+姓名”，方便联系。",
]


def association_group(pop: Population, ids: PaymentIds, root: Path) -> list[WeChatBillRow]:
    """在京老乡精英会: founded by a bureau-level official, officials and businessmen, offline 联谊."""
    founder = pop.by_role("association_founder")[0]
    assistants = pop.by_role("association_assistant")
    officials, biz = pop.by_role("association_official"), pop.by_role("association_business")
    b = DemoBuilder(founder, ids, beijing(2015, 2, 10))
    members = assistants + officials + biz
    for p in members:
        b.contact(p)
    room = ROOMS["association"]
    b.add_group(
        room,
        "在京老乡精英会",
        [(p.wxid, f"{p.org_unit}{p.name}") for p in members],
        owner=founder.wxid,
        announcement="群规：老乡互助，有事找群员。线下联谊每年1-2次，由秘书长及助理组织。",
    )
    b.add_text(room, "我是群主董立新，兼任线下活动秘书长，指定三位助理协助。", ts=beijing(2015, 2, 12, 20))
    rng = pop.rng
    for year in (2015, 2016, 2017):
        for k, line in enumerate(_ASSOC_TALK):
            o, m = rng.choice(officials), rng.choice(biz)
            text = line.format(biz=m.name, off=o.name)
            b.add_text(
                room, text, sender=(m if "{biz}" in line[:5] else o).wxid, ts=beijing(year, 3 + k, 10 + k, 20)
            )
    b.write_msg(_device_dir(root, founder, "电脑微信") / "Multi" / "MSG0.db")
    b.write_micro(_device_dir(root, founder, "电脑微信") / "MicroMsg.db")
    return []


def bureau_workgroups(pop: Population, ids: PaymentIds, root: Path) -> list[WeChatBillRow]:
    """县交通运输局: registered groups with register problems, an unregistered 专班 group, secrecy posts."""
    head = pop.by_role("bureau_head")[0]
    staff, departed = pop.by_role("bureau_staff"), pop.by_role("bureau_departed")[0]
    givers, biz = pop.by_role("bureau_subordinate_giver"), pop.by_role("transport_business")
    b = DemoBuilder(head, ids, beijing(2023, 1, 5))
    for p in staff + [departed] + givers + biz:
        b.contact(p)
    official_acc = pop.by_role("account_official")[0]
    b.add_contact(
        official_acc.wxid,
        nickname=f"县市场监管局副局长{official_acc.name}",
        description="县市场监管局副局长，分管食品安全",
    )
    work, special, task = ROOMS["bureau_work"], ROOMS["bureau_special"], ROOMS["bureau_task"]
    names = [(p.wxid, f"{p.org_unit}{p.name}") for p in staff[:18]] + [
        (p.wxid, p.nickname) for p in staff[18:]
    ]
    b.add_group(
        work,
        "县交通运输局工作群",
        names
        + [(departed.wxid, f"交通运输局{departed.name}")]
        + [(g.wxid, f"县交通运输局{g.name}") for g in givers],
        owner=staff[0].wxid,
    )
    b.add_group(special, "春运保障专项工作群", [(p.wxid, f"县交通运输局{p.name}") for p in staff[:8]])
    b.add_group(task, "防汛工作专班群", [(p.wxid, f"县交通运输局{p.name}") for p in staff[5:20]])
    b.add_text(work, "请各科室于周五前报送春运保障方案。", ts=beijing(2023, 12, 20, 9))
    b.add_text(
        work,
        "据说老王拟提拔为副局长，考察对象名单已经定了，先别外传。",
        sender=staff[3].wxid,
        ts=beijing(2024, 1, 15, 11),
    )
    b.add_file(
        work,
        "机密★10年 县交通运输局2024年重点项目安排.pdf",
        sender=staff[4].wxid,
        ts=beijing(2024, 1, 16, 15),
    )
    b.add_text(work, "收到，谢谢。", sender=departed.wxid, ts=beijing(2024, 3, 2, 10))
    b.add_text(special, "春运保障工作已结束，感谢大家。", ts=beijing(2024, 2, 28, 17))
    b.add_text(special, "今晚谁值班？", sender=staff[2].wxid, ts=beijing(2024, 4, 12, 18))
    b.add_text(task, "今天下午三点水位巡查，请各组按时到岗。", ts=beijing(2024, 6, 20, 9))
    bills: list[WeChatBillRow] = []
    for g in givers:  # festival transfers from subordinates before 春节 2024
        ts = beijing(2024, 2, 6, 20, pop.rng.randrange(60))
        tid, txn = ids.transferid(ts), ids.transcationid(ts)
        b.add_transfer(
            g.wxid, tid, txn, 200000, memo="新春快乐", sender=g.wxid, payer=g.wxid, receiver=head.wxid, ts=ts
        )
        b.add_transfer(
            g.wxid,
            tid,
            txn,
            200000,
            paysubtype=3,
            memo="新春快乐",
            payer=g.wxid,
            receiver=head.wxid,
            ts=ts + timedelta(minutes=40),
        )
        bills.append(
            bill_row(ts, "转账", g.nickname, "收入", 200000, "已存入零钱", txn, tid, "转账备注:新春快乐", "/")
        )
    boss = biz[0]
    for k in range(5):  # splitting: five maximum-size packets in one day from one business owner
        ts = beijing(2024, 2, 8, 10 + k, 15)
        sendid = ids.sendid(ts)
        b.add_red_packet(boss.wxid, sendid, "马局新年好", sender=boss.wxid, ts=ts)
        bills.append(
            bill_row(
                ts,
                "微信红包",
                boss.nickname,
                "收入",
                20000,
                "已存入零钱",
                ids.red_packet_txn(ts),
                sendid,
                method="/",
            )
        )
    b.write_merged(root / "exports" / f"{head.name}手机备份" / "merge_all.db")
    return bills


def gambling_group(pop: Population, ids: PaymentIds, root: Path) -> list[WeChatBillRow]:
    """A 扫雷 red-packet gambling group joined by a township technician."""
    off, gamblers = pop.by_role("gambling_official")[0], pop.by_role("gambler")
    b = DemoBuilder(off, ids, beijing(2023, 8, 1))
    for p in gamblers:
        b.contact(p)
    room = ROOMS["gambling"]
    b.add_group(
        room,
        "发财扫雷群",
        [(p.wxid, p.nickname) for p in gamblers],
        owner=gamblers[0].wxid,
        announcement="规则：10/3 扫雷，中雷赔1.5倍，押金200上分，返水5%",
    )
    b.add_text(room, "新人先交押金200上分，下分找群主。", sender=gamblers[0].wxid, ts=beijing(2023, 8, 2, 21))
    for i in range(8):
        ts = beijing(2023, 8, 3 + i, 21, 10)
        sendid = ids.sendid(ts)
        b.add_red_packet(room, sendid, f"10/{i % 10}", sender=gamblers[i % len(gamblers)].wxid, ts=ts)
        b.add_claim(
            room,
            sendid,
            claimer="你",
            packet_sender=gamblers[i % len(gamblers)].name,
            ts=ts + timedelta(seconds=5),
        )
        if i % 3 == 0:
            tid, txn = ids.transferid(ts), ids.transcationid(ts)
            b.add_transfer(
                gamblers[0].wxid,
                tid,
                txn,
                1500,
                memo="中雷赔付",
                payer=off.wxid,
                receiver=gamblers[0].wxid,
                ts=ts + timedelta(minutes=8),
            )
    b.add_text(
        room,
        "高手一尾中特 湖北快三 时时彩趋势图app 带河北11选5的彩票平台",
        sender=gamblers[3].wxid,
        ts=beijing(2023, 8, 12, 22),
    )
    b.write_msg(_device_dir(root, off, "电脑微信") / "Multi" / "MSG0.db")
    b.write_micro(_device_dir(root, off, "电脑微信") / "MicroMsg.db")
    return []


def township_exports(pop: Population, ids: PaymentIds, root: Path) -> None:
    """Chat CSV exports: a privacy leak (MemoTrace), an official selling goods (PyWxDump), a draft notice."""
    leaker, residents = pop.by_role("privacy_leaker")[0], pop.by_role("residents")
    b = DemoBuilder(leaker, ids, beijing(2022, 11, 1))
    room = ROOMS["township_affairs"]
    b.add_group(room, "某镇社会事务办工作群", [(p.wxid, p.nickname) for p in residents[:12]])
    r1, r2 = residents[0], residents[1]
    b.add_text(
        room,
        f"低保复核名单：{r1.name}，身份证{resident_id(pop.rng)}，电话{r1.phone}，住宁夏银川市兴庆区"
        f"民族北街12号3单元501",
        ts=beijing(2022, 11, 3, 10),
    )
    b.add_text(room, f"{r2.name}昨天核酸确诊了，住院病历在我这里，大家注意。", ts=beijing(2022, 11, 4, 9))
    b.add_text(room, "明天上午开会，请准时参加。", ts=beijing(2022, 11, 5, 9))
    b.write_memotrace_csv(
        root
        / "exports"
        / "周丽手机导出"
        / "聊天记录"
        / "某镇社会事务办工作群"
        / "某镇社会事务办工作群_utf8.csv",
        room,
    )

    seller = pop.by_role("seller_official")[0]
    s = DemoBuilder(seller, ids, beijing(2021, 5, 1))
    room2 = ROOMS["township_staff"]
    s.add_group(room2, "某镇干部职工群", [(p.wxid, p.nickname) for p in residents[12:24]])
    s.add_text(
        room2,
        "姐妹们，日本代购面膜到货了，原价298现价168，包邮，需要的私聊下单，扫码付款～",
        ts=beijing(2021, 5, 6, 12),
    )
    s.add_text(room2, "团购新疆大枣，满三箱优惠20元，微商同款，今晚截单。", ts=beijing(2021, 5, 20, 12))
    s.add_text(room2, "下午的会议改到三楼会议室。", ts=beijing(2021, 5, 21, 9))
    s.write_pywxdump_csv(
        root / "exports" / "吴小燕导出" / f"{seller.wxid}_20210501_20210531.csv", room2, my_wxid=seller.wxid
    )

    bus = pop.by_role("bus_manager")[0]
    c = DemoBuilder(bus, ids, beijing(2020, 1, 20))
    room3 = ROOMS["bus"]
    c.add_group(room3, "公交公司运营工作群", [(p.wxid, p.nickname) for p in pop.by_role("bus_staff")])
    c.add_file(room3, "关于恢复部分公交线路的通告（讨论稿）.docx", ts=beijing(2020, 2, 1, 16, 20))
    c.add_text(room3, "大家先讨论一下线路方案。", ts=beijing(2020, 2, 1, 16, 22))
    c.write_pywxdump_csv(
        root / "exports" / "范宏伟导出" / f"{bus.wxid}_20200120_20200210.csv", room3, my_wxid=bus.wxid
    )
