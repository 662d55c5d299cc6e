"""Generator of realistic short WeChat messages for the text benchmark (seeded, reproducible).

Mostly ordinary work-group, family and friends chatter (as in real exports), with a small share of
messages that carry keywords, numbers (phones, order numbers, amounts), traditional characters,
full-width digits, emoji and evasion spacing, so every path of the text suite is exercised.
"""

from __future__ import annotations

import random
import re

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏飞玉兰海燕"
TITLES = ["局长", "主任", "科长", "书记", "处长", "老师", "经理", "同志", "站长", "所长"]
PLACES = [
    "三楼会议室",
    "二号会议室",
    "县政府大院",
    "社区服务中心",
    "党群服务中心",
    "镇政府",
    "局机关",
    "多功能厅",
]
ITEMS = ["材料", "报表", "统计表", "总结", "方案", "通知", "台账", "汇报材料", "考勤表", "预算表"]
FOOD = ["火锅", "烧烤", "饺子", "面条", "米饭", "麻辣烫", "包子", "炒菜"]
DAYS = ["今天", "明天", "后天", "周一", "周二", "周三", "周四", "周五", "下周一", "本周五"]
TIMES = ["上午9点", "上午10点半", "下午2点", "下午3点", "晚上7点", "8:30", "14:00"]
EMOJI = ["[微笑]", "[强]", "[抱拳]", "[玫瑰]", "👍", "❤️", "😂", "[OK]", "🙏", "[呲牙]"]

ORDINARY = [
    "收到",
    "好的",
    "收到，马上办",
    "👍",
    "谢谢{title}",
    "辛苦了",
    "已转发",
    "明白",
    "好的，知道了",
    "请各科室于{day}前报送{item}",
    "{day}{time}在{place}开会，请准时参加",
    "{name}，{item}发我邮箱一下",
    "今天的{item}我已经上传到共享文件夹了",
    "大家注意，{day}{time}开视频会",
    "请假一天，家里有事",
    "{name}{title}，文件已经放您桌上了",
    "中午吃{food}吗",
    "晚上回家吃饭吗",
    "妈，我{day}回去",
    "记得带伞，下午有雨",
    "孩子的作业做完了吗",
    "今天加班，晚点回",
    "周末一起去爬山吧{emoji}",
    "这个{item}还需要再改一下",
    "请大家及时更新{item}",
    "会议纪要见附件",
    "收到，谢谢{emoji}",
    "我们讨论一下这个方案",
    "下午讨论一下{item}怎么改",
    "已阅",
    "好的{emoji}",
    "我在路上了，十分钟到",
    "{name}生日快乐{emoji}",
    "新年快乐，万事如意",
    "中秋节快乐！",
    "请大家{day}之前完成学习打卡",
    "本周值班表已更新，请查看",
    "车停在{place}门口了",
    "快递到了帮我拿一下",
    "这周的{item}谁来汇总？",
    "我来吧",
    "没问题",
    "晚上{time}吃{food}，老地方",
    "检查组{day}到，请提前准备{item}",
    "请各位同事注意防暑降温",
    "电梯维修，请走楼梯",
    "{name}，你电话打不通",
    "刚才信号不好",
    "麻烦把{item}再发一遍",
    "好的，稍等",
    "在开会，晚点回复",
    "今天食堂有{food}",
    "这个月的{item}交了吗",
    "已提交",
    "打卡了吗",
    "下班了吗",
    "路上注意安全",
    "到家了",
    "明天降温，多穿点",
    "我们小区停水了",
    "宝宝今天打疫苗",
    "请假条已经批了",
    "收到，我去安排",
    "{name}在吗？",
    "转发：关于做好安全生产工作的通知",
    "学习强国今天的题目好难",
    "单位组织体检，{day}{time}空腹",
    "接龙报名参加{day}的志愿服务：1. {name}",
    "工会发的{food}券到了",
    "订单已发货，请注意查收",
    "您的快递单号是SF{digits12}，请注意查收",
    "订单号{digits18}，已付款",
    "报销单号{digits10}",
    "会议室电话{landline}",
    "合计{amount}元，请核对",
    "本月电费{amount}元",
    "房租{amount}元已转",
    "{name}的{item}做得很好，值得学习",
    "明天天气不错",
    "周末加班的同志请登记",
    "紅包已收到，謝謝",
    "我們明天見",
    "今天好忙 累死了",
    "哈哈哈哈",
    "好 的",
    "OK",
    "ok收到",
    "第{num}期学习材料已下发",
]

