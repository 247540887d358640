"""A check that text is HTML Telegram's Bot API accepts (its parse_mode=HTML subset)."""

from __future__ import annotations

from html.parser import HTMLParser

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "blockquote",
    "tg-emoji",
}


class TelegramHtmlChecker(HTMLParser):
    """Fail on tags Telegram does not accept, unbalanced tags and stray '<' or '&'."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        assert tag in ALLOWED_TAGS, f"tag <{tag}> is not allowed by Telegram"
        if tag == "a":
            assert [name for name, _ in attrs] == ["href"], attrs
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> in {self.stack}"
        self.stack.pop()

    def handle_data(self, data):
        assert "<" not in data and ">" not in data and "&" not in data, data
        self.text += data

    def handle_entityref(self, name):
        assert name in {"lt", "gt", "amp", "quot"}, f"&{name}; is not supported by Telegram"

    def handle_charref(self, name):
        pass


def check_telegram_html(text: str) -> None:
    """Assert ``text`` is HTML Telegram accepts."""
    checker = TelegramHtmlChecker()
    checker.feed(text)
    checker.close()
    assert not checker.stack, f"unclosed tags {checker.stack}"
