"""Validators: GB 11643 IDs, old IDs, mobiles, bank cards, addresses; and masking."""

from __future__ import annotations

from datetime import date

import pytest

from hongxian.pii import (
    AddressLocator,
    excerpt,
    find_addresses,
    id18_check_digit,
    luhn_ok,
    mask_spans,
    mask_value,
    numbers_in,
    valid_card,
    valid_id15,
    valid_id18,
    valid_mobile,
)

GOOD_ID = "640104199003071236"
BAD_CHECK = "640104199003071230"


def kinds(text: str) -> list[tuple[str, str]]:
    return [(h.kind, h.value) for h in numbers_in(text, 0, len(text))]


def test_id18_check_digit_region_and_date():
    assert id18_check_digit("11010519491231002") == "X"
    assert valid_id18("11010519491231002X") and valid_id18(GOOD_ID)
    assert not valid_id18(BAD_CHECK)
    body = "990104199003071"  # province 99 does not exist
    assert not valid_id18(body + "23" + id18_check_digit(body + "23"))
    body = "64010419900230123"  # 30 February
    assert not valid_id18(body + id18_check_digit(body))
    body = "64010420990101123"  # born in the future
    assert not valid_id18(body + id18_check_digit(body), today=date(2026, 1, 1))


def test_id15_needs_province_and_date():
    assert valid_id15("640104900307123")
    assert not valid_id15("990104900307123") and not valid_id15("640104901307123")


@pytest.mark.parametrize(
    "text",
    [
        "13912340123",
        "+86 139 1234 0123",
        "86-139-1234-0123",
        "+8613912340123",
        "0086 13912340123",
        "139-1234-0123",
        "139 1234 0123",
    ],
)
def test_mobile_formats(text):
    assert kinds(f"电话{text}。") == [("mobile", "13912340123")]


def test_mobile_prefixes():
    assert valid_mobile("19912345678") and valid_mobile("16612345678")
    assert not valid_mobile("12012345678") and not valid_mobile("10012345678")


def test_cards_need_luhn():
    assert luhn_ok("6222021002123456787") and valid_card("6222021002123456787")
    assert not valid_card("6222021002123456788")
    assert kinds("卡号6222 0210 0212 3456 787") == [("card", "6222021002123456787")]
    assert not valid_card("1111111111111111")


def test_ids_inside_text_and_bad_check_digits():
    assert kinds(f"身份证{GOOD_ID}，") == [("id18", GOOD_ID)]
    assert kinds(f"身份证{BAD_CHECK}") == []
    assert kinds("身份证 640104 19900307 1236") == [("id18", GOOD_ID)]


def test_numbers_glued_to_letters_or_longer_runs_are_not_personal_data():
    assert kinds("运单SF13912340123") == []
    assert kinds("交易单号4200002316202406015821457731") == []
    assert kinds("订单2024060113912340123999") == []


def test_addresses_need_a_real_district_with_cpca():
    loc = AddressLocator()
    text = "投诉人家住武汉市洪山区珞喻路120号东湖小区8栋2单元501，别说出去"
    (a,) = find_addresses(text, loc)
    assert text[a.start : a.admin_end] == "武汉市洪山区" and text[a.admin_end : a.end].endswith("2单元501")
    assert a.residential and a.adcode == "420111"
    assert find_addresses("住在花园小区3栋", loc) == []  # no city/district: not identifiable
    assert find_addresses("会议地点：县政府三楼会议室", loc) == []


def test_mask_value_and_spans():
    assert mask_value(GOOD_ID, "id18") == "640104**********36"
    assert mask_value("11010519491231002X", "id18") == "110105**********2X"
    assert mask_value("13912340123", "mobile") == "139****0123"
    assert mask_value("6222021002123456787", "card") == "622202*********6787"
    text = "电话+86 139-1234-0123，卡号6222021002123456787"
    masked = mask_spans(text, [(2, 19, "mobile"), (22, 41, "card")])
    assert masked == "电话+86 139-****-0123，卡号622202*********6787"
    assert len(masked) == len(text)


def test_excerpt_window_for_long_text():
    text = "甲" * 500 + "讨论稿" + "乙" * 500
    ex, off = excerpt(text, [(500, 503)], limit=100)
    assert ex.startswith("…") and ex.endswith("…") and "讨论稿" in ex
    assert ex[1 + 500 - off : 1 + 503 - off] == "讨论稿"


def test_plain_pii_many_equals_one_by_one():
    """The vectorised check-digit/Luhn pre-test never changes a verdict: random runs of every length
    (with a share of valid IDs, cards and mobiles planted) give the same result as plain_pii."""
    import random

    from hongxian.pii import id18_check_digit, plain_pii, plain_pii_many

    rng = random.Random(5)
    runs = []
    for _ in range(6000):
        n = rng.choice([11, 13, 15, 16, 17, 18, 18, 18, 19, 20])
        run = "".join(rng.choice("0123456789") for _ in range(n))
        if n == 18 and rng.random() < 0.3:
            body = (
                rng.choice(["110101", "640104", "990101"])
                + f"{rng.randint(1950, 2005)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}"
                + run[14:17]
            )
            run = body + rng.choice([id18_check_digit(body), "x", "X", "0"])
        runs.append(run)
    assert plain_pii_many(runs) == [plain_pii(r) is not None for r in runs]
    assert 50 < sum(plain_pii_many(runs)) < 3000
