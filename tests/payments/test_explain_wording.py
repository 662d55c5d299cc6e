"""Explanations say where the conduct falls against the event, not "during" when it came before."""

from __future__ import annotations

from datetime import date, datetime

from hongxian.detect.payments.explain import relative_to_event

ELECTION = (date(2017, 2, 15), date(2017, 2, 20))


def at(day: int, month: int = 2) -> datetime:
    return datetime(2017, month, day, 20, 0)


def test_money_before_the_vote_is_said_to_be_before_it():
    text = relative_to_event(at(11), at(11), *ELECTION, "村委会换届选举")
    assert text == "村委会换届选举（2017-02-15 至 02-20）前 4 天（2017-02-11）"
    assert "期间" not in text


def test_a_run_of_days_before_gives_the_range_of_days():
    assert relative_to_event(at(1), at(11), *ELECTION, "选举").startswith(
        "选举（2017-02-15 至 02-20）前 4～14 天"
    )


def test_inside_after_and_across():
    assert relative_to_event(at(16), at(18), *ELECTION, "选举") == "选举期间（2017-02-16 至 02-18）"
    assert relative_to_event(at(22), at(22), *ELECTION, "选举").startswith(
        "选举（2017-02-15 至 02-20）结束后 2 天"
    )
    assert relative_to_event(at(10), at(17), *ELECTION, "选举").startswith("选举（2017-02-15 至 02-20）前后")
