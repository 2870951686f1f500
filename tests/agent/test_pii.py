"""PII masking: valid numbers are masked, near misses (bad checksum, wrong length/prefix) are left alone."""

from __future__ import annotations

from agent_support import id_card, luhn_complete

from agent.pii import id_card_valid, luhn_valid, mask_pii, mask_structure

ID = id_card("11010519491231002")          # -> ...002X (the check character is X)
ID2 = id_card("44030419900307123")
CARD16 = luhn_complete("622202123456789")
CARD19 = luhn_complete("621700123456789012")


def _bad_check(number: str) -> str:
    """The number with a wrong last character that also fails the other check (an 18-digit near-miss ID
    that happened to pass Luhn would rightly be masked as a card)."""
    body = number[:-1]
    for d in "0123456789":
        candidate = body + d
        if candidate not in (number, luhn_complete(body)) and (len(candidate) != 18 or candidate != id_card(body)):
            return candidate
    raise AssertionError("unreachable")


def test_known_check_values():
    # Published example ID 11010519491231002X; the first Visa test number 4111 1111 1111 1111.
    assert ID == "11010519491231002X" and id_card_valid(ID)
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


def test_mobile_numbers():
    assert mask_pii("电话13812345678") == "电话138****5678"
    assert mask_pii("call 138-1234-5678 now") == "call 138****5678 now"
    assert mask_pii("+86 138 1234 5678") == "+86 138****5678"
    assert mask_pii("１３８１２３４５６７８") == "１３８****５６７８"  # full-width digits from a Chinese IME


def test_mobile_near_misses_are_kept():
    for text in ("12812345678", "1381234567", "138123456789", "SO13812345678", "13812345678abc", "10013812345"):
        assert mask_pii(text) == text


def test_id_cards():
    assert mask_pii(f"身份证号{ID}。") == "身份证号1101**********002X。"
    assert mask_pii(f"id {ID.lower()}") == "id 1101**********002x"
    assert mask_pii(ID2) == ID2[:4] + "*" * 10 + ID2[-4:]


def test_id_card_near_misses_are_kept():
    for text in (_bad_check(ID2), _bad_check(ID2)[:-1], ID2 + "1"):
        assert mask_pii(text) == text, text


def test_bank_cards():
    assert mask_pii(f"卡号{CARD16}") == f"卡号{CARD16[:6]}******{CARD16[-4:]}"
    grouped = " ".join(CARD16[i : i + 4] for i in range(0, 16, 4))
    assert mask_pii(f"card {grouped}.") == f"card {CARD16[:6]}******{CARD16[-4:]}."
    assert mask_pii(CARD19) == CARD19[:6] + "*" * 9 + CARD19[-4:]


def test_bank_card_near_misses_are_kept():
    for text in (_bad_check(CARD16), _bad_check(CARD19), luhn_complete("62220212345678")):  # 15 digits: too short
        assert mask_pii(text) == text, text


def test_emails():
    assert mask_pii("mail zhang.san@example.com.cn ok") == "mail z***@example.com.cn ok"
    assert mask_pii("not@an-email") == "not@an-email"


def test_everything_in_one_text_and_idempotent():
    text = f"王先生 13912345678，身份证{ID}，卡 {CARD16}，邮箱 wang@corp.cn，订单号 20240307123456"
    masked = mask_pii(text)
    for secret in ("13912345678", ID, CARD16, "wang@corp.cn"):
        assert secret not in masked
    assert "20240307123456" in masked  # an order number is not PII
    assert mask_pii(masked) == masked


def test_structures():
    data = {"note": "电话 13812345678", "phone": 13812345678, "amount": 1200000, "items": [{"card": CARD16}], "ok": True, "x": None}
    masked = mask_structure(data)
    assert masked == {"note": "电话 138****5678", "phone": "138****5678", "amount": 1200000,
                      "items": [{"card": CARD16[:6] + "******" + CARD16[-4:]}], "ok": True, "x": None}
    assert data["note"] == "电话 13812345678"  # the input is not modified
