"""Why poscare implements WeChat's message encryption itself: this compares
`channels/wechat_crypto.py` (documented protocol on `cryptography`) with wechatpy 1.8.18 (last
release 2021-11). Not part of `make bench` (wechatpy is not a dependency); run it in a
throwaway environment:

    python3 -m venv /tmp/wx && /tmp/wx/bin/pip install wechatpy==1.8.18 cryptography==50.0.2
    /tmp/wx/bin/python bench/wechat_crypto_vs_wechatpy.py

It checks that each side opens the other's envelopes (interoperability), then times 10,000
seal + open round trips of a typical text message with each."""

from __future__ import annotations

import base64
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "channels"))
import wechat_crypto as ours  # noqa: E402
from wechatpy.crypto import WeChatCrypto  # noqa: E402

TOKEN, APP_ID = "token", "wx1234567890abcdef"
KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")
XML = (
    "<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[o-1]]></FromUserName>"
    "<CreateTime>1764700000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[刷卡显示51是什么意思]]></Content><MsgId>1</MsgId></xml>"
)
ROUNDS = 10_000


def theirs_round_trip(crypto: WeChatCrypto) -> str:
    sealed = crypto.encrypt_message(XML, "nonce", "1764700000")
    encrypted = sealed.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    signature = ours.signature(TOKEN, "1764700000", "nonce", encrypted)
    envelope = f"<xml><ToUserName>gh_x</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    return crypto.decrypt_message(envelope, signature, "1764700000", "nonce")


def main() -> None:
    crypto = WeChatCrypto(TOKEN, KEY, APP_ID)
    # Interoperability, both ways.
    sealed_by_them = crypto.encrypt_message(XML, "n", "1").split("<Encrypt><![CDATA[")[1]
    assert ours.decrypt(sealed_by_them.split("]]>")[0], KEY, APP_ID) == XML
    sealed_by_us = ours.encrypt(XML, KEY, APP_ID)
    sig = ours.signature(TOKEN, "1764700000", "nonce", sealed_by_us)
    envelope = (
        f"<xml><ToUserName>gh_x</ToUserName><Encrypt><![CDATA[{sealed_by_us}]]></Encrypt></xml>"
    )
    assert crypto.decrypt_message(envelope, sig, "1764700000", "nonce") == XML

    started = time.perf_counter()
    for _ in range(ROUNDS):
        ours.decrypt(ours.encrypt(XML, KEY, APP_ID), KEY, APP_ID)
    ours_us = (time.perf_counter() - started) / ROUNDS * 1e6
    started = time.perf_counter()
    for _ in range(ROUNDS):
        theirs_round_trip(crypto)
    theirs_us = (time.perf_counter() - started) / ROUNDS * 1e6
    print(
        json.dumps(
            {
                "interoperable": True,
                "rounds": ROUNDS,
                "poscare_round_trip_us": round(ours_us, 1),
                "wechatpy_round_trip_us": round(theirs_us, 1),
                "note": "wechatpy's round trip also parses the XML envelope (xmltodict)",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
