"""Each text detector over small canonical datasets: subjects, aggregation, severity, explanations."""

from __future__ import annotations

from datetime import date

from tests.text.helpers import GROUP, dataset, msg, run

GOOD_ID = "640104199003071236"
PEOPLE = [
    {
        "person_id": "P1",
        "name": "张某",
        "org_unit": "公交公司",
        "position": "副经理",
        "is_official": True,
        "wechat_ids": ["wxid_a"],
        "phone": "13912340123",
    },
    {"person_id": "P2", "name": "某商户", "is_official": False, "wechat_ids": ["wxid_shop"]},
]
GROUPS = [{"group_id": GROUP, "name": "公交公司运营工作群"}]


def by_check(findings):
    return {f.check_id: f for f in findings}


def test_draft_file_posted_to_a_group(rulebook, registry):
    ds = dataset(
        [
            msg(1, None, kind="file", file_name="关于调整公交线路运营方案（讨论稿）.docx"),
            msg(2, "讨论一下明天的排班", day="2020-02-02"),
        ],
        people=PEOPLE,
        groups=GROUPS,
    )
    f = by_check(run(rulebook, registry, ds))["secrecy.unpublished-draft"]
    assert f.subject.kind == "person" and f.subject.id == "P1" and f.subject.name == "张某"
    assert "2020-02-01 在「公交公司运营工作群」发布标有「讨论稿」的文件 1 次" in f.explanation
    (ev,) = f.evidence
    assert ev.id == "m1" and ev.excerpt[ev.spans[0][0] : ev.spans[0][1]] == "讨论稿"
    assert f.rule_refs and f.rule_refs[0].code.startswith("中国共产党纪律处分条例(2018)")


def test_one_finding_per_check_and_subject_with_all_evidence_and_stable_id(rulebook, registry):
    rows = [
        msg(1, "机密★10年 专项审计报告"),
        msg(2, "机密★ 请审阅", day="2020-02-03"),
        msg(3, "绝密★长期 防区调整", sender="wxid_b"),
    ]
    first = {(f.check_id, f.subject.id): f for f in run(rulebook, registry, dataset(rows, people=PEOPLE))}
    again = run(rulebook, registry, dataset(list(reversed(rows)), people=PEOPLE))
    marks = [f for f in again if f.check_id == "secrecy.classified-mark"]
    assert len(marks) == 2
    mine = next(f for f in marks if f.subject.id == "P1")
    assert mine.finding_id == first[("secrecy.classified-mark", "P1")].finding_id
    assert [e.id for e in mine.evidence] == ["m1", "m2"] and "共 2 条消息" in mine.explanation
    assert "机密★10年" in mine.explanation and mine.severity == "high"
    other = next(f for f in marks if f.subject.id == "wxid_b")
    assert other.subject.kind == "account" and other.severity == "critical"
    ids1 = sorted(f.finding_id for f in run(rulebook, registry, dataset(rows, people=PEOPLE)))
    ids2 = sorted(f.finding_id for f in again)
    assert ids1 == ids2


def test_drafts_inside_a_registered_work_group_are_not_flagged(rulebook, registry):
    ds = dataset(
        [msg(1, "附件为年度工作要点讨论稿，请提意见")],
        group_register=[{"group_id": GROUP, "name": "办公室工作群", "group_type": "工作群"}],
    )
    assert "secrecy.unpublished-draft" not in by_check(run(rulebook, registry, ds))


def test_privacy_masked_excerpt_and_own_number(rulebook, registry):
    rows = [
        msg(1, f"上访户王某身份证号{GOOD_ID}，电话138 0013 8000"),
        msg(2, "有事打我电话13912340123"),
        msg(3, "我的手机号是13912340123"),
        msg(4, "身份证号640104199003071230"),
    ]
    f = by_check(run(rulebook, registry, dataset(rows, people=PEOPLE)))["privacy.identifiers"]
    assert [e.id for e in f.evidence] == ["m1"] and f.severity == "high"
    ex = f.evidence[0].excerpt
    assert "640104**********36" in ex and "138 **** 8000" in ex and GOOD_ID not in ex
    assert "身份证号" in f.explanation and "手机号" in f.explanation


def test_own_registered_phone_is_not_other_peoples_data(rulebook, registry):
    ds = dataset([msg(1, "13912340123 这是新号")], people=PEOPLE)
    assert "privacy.identifiers" not in by_check(run(rulebook, registry, ds))
    ds = dataset([msg(1, "13800138000 这是老刘的新号")], people=PEOPLE)
    assert "privacy.identifiers" in by_check(run(rulebook, registry, ds))


def test_sensitive_health_needs_a_named_person(rulebook, registry):
    ds = dataset([msg(1, "王科长确诊抑郁症了"), msg(2, "今天新增确诊病例3例"), msg(3, "我发烧了请假")])
    f = by_check(run(rulebook, registry, ds))["privacy.sensitive"]
    assert [e.id for e in f.evidence] == ["m1"] and "健康信息" in f.explanation


