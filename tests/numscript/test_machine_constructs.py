"""Each construct of the machine engine, with the exact postings the release books."""

from __future__ import annotations

from tests.numscript.support import postings, run

SPLIT = """vars {
  account $buyer
  monetary $price
  portion $fee
}
send $price (
  source = $buyer
  destination = {
    $fee to @platform:fees
    remaining to @seller
  }
)
"""


def test_portion_variable_and_remaining_split():
    got = postings(SPLIT, {"buyer": "users:1", "price": "USD/2 1000", "fee": "2.5%"}, {"users:1": {"USD/2": 5000}})
    assert got == [("users:1", "platform:fees", 25, "USD/2"), ("users:1", "seller", 975, "USD/2")]


def test_fraction_rounding_gives_leftover_units_to_the_first_parts():
    script = "send [COIN 10] (\n source = @world\n destination = {\n  1/3 to @a\n  1/3 to @b\n  1/3 to @c\n }\n)"
    assert postings(script) == [("world", "a", 4, "COIN"), ("world", "b", 3, "COIN"), ("world", "c", 3, "COIN")]


def test_fraction_with_spaces_is_one_portion():
    script = "send [COIN 10] (\n source = @world\n destination = {\n  1 / 2 to @a\n  remaining to @b\n }\n)"
    assert postings(script) == [("world", "a", 5, "COIN"), ("world", "b", 5, "COIN")]


def test_send_expression_adds_and_subtracts_monetaries():
    script = "send [COIN 10] + [COIN 5] - [COIN 3] (\n source = @world\n destination = @a\n)"
    assert postings(script) == [("world", "a", 12, "COIN")]


def test_nested_ordered_sources_and_max():
    script = """send [COIN 30] (
  source = {
    {
      max [COIN 5] from @a
      @b
    }
    @c
  }
  destination = @d
)"""
    balances = {"a": {"COIN": 100}, "b": {"COIN": 10}, "c": {"COIN": 100}}
    assert postings(script, balances=balances) == [
        ("a", "d", 5, "COIN"),
        ("b", "d", 10, "COIN"),
        ("c", "d", 15, "COIN"),
    ]


def test_bounded_overdraft_takes_down_to_the_floor():
    script = (
        "send [COIN 15] (\n source = {\n  @a allowing overdraft up to [COIN 10]\n  @world\n }\n destination = @b\n)"
    )
    assert postings(script, balances={"a": {"COIN": 2}}) == [("a", "b", 12, "COIN"), ("world", "b", 3, "COIN")]


def test_in_order_destination_with_kept_remaining():
    script = "send [COIN 10] (\n source = @a\n destination = {\n  max [COIN 4] to @b\n  remaining kept\n }\n)"
    assert postings(script, balances={"a": {"COIN": 10}}) == [("a", "b", 4, "COIN")]


def test_destination_listed_before_source():
    script = "send [COIN 1] (\n destination = @b\n source = @world\n)"
    assert postings(script) == [("world", "b", 1, "COIN")]


def test_zero_amount_posts_a_zero_from_the_first_source():
    assert postings("send [COIN 0] (\n source = @a\n destination = @b\n)") == [("a", "b", 0, "COIN")]


def test_zero_share_of_a_source_allotment():
    script = "send [COIN 0] (\n source = {\n  1/2 from @s1\n  1/2 from @s2\n }\n destination = @world\n)"
    assert postings(script) == [("s1", "world", 0, "COIN")]


def test_empty_ordered_sources_post_zeros_before_the_payer():
    script = "send [COIN 5] (\n source = {\n  @a\n  @b\n }\n destination = @c\n)"
    assert postings(script, balances={"b": {"COIN": 5}}) == [("a", "c", 0, "COIN"), ("b", "c", 5, "COIN")]


def test_metadata_encodings_of_every_type():
    script = """vars {
  portion $p
  monetary $m
  number $n
}
send [COIN 1] (
  source = @world
  destination = @a
)
set_tx_meta("account", @a)
set_tx_meta("asset", COIN)
set_tx_meta("number", 1 + $n)
set_tx_meta("string", "say \\"hi\\"")
set_tx_meta("monetary", $m)
set_tx_meta("portion", $p)
set_tx_meta("whole", 100%)
set_account_meta(@a, "fee", 12.5%)
"""
    result = run(script, {"p": "2/4", "m": "EUR/2 -0", "n": "41"})
    assert result.transaction_metadata == {
        "account": "a",
        "asset": "COIN",
        "number": "42",
        "string": 'say "hi"',
        "monetary": "EUR/2 0",
        "portion": "1/2",
        "whole": "1/1",
    }
    assert result.account_metadata == {"a": {"fee": "1/8"}}


def test_meta_origin_of_every_type():
    script = """vars {
  monetary $m = meta(@cfg, "m")
  number $n = meta(@cfg, "n")
  asset $a = meta(@cfg, "a")
  string $s = meta(@cfg, "s")
}
send $m (
  source = @world
  destination = @x
)
set_tx_meta("n", $n)
set_tx_meta("a", $a)
set_tx_meta("s", $s)
"""
    meta = {"cfg": {"m": "USD 7", "n": " 12 ", "a": "EUR/2", "s": "hello"}}
    result = run(script, ledger_metadata=meta)
    assert [p.amount for p in result.postings] == [7]
    assert result.transaction_metadata == {"n": "12", "a": "EUR/2", "s": "hello"}


def test_save_only_touches_balances_the_script_reads():
    script = "save [COIN 5] from @b\nsend [COIN 5] (\n source = @a\n destination = @b\n)"
    assert postings(script, balances={"a": {"COIN": 5}, "b": {"COIN": 5}}) == [("a", "b", 5, "COIN")]


def test_credits_reach_a_later_source():
    script = (
        "send [COIN 5] (\n source = @world\n destination = @a\n)\nsend [COIN 5] (\n source = @a\n destination = @b\n)"
    )
    assert postings(script) == [("world", "a", 5, "COIN"), ("a", "b", 5, "COIN")]


def test_comments_blank_lines_and_crlf():
    script = (
        "/* a /* nested */ comment */\r\n\r\nsend [COIN 1] (\r\n // here\r\n"
        " source = @world\r\n destination = @a\r\n)\r\n\r\n"
    )
    assert postings(script) == [("world", "a", 1, "COIN")]


def test_execution_does_not_change_the_ledger_or_the_program():
    balances = {"users:1": {"USD/2": 5000}}
    variables = {"buyer": "users:1", "price": "USD/2 1000", "fee": "2.5%"}
    first = run(SPLIT, variables, balances)
    assert run(SPLIT, variables, balances) == first
    assert balances == {"users:1": {"USD/2": 5000}}
