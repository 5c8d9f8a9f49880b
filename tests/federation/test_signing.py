from __future__ import annotations

import time

import pytest

from pakn.federation.signing import BadSignature, signature, signed_headers, verify

BODY = '{"event_id":"e1","status":"answered","note":"Đã trả lời"}'.encode()


def _verify(headers: dict[str, str], secrets: list[str], body: bytes = BODY, **kw: float) -> None:
    verify(
        secrets=secrets,
        timestamp=headers["X-PAKN-Timestamp"],
        signature_header=headers["X-PAKN-Signature"],
        body=body,
        **kw,
    )


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert signature("k", "1700000000", BODY) == f"v1={expected}"


def test_good_signature_is_accepted():
    _verify(signed_headers(secret="khoá", body=BODY), ["khoá"])


def test_wrong_secret_is_refused():
    with pytest.raises(BadSignature, match="Chữ ký không đúng"):
        _verify(signed_headers(secret="khoá-khác", body=BODY), ["khoá"])


def test_tampered_body_is_refused():
    headers = signed_headers(secret="khoá", body=BODY)
    with pytest.raises(BadSignature):
        _verify(headers, ["khoá"], body=BODY.replace(b"answered", b"published"))


def test_signature_from_more_than_five_minutes_ago_is_refused():
    headers = signed_headers(secret="khoá", body=BODY, now=time.time() - 301)
    with pytest.raises(BadSignature, match="quá hạn"):
        _verify(headers, ["khoá"])


def test_signature_from_the_future_beyond_the_window_is_refused():
    headers = signed_headers(secret="khoá", body=BODY, now=time.time() + 400)
    with pytest.raises(BadSignature):
        _verify(headers, ["khoá"])


def test_signature_within_the_window_is_accepted():
    _verify(signed_headers(secret="khoá", body=BODY, now=time.time() - 290), ["khoá"])


def test_previous_secret_is_still_accepted_during_rotation():
    old = signed_headers(secret="khoá-cũ", body=BODY)
    new = signed_headers(secret="khoá-mới", body=BODY)
    _verify(old, ["khoá-mới", "khoá-cũ"])
    _verify(new, ["khoá-mới", "khoá-cũ"])
    with pytest.raises(BadSignature):
        _verify(old, ["khoá-mới"])  # once the old one is removed it stops working


def test_missing_or_malformed_headers_are_refused():
    with pytest.raises(BadSignature, match="X-PAKN-Timestamp"):
        verify(secrets=["k"], timestamp="hôm qua", signature_header="v1=00", body=BODY)
    with pytest.raises(BadSignature, match="Thiếu chữ ký"):
        verify(secrets=["k"], timestamp=str(int(time.time())), signature_header="", body=BODY)
