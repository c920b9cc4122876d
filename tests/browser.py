"""Helpers for the browser walks (Selenium, see conftest's `browser` and `browser_login`).

- `chinese_in(text)`: every Chinese character or Chinese punctuation mark in a text, with a
  little context — an English page must have none.
- `visible_text(driver)`: the page text a reader sees, without the parts that are Chinese on
  purpose (elements with a `lang="zh…"` attribute, e.g. "简体中文" in the language selector).
- `page_problems(driver, language)`: wider than the window, or (English) Chinese on the page.
- `walk_page(driver, url, language, width)`: open a page at a width and return its problems.
- `set_language(driver, base_url, code)`: choose the language as the header's selector does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# CJK ideographs (with extension A and compatibility), CJK symbols and punctuation (、。「」【】
# 《》…), fullwidth forms (，：；！？（）￥…), and the ellipsis/quotes Chinese text uses.
CHINESE = re.compile(
    "[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2026]+"
)

SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"

_VISIBLE_TEXT_JS = """
let text = document.body.innerText;
for (const el of document.querySelectorAll('body [lang]')) {
  if (el.getAttribute('lang').toLowerCase().startsWith('zh')) {
    const own = (el.innerText || el.textContent || '').trim();
    if (own) { text = text.split(own).join(' '); }
  }
}
return text;
"""

_WIDTH_JS = """
const doc = document.documentElement;
const wide = [];
for (const el of document.querySelectorAll('body *')) {
  const box = el.getBoundingClientRect();
  if (box.right > doc.clientWidth + 1 && getComputedStyle(el).position !== 'fixed') {
    let inScroller = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') {
        inScroller = true; break;
      }
    }
    if (!inScroller && box.width > 0) {
      wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
                ' right=' + Math.round(box.right));
    }
  }
}
return [doc.scrollWidth, doc.clientWidth, wide.slice(0, 5)];
"""


def chinese_in(text: str, context: int = 12) -> list[str]:
    """Each run of Chinese characters or punctuation in `text`, with `context` characters around."""
    found = []
    for match in CHINESE.finditer(text):
        start, end = max(0, match.start() - context), match.end() + context
        found.append(text[start:end].replace("\n", " ⏎ "))
    return found


def visible_text(driver: Any) -> str:
    return str(driver.execute_script(_VISIBLE_TEXT_JS))


def page_width(driver: Any) -> tuple[int, int, list[str]]:
    """(document width, window's layout width, up to five elements sticking out)."""
    scroll_width, client_width, wide = driver.execute_script(_WIDTH_JS)
    return int(scroll_width), int(client_width), list(wide)


def page_problems(driver: Any, language: str) -> list[str]:
    """What is wrong with the page shown: wider than the screen; Chinese on an English page."""
    problems = []
    scroll_width, client_width, wide = page_width(driver)
    if scroll_width > client_width:
        problems.append(f"{scroll_width} px wide on a {client_width} px screen: {wide}")
    if language == "en":
        title = str(driver.title)
        for snippet in chinese_in(title) + chinese_in(visible_text(driver)):
            problems.append(f"Chinese on an English page: …{snippet}…")
    return [f"{driver.current_url}: {problem}" for problem in problems]


def set_window_width(driver: Any, width: int, height: int = 900) -> None:
    driver.set_window_size(width, height)
    # Chrome's window size includes its frame: make the page's viewport exactly `width`.
    inner = int(driver.execute_script("return window.innerWidth"))
    if inner != width:
        driver.set_window_size(width + (width - inner), height)


def set_language(driver: Any, base_url: str, code: str) -> None:
    """Choose the language the way the header's selector does (it sets the language cookie)."""
    from django.conf import settings

    driver.get(base_url + "/accounts/login/")
    driver.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "path": "/"})


def screenshot(driver: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def walk_page(driver: Any, url: str, language: str, shot: str | None = None) -> list[str]:
    """Open `url` and report its problems (see `page_problems`); a screenshot if `shot`."""
    driver.get(url)
    if shot:
        screenshot(driver, shot)
    return page_problems(driver, language)
