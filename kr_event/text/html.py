"""HTML -> plain text (stdlib only), for documents that arrive as web pages or feed markup.

Only text that *looks* like HTML is touched (`looks_like_html`): Korean press text often uses
angle brackets for titles (`<2023 서울시 문화상>`), which must stay as they are. Tags are dropped,
script/style contents removed, entities unescaped, block elements become line breaks so that
sentences do not run together.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

_TAG_NAMES = (
    "html|head|body|title|meta|link|script|style|noscript|template|div|span|p|br|hr|a|b|i|u|em|"
    "strong|font|img|table|thead|tbody|tfoot|tr|td|th|ul|ol|li|dl|dt|dd|h[1-6]|section|article|"
    "header|footer|nav|aside|main|figure|figcaption|blockquote|pre|code|iframe|form|input|button|"
    "label|select|option|small|sub|sup|center"
)
_HTML_HINT = re.compile(rf"<!doctype\s+html|<!--|</?(?:{_TAG_NAMES})(?:\s[^<>]*)?/?>", re.I)
_SKIP = {"script", "style", "noscript", "template", "head"}
_KEEP_IN_HEAD = {"title"}
_BLOCK = {
    "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "thead", "tbody",
    "tfoot", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "nav",
    "aside", "main", "figure", "figcaption", "blockquote", "pre", "title", "form", "center",
}
_CELL = {"td", "th"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def looks_like_html(text: str) -> bool:
    """A known HTML tag, a comment or a doctype somewhere in the text."""
    return _HTML_HINT.search(text) is not None


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip: list[str] = []  # open elements whose content is dropped

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "body" and "head" in self.skip:  # an unclosed <head> ends where <body> starts
            self.skip.clear()
        if tag in _SKIP and tag not in _VOID:
            self.skip.append(tag)
        elif tag in _KEEP_IN_HEAD and self.skip == ["head"]:
            self.skip.append(tag)  # marker: <title> inside <head> is kept
        if tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append("\t")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skip:
            while self.skip and self.skip.pop() != tag:
                pass
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip or self.skip[-1] in _KEEP_IN_HEAD:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML document or fragment, entities unescaped, tidy whitespace."""
    parser = _Extractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(text: str) -> tuple[str, bool]:
    """(text without markup, whether it was HTML); non-HTML text comes back unchanged."""
    if not looks_like_html(text):
        return text, False
    return html_to_text(text), True
