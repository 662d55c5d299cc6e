"""Every user-facing label of a code value, in one place (Simplified Chinese).

Pages, reports, the CLI and explanations take their words from here, so one thing has one name
everywhere (聊天消息, not sometimes 聊天记录; 账号, not sometimes 账户). Detectors' explanation sentences
are written next to the detectors; what they call a table, a category or a payment kind comes from here.
"""

from __future__ import annotations

CATEGORY_ZH: dict[str, str] = {
    "integrity.gift_money": "收受礼金红包",
    "integrity.vote_buying": "拉票贿选",
    "integrity.gambling": "红包赌博",
    "integrity.commerce": "违规经商推销",
    "network.association": "老乡会等关系网",
    "secrecy.leak": "泄密",
    "privacy.disclosure": "泄露他人隐私",
    "governance.workgroup": "工作群管理",
    "governance.account": "职务账号未报备",
}
SEVERITY_ZH: dict[str, str] = {"low": "低", "medium": "中", "high": "高", "critical": "严重"}
SEVERITY_STYLE: dict[str, str] = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}
"""Rich styles of the severities in the terminal."""

TABLE_ZH: dict[str, str] = {
    "messages": "聊天消息",
    "payments": "支付记录",
    "groups": "群",
    "group_members": "群成员",
    "people": "人员",
    "accounts": "账号",
    "relations": "关系登记",
    "events": "事件登记",
    "group_register": "工作群登记",
    "account_register": "账号登记",
    "attachments": "附件",
    "sources": "数据来源",
    "rejects": "未能读取的行",
}
REGISTER_FILE: dict[str, str] = {
    "people": "people.csv",
    "relations": "relations.csv",
    "events": "events.csv",
    "group_register": "groups.csv",
    "account_register": "accounts.csv",
}
"""The case-folder file each register table is read from."""

SOURCE_FORMAT_ZH: dict[str, str] = {
    "wechat_bill": "微信支付账单",
    "alipay_bill": "支付宝账单",
    "wechat_db": "微信 PC 数据库（MSG / MicroMsg）",
    "wechat4_db": "微信 4.x 数据库",
    "pywxdump_csv": "PyWxDump 聊天导出",
    "memotrace_csv": "MemoTrace 聊天导出",
    "pywxdump_users": "PyWxDump 联系人（users.json）",
}
REGISTER_STEM_ZH: dict[str, str] = {
    "people": "人员登记表",
    "relations": "关系登记表",
    "events": "事件登记表",
    "groups": "群登记表",
    "accounts": "账号登记表",
}


def source_format_zh(code: str | None) -> str:
    """What a source file was read as, in words: ``register:people`` → ``人员登记表``."""
    if not code:
        return "-"
    if code.startswith("register:"):
        stem = code.split(":", 1)[1]
        return REGISTER_STEM_ZH.get(stem, f"登记表（{stem}.csv）")
    return SOURCE_FORMAT_ZH.get(code, code)


SUBJECT_ZH: dict[str, str] = {"person": "人员", "account": "账号", "group": "群"}
PAYMENT_KIND_ZH: dict[str, str] = {
    "red_packet": "红包",
    "transfer": "转账",
    "group_collection": "群收款",
    "qr": "扫码付款",
    "merchant": "商户消费",
    "refund": "退款",
    "gift_card": "礼品卡",
    "other": "其他",
}
PAYMENT_UNIT_ZH: dict[str, str] = {
    "red_packet": "个",
    "transfer": "笔",
    "gift_card": "张",
    "qr": "笔",
    "group_collection": "笔",
}
DIRECTION_ZH: dict[str, str] = {"in": "收入", "out": "支出", "neutral": "不计收支"}
TEXT_FIELD_ZH: dict[str, str] = {"text": "消息", "file_name": "文件名"}
ATTACHMENT_FIELD_ZH: dict[str, str] = {"attachment_text": "附件", "image_text": "图片"}
"""Where text screened from an attachment came from: the file's text layer, or OCR of an image/scan."""
ATTACHMENT_STATUS_ZH: dict[str, str] = {
    "ok": "已读取",
    "empty": "无文字",
    "capped": "超出上限，部分读取",
    "undecodable": "无法解码",
    "unsupported": "格式不支持",
    "too_large": "文件过大，未读取",
    "timeout": "读取超时",
    "failed": "读取失败",
    "skipped": "未识别（OCR 未启用）",
}
PII_KIND_ZH: dict[str, str] = {
    "id18": "身份证号",
    "id15": "身份证号（15位）",
    "mobile": "手机号",
    "card": "银行卡号",
    "address": "详细住址",
}
SOURCE_STATUS_ZH: dict[str, str] = {
    "ingested": "已导入",
    "unchanged": "未变化，跳过",
    "unrecognised": "无法识别，跳过",
    "failed": "读取失败",
}
FINDING_STATUS_ZH: dict[str, str] = {
    "pending": "待审",
    "confirmed": "确认",
    "dismissed": "排除",
    "escalated": "上报",
}
ROLE_ZH: dict[str, str] = {
    "admin": "管理员",
    "reviewer": "审查员",
    "investigator": "调查员",
    "readonly": "只读",
}
AUDIT_ACTION_ZH: dict[str, str] = {
    "run_import": "导入筛查结果",
    "view": "查看线索",
    "reveal": "查看未脱敏信息",
    "decide": "作出结论",
    "decide_conflict": "结论冲突（未保存）",
    "suppress": "设置屏蔽规则",
    "unsuppress": "撤销屏蔽规则",
    "report": "生成报告",
    "export": "导出",
    "user_add": "新增用户",
    "user_disable": "停用用户",
    "user_enable": "启用用户",
    "login": "登录",
    "login_failed": "登录失败",
    "login_throttled": "登录受限（失败次数过多）",
    "logout": "退出登录",
    "settings": "修改设置",
}
PERMISSION_ZH: dict[str, str] = {
    "manage_users": "管理用户",
    "manage_settings": "修改设置",
    "list_findings": "查看线索列表",
    "view_finding": "查看线索详情",
    "decide": "作出审查结论",
    "reveal": "查看未脱敏个人信息",
    "suppress": "设置屏蔽规则",
    "view_audit": "查看审计日志",
    "report": "查看报告",
    "export": "导出报告",
    "import_run": "导入筛查结果",
}
ROUTE_VIA_ZH: dict[str, str] = {
    "spouse": "配偶",
    "kin": "亲属",
    "close": "特定关系人",
    "employee": "雇员",
}
"""How money reached an official indirectly (payment typologies): the declared relation used."""
AUDIT_DETAIL_ZH: dict[str, str] = {
    "reason": "理由",
    "from": "原状态",
    "to": "新状态",
    "version": "版本",
    "clear_excerpts": "未脱敏摘录数",
    "clear_rows": "以明文显示的证据行数",
    "shown": "显示的证据行",
    "digest": "显示内容摘要（SHA-256）",
    "address": "登录地址",
    "path": "文件",
    "person": "人员",
    "findings": "线索数",
    "role": "角色",
    "user": "用户",
    "check_id": "检查项",
    "expires_at": "到期",
    "subject": "对象",
    "scope": "范围",
}
"""Audit detail keys as users read them (values that are status keys go through STATUS_ZH)."""

