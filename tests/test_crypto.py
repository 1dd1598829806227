"""The keyring: refuses unsafe keys, binds each value to its place, and opens with older keys."""

from __future__ import annotations

import base64
import os

import pytest

from flows.classification import classify
from flows.missing_from_care import FLOW
from flows.schema import FlowDefinitionError, Level
from storage.crypto import DecryptError, KeyConfigError, Keyring, key_id
from tests.conftest import MINI_FLOW


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def fresh() -> str:
    return b64(os.urandom(32))


@pytest.mark.parametrize(
    ("keys", "says"),
    [
        ("", "no encryption key"),
        ("nokid", "kid:base64key"),
        (f"k1:{b64(os.urandom(16))}", "32 bytes"),
        (f"k1:{b64(bytes(32))}", "not random"),
        (f"k1:{b64(b'ab' * 16)}", "not random"),
        ("k1:not base64!", "not valid base64"),
        (f"k1:{b64(bytes(range(32)))}", "example key"),
        (f"k 1:{fresh()}", "key id"),
        (f"k1:{fresh()},k1:{fresh()}", "twice"),
    ],
)
def test_unsafe_or_malformed_keys_are_refused_without_echoing_them(keys: str, says: str) -> None:
    with pytest.raises(KeyConfigError) as refused:
        Keyring.parse(keys)
    assert says in str(refused.value)
    for part in keys.split(","):
        secret = part.partition(":")[2]
        if len(secret) > 8:
            assert secret not in str(refused.value)


def test_a_value_round_trips_exactly_even_with_emoji_rtl_and_combining_marks() -> None:
    ring = Keyring.generate()
    text = 'Dez 🏳️‍🌈 \u05e9\u05dc\u05d5\u05dd e\u0301 𝄞 "<b>&</b>"'
    stored = ring.seal_text(text, context="answer|value|1|aliases")
    assert text not in stored and stored.startswith("enc1:")
    assert ring.open_text(stored, context="answer|value|1|aliases") == text


def test_a_flipped_byte_does_not_open() -> None:
    ring = Keyring.generate()
    blob = bytearray(ring.seal(b"Type 1 diabetes", context="answer|value|1|medical"))
    blob[-5] ^= 0x01
    with pytest.raises(DecryptError):
        ring.open(bytes(blob), context="answer|value|1|medical")


@pytest.mark.parametrize(
    "elsewhere",
    ["answer|value|2|medical", "answer|value|1|child_name", "answer_change|new_value|1|medical"],
)
def test_a_ciphertext_moved_to_another_row_field_or_column_does_not_open(elsewhere: str) -> None:
    ring = Keyring.generate()
    blob = ring.seal(b"Type 1 diabetes", context="answer|value|1|medical")
    with pytest.raises(DecryptError):
        ring.open(blob, context=elsewhere)


def test_the_newest_key_seals_and_an_older_listed_key_still_opens() -> None:
    old_key, new_key, root = fresh(), fresh(), fresh()
    old = Keyring.parse(f"k1:{old_key}", derive=root)
    sealed_before = old.seal(b"Alvarez", context="photo|content|1")
    both = Keyring.parse(f"k2:{new_key}, k1:{old_key}", derive=root)
    assert key_id(both.seal(b"x", context="c")) == "k2"
    assert both.open(sealed_before, context="photo|content|1") == b"Alvarez"
    only_new = Keyring.parse(f"k2:{new_key}", derive=root)
    with pytest.raises(DecryptError):
        only_new.open(sealed_before, context="photo|content|1")


def test_derived_keys_survive_rotation_and_differ_by_purpose() -> None:
    root = fresh()
    before = Keyring.parse(f"k1:{fresh()}", derive=root)
    after = Keyring.parse(f"k2:{fresh()}", derive=root)
    assert before.derive("child-digest") == after.derive("child-digest")
    assert before.derive("child-digest") != before.derive("other")
    assert len(before.derive("child-digest")) == 32
    with pytest.raises(KeyConfigError):
        Keyring.parse(f"k1:{fresh()}").derive("child-digest")


def test_the_keyring_never_shows_its_keys() -> None:
    key = fresh()
    ring = Keyring.parse(f"k1:{key}")
    assert key not in repr(ring) and "k1" in repr(ring)


def test_every_field_of_the_real_flow_has_a_classification() -> None:
    levels = {name: FLOW.field(name).classification for name in FLOW.field_names()}
    assert all(levels.values()), [n for n, level in levels.items() if level is None]
    assert levels["child_name"] is Level.P2 and levels["date_of_birth"] is Level.P2
    assert levels["medical_condition_details"] is Level.P3 and levels["photo"] is Level.P3
    assert levels["placement_type"] is Level.P3  # foster-care status is a special category
    assert levels["last_seen_at"] is Level.P1


def test_a_field_left_out_of_the_table_or_a_sensitive_one_below_p3_is_refused() -> None:
    names = list(MINI_FLOW.field_names())
    with pytest.raises(FlowDefinitionError, match="has no classification"):
        classify(MINI_FLOW, p1=(), p2=names[1:], p3=())
    with pytest.raises(FlowDefinitionError, match="must be P3"):
        classify(MINI_FLOW, p1=(), p2=names, p3=())
    with pytest.raises(FlowDefinitionError, match="unknown field"):
        classify(MINI_FLOW, p1=("nope",), p2=names, p3=())