def test_commerce_official_raises_severity_non_official_is_out_of_scope(rulebook, registry):
    text = "新到的大闸蟹，原价398现价268，顺丰包邮，需要的私聊"
    ds = dataset(
        [msg(1, text), msg(2, text, sender="wxid_shop"), msg(3, text, sender="wxid_x")], people=PEOPLE
    )
    found = [f for f in run(rulebook, registry, ds) if f.check_id == "commerce.promotion"]
    subj = {f.subject.id: f for f in found}
    assert set(subj) == {"P1", "wxid_x"}
    assert subj["P1"].severity == "high" and "公职人员" in subj["P1"].explanation
    assert subj["wxid_x"].severity == "medium" and "未在人员名单中登记" in subj["wxid_x"].explanation


def test_gambling_seed_spam_and_everyday_words(rulebook, registry):
    spam = (
        "高手一尾中特 湖北快三20190701026期 时时彩趋势图app 双彩求今天的开奖结果 香港马彩开奖走势图 "
        "带河北11选5的彩票平台"
    )
    ds = dataset([msg(1, spam), msg(2, "周六志愿服务请接龙报名"), msg(3, "快三点了，会议推迟")])
    f = by_check(run(rulebook, registry, ds))["gambling.lottery-promo"]
    assert [e.id for e in f.evidence] == ["m1"] and "一尾中特" in f.explanation
    assert "gambling.red-packet-text" not in by_check(run(rulebook, registry, ds))


def test_canvassing_inside_an_election_window(rulebook, registry):
    events = [
        {
            "event_id": "E1",
            "name": "某村两委换届",
            "event_type": "换届选举",
            "start_date": date(2021, 3, 6),
            "end_date": date(2021, 3, 6),
            "group_ids": [GROUP],
        }
    ]
    rows = [
        msg(1, "明天开会，请大家多多支持", day="2021-03-05"),
        msg(2, "新店开业请多多支持", day="2021-06-01"),
    ]
    f = by_check(run(rulebook, registry, dataset(rows, events=events)))["vote-buying.canvassing-text"]
    assert [e.id for e in f.evidence] == ["m1"] and f.severity == "critical"
    assert "某村两委换届" in f.explanation


def test_no_opinion_or_rumour_screening(rulebook, registry):
    """Scope boundary: criticism, complaints and 'rumours' are never screened."""
    rows = [
        msg(1, "这个政策真不行，领导瞎指挥，大家都有意见"),
        msg(2, "听说要涨价了，不知道真假，转给大家"),
        msg(3, "妄议中央的事咱们不说"),
    ]
    assert run(rulebook, registry, dataset(rows)) == []


def test_system_messages_are_skipped(rulebook, registry):
    ds = dataset([msg(1, "机密★ 邀请你加入了群聊", kind="system")])
    assert run(rulebook, registry, ds) == []


def test_address_excerpt_keeps_the_district_and_masks_the_detail(rulebook, registry):
    ds = dataset([msg(1, "投诉人家住武汉市洪山区珞喻路120号东湖小区8栋2单元501，别说出去")])
    f = by_check(run(rulebook, registry, ds))["privacy.identifiers"]
    ex = f.evidence[0].excerpt
    assert "武汉市洪山区" in ex and "珞喻路" not in ex and "别说出去" in ex and "详细住址" in f.explanation


def test_file_message_with_its_name_as_text_counts_once(rulebook, registry):
    name = "机密★10年 重点项目安排.pdf"
    ds = dataset([msg(1, name, kind="file", file_name=name)], group_register=[])
    f = by_check(run(rulebook, registry, ds))["secrecy.classified-mark"]
    assert len(f.evidence) == 1 and "发布标有「机密★10年」的文件 1 次" in f.explanation


def test_conversation_named_by_export(rulebook, registry):
    ds = dataset([msg(1, "内部资料，不得外传", chat="chatname:某镇社会事务办工作群")])
    f = by_check(run(rulebook, registry, ds))["secrecy.unpublished-draft"]
    assert "在「某镇社会事务办工作群」" in f.explanation


def test_mobile_written_in_keycap_emoji_is_found(checker):
    hits = checker.check("举报人电话1️⃣3️⃣9️⃣1️⃣2️⃣3️⃣4️⃣0️⃣1️⃣2️⃣3️⃣，别说是我讲的")
    assert any(h.category == "privacy.disclosure" for h in hits)


def test_red_packet_blessings_and_link_titles_are_screened(rulebook, registry):
    """The MSG readers put a red packet's blessing and a link's title into `text`: both are screened,
    while calls and system notices are not."""
    ds = dataset(
        [
            msg(1, "扫雷 雷号7 中雷1.8倍", kind="red_packet"),
            msg(2, "时时彩一尾中特计划群，稳赚不赔", kind="link"),
            msg(3, "扫雷 雷号7 中雷1.8倍", kind="system"),
        ]
    )
    found = by_check(run(rulebook, registry, ds))
    assert [e.id for e in found["gambling.red-packet-text"].evidence] == ["m1"]
    assert [e.id for e in found["gambling.lottery-promo"].evidence] == ["m2"]
