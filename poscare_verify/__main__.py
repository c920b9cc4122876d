"""Command line: python -m poscare_verify receipt.json --key VKEY (exit 0 = verified)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from poscare_verify.receipt import ReceiptError, parse_receipt, report, verify_receipt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="poscare_verify",
        description="验证 poscare 存证回执 / verify a poscare ledger receipt",
    )
    parser.add_argument("receipt", type=Path, help="receipt.json")
    parser.add_argument("--key", required=True, help="verifier key (name+keyid+base64)")
    args = parser.parse_args(argv)
    try:
        raw = args.receipt.read_bytes()
    except OSError as error:
        print(f"✘ 无法读取回执 / cannot read the receipt: {error}", file=sys.stderr)
        return 2
    try:
        verified = verify_receipt(parse_receipt(raw), args.key)
    except ReceiptError as error:
        print(f"✘ 验证失败：{error.zh}\n  NOT verified: {error.en}", file=sys.stderr)
        return 1
    print("\n".join(report(verified)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
