"""Normalisation: what the matcher sees, and offsets that point back at the original text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hongxian.normalize import normalize, normalize_many


def _orig(text: str, needle: str) -> str:
    n = normalize(text)
    i = n.text.index(needle)
    a, b = n.span(i, i + len(needle))
    return text[a:b]


def test_plain_text_is_untouched_and_identity_mapped():
    n = normalize("明天上午开会，讨论一下方案。")
    assert n.text == n.original and n.src is None and n.span(2, 4) == (2, 4)


def test_traditional_to_simplified_keeps_offsets():
    n = normalize("今晚發紅包")
    assert n.text == "今晚发红包" and n.span(3, 5) == (3, 5)


def test_separators_between_cjk_are_dropped_and_mapped_back():
    for text in ("红 包", "红-包", "红.包", "红*包", "红\u200b包", "紅 - 包", "红\u3000包"):
        assert "红包" in normalize(text).text, text
        assert _orig("晚上发" + text + "了", "红包")[0] == text[0]
        assert _orig("晚上发" + text + "了", "红包")[-1] == text[-1]


def test_separators_elsewhere_are_kept():
    assert normalize("iPhone 15 Pro").text == "iPhone 15 Pro"
    assert normalize("会议 8:30 开始").text == "会议 8:30 开始"
    assert normalize("电话 138-1234-5678").text == "电话 138-1234-5678"


def test_fullwidth_digits_and_letters_become_ascii():
    n = normalize("快３开奖ＰＫ１０")
    assert n.text == "快3开奖PK10" and n.src is None


def test_nfkc_expansions_map_every_char_to_its_source():
    n = normalize("㊙密文件")
    assert n.text == "秘密文件"
    n = normalize("a㍻b")
    assert n.text == "a平成b" and n.span(1, 3) == (1, 2)


def test_marks_join_across_spaces():
    assert normalize("秘密 ★ 1年").text == "秘密★ 1年"


def test_controls_removed_newlines_kept():
    n = normalize("第一行\n第二\x07行\u200d")
    assert n.text == "第一行\n第二行"
    assert n.span(5, 6) == (5, 6) and n.span(6, 7) == (7, 8)


def test_emoji_pass_through():
    n = normalize("收到👍谢谢")
    assert n.text == "收到👍谢谢"


def test_batch_equals_single_including_inner_newlines():
    texts = ["紅包", "好 的", "多行\n文本 红 包", "", "OK", "❤️谢谢", "普通消息"]
    batch = normalize_many(texts)
    for i, t in enumerate(texts):
        single = normalize(t)
        assert batch.texts[i] == single.text
        assert batch.get(i, t).src == single.src
    assert batch.blob == "\n".join(batch.texts)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet="红包紅發 -.*\u200b\n１ab★秘密㊙😂，𠀀⼈\ufe0f㍻\t·", max_size=12),
        min_size=1,
        max_size=8,
    )
)
def test_spans_always_land_inside_the_original(texts):
    batch = normalize_many(texts)
    for i, t in enumerate(texts):
        n = batch.get(i, t)
        assert batch.texts[i] == normalize(t).text
        for a in range(len(n.text)):
            s, e = n.span(a, a + 1)
            assert 0 <= s < e <= len(t)


def test_keycap_digits_become_digits():
    text = "他电话1️⃣3️⃣9️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣"
    n = normalize(text)
    assert n.text == "他电话13912345678"
    s, e = n.span(3, 14)
    assert text[s:e] == text[3:-2]  # up to the last digit; its keycap marks trail
