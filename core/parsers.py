"""The API's request parsers: DRF's, hardened against bodies built to crash them.

A JSON body of 100,000 nested `[` makes Python's decoder raise RecursionError, which DRF
does not expect (a 500). Here it is the same clear 400 as any other malformed body.
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MALFORMED = "请求体不是有效的 JSON（嵌套过深）/ The body is not valid JSON (nested too deeply)."


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(MALFORMED) from None
