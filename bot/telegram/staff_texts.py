"""What the staff group reads: question posts, the inbox, statistics. German only, from
data/staff.yml; plain text (no parse mode), so nothing a newcomer writes can break a post."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.language import other_languages
from bot.core.store import ANSWERED, DISMISSED, OPEN, Counts, Question
from bot.paths import DATA_DIR, read_yaml
from bot.telegram.limits import MAX_MESSAGE_LENGTH, shorten, telegram_length
from bot.telegram.stats_chart import ChartTexts

OFFICE_TIME_ZONE = ZoneInfo("Europe/Berlin")
INBOX_PAGE_SIZE = 5
# The inbox shows a short excerpt of each question (a post shows all that fits).
EXCERPT_CHARS = 200


def local_time(timestamp: str) -> str:
    """'2026-11-25T16:03:00+00:00' -> '25.11.2026 17:03' (the office's time)."""
    moment = datetime.fromisoformat(timestamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(OFFICE_TIME_ZONE).strftime("%d.%m.%Y %H:%M")


def excerpt(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def page_count(total: int) -> int:
    """Inbox pages for `total` open questions (one, even when there are none)."""
    return max(1, math.ceil(total / INBOX_PAGE_SIZE))


class StaffTexts:
    def __init__(self, path: Path = DATA_DIR / "staff.yml") -> None:
        self.raw: dict[str, Any] = read_yaml(path)

    @property
    def topics(self) -> dict[str, str]:
        return dict(self.raw["topics"])

    @property
    def dismissals(self) -> dict[str, str]:
        return dict(self.raw["dismissals"])

    def render(self, key: str, **values: object) -> str:
        return str(self.raw[key]).format(**values).strip()

    def topic(self, intent: str) -> str:
        return str(self.raw["topics"].get(intent, intent))

    def label(self, label: str) -> str:
        return str(self.raw["dismissals"].get(label) or self.topic(label))

    def language(self, code: str) -> str:
        """The language's name in German: one of ours, or one the bot recognises."""
        if code in self.raw["languages"]:
            return str(self.raw["languages"][code])
        other = other_languages().get(code)
        return other.name if other else code

    def reason(self, reason: str) -> str:
        return str(self.raw["reasons"].get(reason, reason))

    def post(self, question: Question) -> str:
        """The post that shows staff a question: no name, no username, no phone number. As much
        of the question as one Telegram message holds (measured as Telegram measures)."""
        if question.media_kind:
            text = self.render("post_no_text")
        elif question.text:
            text = question.text
        else:
            text = self.render("post_text_gone")
        values = self._post_values(question)
        return self.render("post", **values, text=shorten(text, self._room("post", **values)))

    def minimal_post(self, question: Question, error: str) -> str:
        """A post without the question's text, for a text Telegram refuses to show."""
        values = self._post_values(question)
        return self.render("post_minimal", **values, error=shorten(error, 200))

    def _post_values(self, question: Question) -> dict[str, object]:
        guess = self.topic(question.intent) if question.intent in self.topics else None
        return {
            "id": question.id,
            "when": local_time(question.created_at),
            "language": self.language(question.language),
            "reason": self.reason(question.reason),
            "guess": guess or self.render("no_guess"),
            "confidence": round(question.confidence * 100),
        }

    def delivered(self, question_id: int, name: str, text: str | None, kind: str) -> str:
        """The group's record of a staff answer: its text (the bot can empty it later), or the
        kind of file that was sent."""
        if text is None:
            # A team member's document may be any file, not only the PDFs newcomers can send.
            what = self.render("any_file") if kind == "document" else self.reason(kind)
            return self.render("delivered_media", id=question_id, name=name, kind=what)
        room = self._room("delivered", id=question_id, name=name)
        return self.render("delivered", id=question_id, name=name, text=shorten(text, room))

    def _room(self, key: str, **values: object) -> int:
        """How much text fits into the {text} of `key`, as Telegram counts."""
        frame = self.render(key, **values, text="#")  # one unit: stripping cannot change it
        return MAX_MESSAGE_LENGTH - (telegram_length(frame) - 1)

    def inbox(
        self,
        questions: list[Question],
        total: int,
        page: int,
        link: str | None,
        posts: dict[int, int | None],
    ) -> str:
        """One page of open questions; `link` (with {message_id}) jumps to a question's post in
        `posts` (question id -> its post's message id in the group)."""
        if total == 0:
            return self.render("inbox_empty")
        lines = [self.render("inbox_title", count=total, page=page + 1, pages=page_count(total))]
        for question in questions:
            entry = self.render(
                "inbox_entry",
                id=question.id,
                when=local_time(question.created_at),
                language=self.language(question.language),
                label=self.label(question.label)
                if question.label
                else self.render("inbox_unlabelled"),
                text=self.reason(question.media_kind)
                if question.media_kind
                else excerpt(question.text, EXCERPT_CHARS) or self.render("post_text_gone"),
            )
            post = posts.get(question.id)
            if link and post:
                entry += "\n" + link.format(message_id=post)
            lines.append(entry)
        return "\n\n".join(lines)

    def stats(self, week: Counts, month: Counts, open_questions: int) -> str:
        def unanswered(counts: Counts) -> int:
            return counts.events.get("unanswered", 0)

        def breakdown(name: Any, by_week: dict[str, int], by_month: dict[str, int]) -> str:
            keys = sorted(by_month, key=lambda key: (-by_month[key], key))
            lines = [f"  {name(key)}: {by_week.get(key, 0)} / {by_month[key]}" for key in keys]
            return "\n".join(lines) or self.render("stats_none")

        return self.render(
            "stats",
            messages_7=week.events.get("message", 0),
            messages_30=month.events.get("message", 0),
            unanswered_7=unanswered(week),
            unanswered_30=unanswered(month),
            up_7=week.events.get("thumbs_up", 0),
            up_30=month.events.get("thumbs_up", 0),
            down_7=week.events.get("thumbs_down", 0),
            down_30=month.events.get("thumbs_down", 0),
            open=open_questions,
            languages=breakdown(
                self.language, week.messages_by_language, month.messages_by_language
            ),
            topics=breakdown(self.label_or_reason, week.messages_by_topic, month.messages_by_topic),
        )

    def status(self, status: str) -> str:
        """ "open", "answered", "dismissed" in German."""
        return str(self.raw["statuses"].get(status, status))

    def chart_texts(self) -> ChartTexts:
        headings = self.raw["stats_chart_headings"]
        return ChartTexts(
            self.render("stats_chart_title"),
            (headings[0], headings[1], headings[2]),
            (self.status(ANSWERED), self.status(OPEN), self.status(DISMISSED)),
        )

    def label_or_reason(self, key: str) -> str:
        """A topic of the counts: an intent answered, or why there was no answer."""
        if key in self.raw["topics"]:
            return self.topic(key)
        return self.reason(key)
