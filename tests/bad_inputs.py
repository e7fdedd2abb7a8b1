"""The bad-input corpus: what a phone (or a malicious client) can send the bot. Used by
tests/test_bad_input_e2e.py, which sends every entry through the real bot process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Nasty:
    name: str
    content: dict[str, Any]  # the message's content: text=…, or sticker=…, photo=…
    letters: bool = True  # False: nothing to detect a language from, so the phone's is used


def text(name: str, value: str, letters: bool = True) -> Nasty:
    return Nasty(name, {"text": value}, letters)


def file(kind: str, **extra: Any) -> dict[str, Any]:
    return {"file_id": f"{kind}-id", "file_unique_id": f"{kind}-unique", **extra}


TEXTS: list[Nasty] = [
    # Nothing, or nothing visible
    text("empty", "", letters=False),
    text("space", " ", letters=False),
    text("whitespace", "\n\n\t  \r\n", letters=False),
    text("zero width space", "\u200b", letters=False),
    text("zero width mix", "\u200b\u200c\u200d\ufeff\u2060", letters=False),
    text("only combining marks", "\u0301\u0302\u0303", letters=False),
    text("nbsp", "\u00a0\u2003\u3000", letters=False),
    # Very long
    text("4096 letters", "a" * 4096),
    text("4096 words", ("Deutschkurs " * 342)[:4096]),
    text("10000 letters", "x" * 10_000),
    text("10000 Arabic", "مرحبا " * 1700),
    text("one long word", "Deutschkursanmeldungsformular" * 150),
    text("many lines", "Hallo\n" * 800),
    # Control, bidi and invisible characters
    text("null byte", "\x00", letters=False),
    text("null inside", "Hallo\x00Welt"),
    text("control characters", "\x00\x01\x02\x07\x08\x1b\x7f", letters=False),
    text("ansi escape", "\x1b[31mDeutschkurs\x1b[0m"),
    text("right to left override", "\u202eDeutschkurs\u202c"),
    text("reversed text", "\u202esruhcstueD"),
    text("bidi isolates", "\u2067مرحبا\u2069 \u2066hello\u2069"),
    text("left to right mark", "\u200eمرحبا\u200f"),
    text("zero width inside", "Deu\u200btsch\u200bkurs"),
    text("zalgo", "D̴̛͚e̷u̸t̶s̵c̴h̷k̸u̶r̵s̴"),
    text("byte order mark", "\ufeffHallo"),
    text("line separator", "Hallo\u2028Welt\u2029"),
    # Markup
    text("html bold", "<b>Deutschkurs</b>"),
    text("html script", "<script>alert('x')</script>"),
    text("html link", '<a href="javascript:alert(1)">klick</a>'),
    text("html entity", "&lt;b&gt; &amp; &#x202e;"),
    text("markdown", "*fett* _kursiv_ `code` [link](http://example.org)"),
    text("markdown code block", "```\nDeutschkurs\n```"),
    text("markdown v2 specials", "_*[]()~`>#+-=|{}.!\\", letters=False),
    text("unclosed markdown", "*Deutschkurs"),
    text("backslashes", "\\\\\\ \\n \\u202e"),
    # Injections
    text("sql drop", "'; DROP TABLE questions; --"),
    text("sql or", "1' OR '1'='1"),
    text("bobby tables", "Robert'); DROP TABLE users;--"),
    text("sql select", "SELECT * FROM users WHERE 1=1"),
    text("sql comment", "Deutschkurs /* */ -- ;"),
    text("format braces", "{phone} {email} {0} {}"),
    text("percent format", "%s %d %(phone)s %n"),
    text("template", "{{7*7}} ${7*7} #{7*7}"),
    text("log4j", "${jndi:ldap://127.0.0.1/a}"),
    text("path traversal", "../../../../etc/passwd"),
    text("json", '{"text": "Deutschkurs", "intent": "greet"}'),
    text("yaml", "- intent: greet\n  examples: |\n    - hi"),
    text("rasa markup", "[Deutschkurs](course) bitte"),
    text("shell", "$(rm -rf /) `reboot`; | cat /etc/shadow"),
    text("newlines in question", "Deutsch\nkurs\r\n?"),
    # Emoji and symbols
    text("emoji flood", "😀" * 1000, letters=False),
    text("flag flood", "🇩🇪🇺🇦🇸🇾" * 300, letters=False),
    text("family emoji flood", "👨‍👩‍👧‍👦" * 300, letters=False),
    text("one thumbs up", "👍", letters=False),
    text("skin tones", "👋🏽👋🏿👋🏻", letters=False),
    text("question marks", "???", letters=False),
    text("dots", "...", letters=False),
    text("digits", "0123456789", letters=False),
    text("phone number", "+49 170 1234567", letters=False),
    text("math symbols", "∑∫√∞≠≈", letters=False),
    # Scripts and mixtures
    text("mixed scripts", "Deutschkurs مرحبا Привет"),
    text("four scripts", "Привет hello مرحبا 你好"),
    text("chinese", "你好，请问德语课在哪里？"),
    text("japanese", "こんにちは、ドイツ語のコースはどこですか"),
    text("korean", "안녕하세요 독일어 수업"),
    text("hindi", "नमस्ते, जर्मन कोर्स कहाँ है?"),
    text("amharic", "ሰላም የጀርመን ቋንቋ ትምህርት"),
    text("pashto", "سلام، د آلماني ژبې کورس چیرته دی؟"),
    text("kurdish sorani", "سڵاو، کۆرسی ئەڵمانی لە کوێیە؟"),
    text("arabic tatweel", "مـــرحـــبا"),
    text("arabic presentation forms", "ﻣﺮﺣﺒﺎ"),
    text("fullwidth latin", "Ｄｅｕｔｓｃｈｋｕｒｓ"),
    text("cyrillic homoglyph", "Dеutschkurs"),
    text("math bold letters", "𝐃𝐞𝐮𝐭𝐬𝐜𝐡𝐤𝐮𝐫𝐬"),
    text("url", "https://example.org/?q=Deutschkurs"),
    text("email address", "ich@example.org"),
    # Commands
    text("start with unknown language", "/start xx"),
    text("start with long argument", "/start " + "a" * 200),
    text("start with bot name", "/start@vs_integration_bot"),
    text("unknown command", "/foo"),
    text("slash only", "/", letters=False),
    text("command upper case", "/START"),
    text("language with arguments", "/language de fr"),
    text("staff command in private", "/inbox"),
    text("stats in private", "/stats"),
    text("command with sql", "/start '; DROP TABLE users; --"),
]

NON_TEXT: list[Nasty] = [
    Nasty(
        "sticker",
        {
            "sticker": file(
                "sticker", width=512, height=512, is_animated=False, is_video=False, type="regular"
            )
        },
        False,
    ),
    Nasty("animation", {"animation": file("animation", width=1, height=1, duration=1)}, False),
    Nasty("location", {"location": {"latitude": 48.06, "longitude": 8.46}}, False),
    Nasty(
        "venue",
        {
            "venue": {
                "location": {"latitude": 48.06, "longitude": 8.46},
                "title": "x",
                "address": "y",
            }
        },
        False,
    ),
    Nasty("contact", {"contact": {"phone_number": "+491701234567", "first_name": "A"}}, False),
    Nasty(
        "poll",
        {
            "poll": {
                "id": "1",
                "question": "?",
                "options": [],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        },
        False,
    ),
    Nasty("dice", {"dice": {"emoji": "🎲", "value": 6}}, False),
    Nasty("voice", {"voice": file("voice", duration=3)}, False),
    Nasty("audio", {"audio": file("audio", duration=3)}, False),
    Nasty("video note", {"video_note": file("video_note", length=1, duration=1)}, False),
    Nasty("video", {"video": file("video", width=1, height=1, duration=1)}, False),
    Nasty("photo", {"photo": [file("photo", width=1, height=1)]}, False),
    Nasty(
        "photo with caption",
        {"photo": [file("photo2", width=1, height=1)], "caption": "Deutschkurs?"},
        False,
    ),
    Nasty("document", {"document": file("document", file_name="a.pdf")}, False),
    Nasty("empty photo list", {"photo": []}, False),
]

# Callback data a modified client can send with a button press on the bot's message.
CALLBACK_DATA: list[str] = [
    "", "x", "lang:", "lang:xx", "lang:de:extra", "lang:ع", "topic:", "topic:../../etc",
    "forget:maybe", "forget:", "menu:x", "fb:down", "fb:down:ask_contact:101",
    "fb:up:greet:50", "fb:down:ask_contact:-1", "fb:sideways:ask_contact:50",
    "label:1:spam", "inbox:abc", "inbox:1", "a" * 64, "'; DROP TABLE users; --",
    # Digits that str.isdigit() accepts and int() does not read (once an error per press).
    "fb:up:ask_contact:²", "fb:down:ask_contact:١٢", "label:²:spam", "media:²", "inbox:٣",
]  # fmt: skip
