"""`hongxian screen` on a real-format case folder and `hongxian check` (发前自检)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from hongxian.cli import app
from hongxian.testing.wechat_db import WeChatDbBuilder
from tests.conftest import PEOPLE_HEADER

runner = CliRunner()
ROOM = "30001@chatroom"


def _case(case_dir):
    b = WeChatDbBuilder(owner="wxid_owner001")
    b.add_contact("wxid_peer1", nickname="老周")
    b.add_group(ROOM, "公交公司运营工作群", ["wxid_peer1"])
    b.add_file(ROOM, "关于调整线路运营方案（讨论稿）.docx")
    b.add_text(ROOM, "收到", sender="wxid_peer1")
    b.add_text(ROOM, "他的手机号13800138000，身份证号640104199003071236", sender="wxid_peer1")
    b.write_merged(case_dir / "exports" / "WeChat Files" / "wxid_owner001" / "Msg" / "merge_all.db")
    (case_dir / "people.csv").write_text(
        PEOPLE_HEADER + "\nP1,张某,公交公司,副经理,,中共党员,公职人员,,,wxid_owner001,,,,在职,\n",
        encoding="utf-8",
    )
    return case_dir


def test_screen_cli(case_dir, tmp_path, findings_schema):
    out = tmp_path / "out" / "findings.jsonl"
    res = runner.invoke(app, ["screen", str(_case(case_dir)), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "泄密" in res.output and "泄露他人隐私" in res.output and "未运行" in res.output
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    draft = next(r for r in rows if r["check_id"] == "secrecy.unpublished-draft")
    assert (
        draft["subject"]["id"] == "P1"
        and "「公交公司运营工作群」发布标有「讨论稿」的文件 1 次" in draft["explanation"]
    )
    assert "640104199003071236" not in out.read_text(encoding="utf-8")


def test_screen_cli_without_case_toml_exits_2(tmp_path):
    res = runner.invoke(app, ["screen", str(tmp_path)])
    assert res.exit_code == 2 and "case.toml" in res.output


def test_check_text_json_file_and_stdin(tmp_path):
    res = runner.invoke(app, ["check", "听说张建国拟任办公室主任，还没公示，先别外传"])
    assert res.exit_code == 1 and "泄露尚未公开的干部人事事项" in res.output and "依据" in res.output
    res = runner.invoke(app, ["check", "--format", "json", "他身份证号640104199003071236"])
    hits = json.loads(res.output)["hits"]
    assert res.exit_code == 1 and hits[0]["check_id"] == "privacy.identifiers"
    assert "640104**********36" in hits[0]["excerpt"] and hits[0]["rules"][0]["article"]
    f = tmp_path / "draft.txt"
    f.write_text("明天上午开会，讨论一下方案", encoding="utf-8")
    res = runner.invoke(app, ["check", "--file", str(f)])
    assert res.exit_code == 0 and "未发现问题" in res.output
    res = runner.invoke(app, ["check"], input="本群玩扫雷，中雷赔1.8倍")
    assert res.exit_code == 1 and "红包赌博" in res.output


def test_screen_records_the_run_and_rescreening_keeps_decisions(case_dir, tmp_path):
    from hongxian.review.service import ReviewService, open_store
    from hongxian.settings import Settings

    _case(case_dir)
    res = runner.invoke(app, ["screen", str(case_dir)])
    assert res.exit_code == 0 and "已入审查库：新增" in res.output, res.output
    settings = Settings()
    store = open_store(case_dir, settings)
    try:
        svc = ReviewService(store, settings)
        svc.add_user("rev", "审查员", "pw-123456")
        rev = svc.authenticate("rev", "pw-123456")
        rows = svc.list_findings(rev).items
        draft = next(r for r in rows if r.check_id == "secrecy.unpublished-draft")
        svc.decide(rev, draft.finding_id, "确认", "讨论稿外发属实", draft.version)
    finally:
        store.dispose()
    res = runner.invoke(app, ["screen", str(case_dir)])
    assert res.exit_code == 0 and "新增 0 项" in res.output, res.output
    store = open_store(case_dir, settings)
    try:
        svc = ReviewService(store, settings)
        rev = svc.authenticate("rev", "pw-123456")
        detail = svc.get_finding(rev, draft.finding_id)
        assert detail.status == "confirmed"
    finally:
        store.dispose()