CLI_ZH: dict[str, str] = {
    "usage": "用法：",
    "options_metavar": "[选项]",
    "subcommand_metavar": "命令 [参数]...",
    "help_option": "显示本帮助并退出。",
    "try_help": "运行 '{command} {option}' 查看帮助。",
    "error_title": "错误",
    "aborted": "已中止。",
    "panel_arguments": "参数",
    "panel_options": "选项",
    "panel_commands": "命令",
    "default": "默认：{value}",
    "envvar": "环境变量：{value}",
    "no_such_option": "没有选项 {name}",
    "possible_options": "（可用的选项：{options}）",
    "missing": "缺少{kind} {hint}。",
    "missing_argument": "参数",
    "missing_option": "选项",
    "invalid_value": "{hint} 的值无效：{message}",
    "invalid_value_bare": "值无效：{message}",
}
"""The command line's own words (usage, help, errors of Typer/Click) in Chinese."""

CLI_MESSAGE_ZH: tuple[tuple[str, str], ...] = (
    (r"^No such command '(?P<a>.*)'\. Did you mean (?P<b>.*)\?$", "没有命令“{a}”。是否要用 {b}？"),
    (r"^No such command '(?P<a>.*)'\.$", "没有命令“{a}”。"),
    (r"^Got unexpected extra arguments? \((?P<a>.*)\)$", "多余的参数：{a}"),
    (r"^Option '(?P<a>.*)' requires an argument\.$", "选项 {a} 需要一个值。"),
    (r"^Option '(?P<a>.*)' requires (?P<b>\d+) arguments\.$", "选项 {a} 需要 {b} 个值。"),
    (r"^Option '(?P<a>.*)' does not take a value\.$", "选项 {a} 不接受值。"),
    (r"^(?P<a>[Ff]ile|[Dd]ir|[Dd]irectory|[Pp]ath) '(?P<b>.*)' does not exist\.$", "路径“{b}”不存在。"),
    (r"^(?P<a>[Ff]ile|[Pp]ath) '(?P<b>.*)' is a directory\.$", "“{b}”是目录，需要文件。"),
    (r"^(?P<a>[Dd]ir|[Dd]irectory|[Pp]ath) '(?P<b>.*)' is a file\.$", "“{b}”是文件，需要目录。"),
    (r"^(?P<a>[Ff]ile|[Dd]ir|[Dd]irectory|[Pp]ath) '(?P<b>.*)' is not readable\.$", "“{b}”不可读。"),
    (r"^Value '?(?P<a>.*?)'? is not a valid (?P<b>int|integer)\.$", "“{a}”不是整数。"),
    (r"^Value '?(?P<a>.*?)'? is not a valid (?P<b>float)\.$", "“{a}”不是数字。"),
    (r"^Input should be a valid integer.*$", "应为整数。"),
    (r"^Input should be a valid number.*$", "应为数字。"),
    (r"^Input should be a valid date.*$", "应为日期（如 2024-01-31）。"),
    (r"^Input should be (?P<a>'.*)$", "应为以下之一：{a}"),
    (r"^'?(?P<a>.*?)'? is not one of (?P<b>.*)\.$", "“{a}”不是可选值之一（{b}）。"),
)
"""English messages of Typer/Click (regular expression) → the Chinese shown instead; a message that
matches none is shown as it is."""