RISKY = [
    "附件：关于{item}的讨论稿.docx",
    "{name}拟任办公室主任，还没公示，先别外传",
    "机密★1年 关于{item}的报告",
    "扫雷群，{amount}包，1.8倍，中雷直接赔",
    "需要的私聊，包邮，原价{amount}现价{amount2}",
    "换届选举快到了，请多多支持，投我一票",
    "{name}身份证号{idcard}，电话{mobile}",
    "高手一尾中特 湖北快三20190701026期 时时彩趋势图app",
    "代购正品面膜，扫码付款，团购优惠",
    "内部资料，注意保密，不得外传",
    "{name}{title}确诊了，在医院住院",
    "上分下分找我，返水高",
    "征求意见稿先发给大家看看，不要外传",
    "他的银行卡号是{card}",
    "{name}家住{address}",
]


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _idcard(rng: random.Random) -> str:
    body = (
        rng.choice(["110101", "310104", "440305", "640104", "320102"])
        + f"{rng.randint(1960, 2004)}{rng.randint(1, 12):02d}"
        f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    )
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(a) * b for a, b in zip(body, w, strict=True)) % 11]


def _card(rng: random.Random) -> str:
    body = "622202" + "".join(str(rng.randint(0, 9)) for _ in range(12))
    total = 0
    for i, d in enumerate(reversed(body)):
        x = int(d) * (2 if i % 2 == 0 else 1)
        total += x - 9 if x > 9 else x
    return body + str((10 - total % 10) % 10)


def _values(rng: random.Random) -> dict:
    amount = rng.choice([50, 88, 100, 168, 200, 268, 500, 1200])
    return {
        "name": lambda: (
            rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        ),
        "title": lambda: rng.choice(TITLES),
        "place": lambda: rng.choice(PLACES),
        "item": lambda: rng.choice(ITEMS),
        "food": lambda: rng.choice(FOOD),
        "day": lambda: rng.choice(DAYS),
        "time": lambda: rng.choice(TIMES),
        "emoji": lambda: rng.choice(EMOJI),
        "digits12": lambda: _digits(rng, 12),
        "digits18": lambda: _digits(rng, 18),
        "digits10": lambda: _digits(rng, 10),
        "landline": lambda: f"0{rng.randint(10, 999)}-{_digits(rng, 8)}",
        "amount": lambda: amount,
        "amount2": lambda: amount // 2,
        "num": lambda: rng.randint(1, 60),
        "idcard": lambda: _idcard(rng),
        "mobile": lambda: "1" + rng.choice("3456789") + _digits(rng, 9),
        "card": lambda: _card(rng),
        "address": lambda: rng.choice(
            ["北京市朝阳区望京街道花家地小区3号楼2单元501室", "武汉市洪山区珞喻路120号东湖小区8栋"]
        ),
    }


_FIELDS = re.compile(r"{(\w+)}")


def _fill(rng: random.Random, template: str) -> str:
    if "{" not in template:
        return template
    makers = _values(rng)
    return _FIELDS.sub(lambda m: str(makers[m.group(1)]()), template)


def _mutate(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.01:
        return text.replace("红", "紅").replace("们", "們").replace("会", "會")
    if r < 0.02 and len(text) > 2:
        i = rng.randrange(1, len(text))
        return text[:i] + rng.choice([" ", "-", "\u200b"]) + text[i:]
    return text


def _speaker(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "") + "："


def generate(n: int, seed: int = 7, risky_share: float = 0.02, distinct: bool = False) -> list[str]:
    """n messages; about `risky_share` of them carry a screened pattern. Real chats repeat themselves
    ("收到", forwarded notices, spam), and so does this corpus (≈14 % distinct texts); with
    `distinct`, every message is made unique by speaker names in front ("王芳：收到", as in a
    forwarded chat record), so nothing can be shared between equal texts."""
    rng = random.Random(seed)
    out = []
    seen: set[str] = set()
    for _ in range(n):
        pool = RISKY if rng.random() < risky_share else ORDINARY
        text = _mutate(rng, _fill(rng, rng.choice(pool)))
        if distinct:
            text = _speaker(rng) + text
            while text in seen:
                text = _speaker(rng) + text
            seen.add(text)
        out.append(text)
    return out
