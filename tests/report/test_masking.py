from hongxian.report.masking import builtin_mask_text, make_masker


def test_masks_phone_id_card_landline():
    text = (
        "电话13812345678，+86 139-1234-5678，身份证110101199003071234，"
        "卡号6222 0212 3456 7890，座机0571-87654321"
    )
    out = builtin_mask_text(text)
    assert "13812345678" not in out and "138****5678" in out
    assert "1234-5678" not in out and "139****5678" in out
    assert "110101199003071234" not in out and "110101********1234" in out
    assert "0212 3456" not in out and "6222 **** **** 7890" in out
    assert "87654321" not in out


def test_masking_is_idempotent_and_leaves_amounts_dates_and_long_ids():
    text = "2024-02-08 10:00 收到 1,215.00 元，交易单号 4200001234567890123456789，电话 13812345678"
    once = builtin_mask_text(text)
    assert builtin_mask_text(once) == once
    assert "2024-02-08 10:00" in once and "1,215.00" in once
    assert "4200001234567890123456789" in once


def test_make_masker_handles_none_and_can_be_disabled():
    assert make_masker()(None) == ""
    assert make_masker(enabled=False)("13812345678") == "13812345678"
    assert make_masker()("13812345678") == "138****5678"


def test_valid_numbers_are_masked_like_finding_excerpts():
    mask = make_masker()
    out = mask("身份证 11010519491231002X，卡 6222021234567890128")
    assert "11010519491231002X" not in out and out.startswith("身份证 110105")
    assert "6222021234567890128" not in out and "0128" in out


def test_date_ranges_in_file_names_are_not_cards():
    name = "微信支付账单流水文件(20170101-20170228).xlsx"
    assert builtin_mask_text(name) == name
    assert builtin_mask_text("卡号 6222-0212-3456-7890") == "卡号 6222 **** **** 7890"


def test_an_id_with_a_wrong_check_digit_is_still_masked_everywhere_it_is_shown():
    """A mistyped ID still names a person: masked by its layout in excerpts, reports and the
    self-check, one character for one (spans stay valid); a date range in a file name is not an ID."""
    from hongxian.pii import mask_text
    from hongxian.selfcheck import SelfChecker

    bad = "110101199001011234"  # check digit should be 7
    text = f"张三身份证号{bad}，电话13912345678"
    masked = mask_text(text)
    assert bad not in masked and "110101**********34" in masked and len(masked) == len(text)
    assert mask_text("文件20170101-20170228.pdf") == "文件20170101-20170228.pdf"
    from hongxian.detect import default_registry
    from hongxian.rulebook.loader import load_rulebook

    registry = default_registry()
    hits = SelfChecker(load_rulebook(registry.params_models()), registry).check(text)
    assert hits and all(bad not in h.excerpt for h in hits)
