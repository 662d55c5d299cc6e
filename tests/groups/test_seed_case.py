"""The three group checks on a real-format case: people.csv/groups.csv/accounts.csv + MicroMsg.db +
MSG0.db."""

from __future__ import annotations

from tests.groups.conftest import by_subject, screen
from tests.groups.seedcase import COLLEAGUES, FAMILY, FLOOD, LAOXIANG, UNREG, WORK


def test_laoxiang_group_is_the_only_association(seed_dataset, rulebook, registry):
    found = by_subject(screen(seed_dataset, rulebook, registry, "network.association"))
    assert set(found) == {LAOXIANG}
    f = found[LAOXIANG]
    assert f.category == "network.association" and f.severity == "high" and f.score >= 0.9
    assert f.subject.kind == "group" and f.subject.name == "在京老乡精英会"
    text = f.explanation
    for part in (
        "群成员 410 人，其中公职人员 260 人（分属 41 个单位，处级及以上领导干部 37 人）、企业人员 150 人",
        "群主董某为局级干部",
        "董某自称“秘书长”",
        "指定助理 3 人（刘晓、陈晨、杨阳）",
        "2015–2017 年",
        "（其中全群性活动 4 次）",
        "企业人员表示做东、买单 3 次",
        "含“有事找群员”号召",
        "群名含“老乡”“精英会”",
        "陆续新增成员 376 人",
    ):
        assert part in text, part


def test_laoxiang_cites_the_2015_regulation_in_force_in_2017(seed_dataset, rulebook, registry):
    f = by_subject(screen(seed_dataset, rulebook, registry, "network.association"))[LAOXIANG]
    refs = {r.provision_id: r for r in f.rule_refs}
    assert refs["association"].code == "中国共产党纪律处分条例(2015)"
    assert refs["association"].article == "第六十八条"
    assert any("第七十四条" in v for v in refs["association"].other_versions)
    assert {"item-5", "no-cliques"} <= set(refs)
    assert f.window is not None and f.window.start.year == 2015 and f.window.end.year == 2017


def test_laoxiang_related_people_and_evidence(seed_dataset, rulebook, registry):
    f = by_subject(screen(seed_dataset, rulebook, registry, "network.association"))[LAOXIANG]
    related = {s.id: s.name for s in f.related}
    assert related["P000"].startswith("董某（群主") and "自称“秘书长”" in related["P000"]
    assert {related[p] for p in ("P010", "P011", "P012")} == {"刘晓（助理）", "陈晨（助理）", "杨阳（助理）"}
    assert any("做东" in name for name in related.values())
    messages = [e for e in f.evidence if e.table == "messages"]
    ids = set(seed_dataset.sql("SELECT message_id FROM messages")["message_id"].to_pylist())
    assert messages and all(e.id in ids for e in messages)
    for e in messages:  # every highlight points at text inside the excerpt
        assert e.excerpt and all(0 <= s < t <= len(e.excerpt) for s, t in e.spans)
    organiser = next(e for e in messages if e.note.startswith("组织者"))
    s, t = organiser.spans[0]
    assert organiser.excerpt[s:t] == "秘书长"


def test_workgroups(seed_dataset, rulebook, registry):
    found = by_subject(screen(seed_dataset, rulebook, registry, "governance.workgroup"))
    assert set(found) == {WORK, FLOOD, UNREG}
    work = found[WORK]
    assert "存在 3 项工作群管理问题" in work.explanation
    assert "实际群主为孙丽" in work.explanation and "登记的群主张建国" in work.explanation
    assert (
        "“小王”" in work.explanation
        and "赵强（2022-06-30 调离，仍在群中，此后在群内发言 1 条）" in work.explanation
    )
    member_ev = {e.id for e in work.evidence if e.table == "group_members"}
    assert member_ev == {f"{WORK}/wxid_fin02", f"{WORK}/wxid_fin04"}
    national = {"point-4", "report-to-organisation"}  # what the local rules rest on, with the ladder
    assert {r.provision_id for r in work.rule_refs} == {"owner", "real-name", "leave-on-transfer"} | national
    flood = found[FLOOD]
    assert "解散日期为 2023-10-31，此后仍有 2 人发送消息 2 条" in flood.explanation
    assert {r.provision_id for r in flood.rule_refs} == {"dissolve-when-done"} | national
    unreg = found[UNREG]
    assert "未在工作群登记表（groups.csv）中登记" in unreg.explanation
    assert [r.provision_id for r in unreg.rule_refs] == ["point-4", "report-to-organisation"]
    assert FAMILY not in found and COLLEAGUES not in found


def test_accounts(seed_dataset, rulebook, registry):
    found = by_subject(screen(seed_dataset, rulebook, registry, "governance.account"))
    assert set(found) == {"wxid_fin01", "wxid_zj01"}
    assert "昵称含“某县财政局”“局长”" in found["wxid_fin01"].explanation
    assert "未在职务身份账号登记表（accounts.csv）中登记" in found["wxid_fin01"].explanation
    zj = found["wxid_zj01"]
    assert "“我是某县住建局局长”" in zj.explanation
    assert {r.provision_id for r in zj.rule_refs} == {"point-4", "no-unreported-accounts"}
    assert any(e.table == "messages" for e in zj.evidence)


def test_finding_ids_are_stable(seed_dataset, rulebook, registry):
    first = [f.finding_id for f in screen(seed_dataset, rulebook, registry, "network.association")]
    again = [f.finding_id for f in screen(seed_dataset, rulebook, registry, "network.association")]
    assert first == again and len(set(first)) == len(first)
