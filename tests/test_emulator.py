"""The Bot API emulator itself, driven over HTTP by python-telegram-bot's own Bot: what it answers
must parse (`de_json`) and behave like Telegram, or the end-to-end tests would test a fiction.
Fast: no bot process, no model."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeChat,
    ChatMemberLeft,
    ChatMemberMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)
from telegram.error import BadRequest, Forbidden

from tests.telegram_emulator import TEST_TOKEN, Emulator, Group, User

STAFF = Group(-1001234567890, "Staff VS")
NEWCOMER = User(4001, "ar", "Amal")
STAFFER = User(4002, "de", "Jonas")
VOICE = {"file_id": "AwACAgIAAxkBAAIBVoice", "file_unique_id": "AgADVoice", "duration": 4}


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in data]])


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    server = Emulator(TEST_TOKEN)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def bot(emulator: Emulator) -> AsyncIterator[Bot]:
    async with Bot(TEST_TOKEN, base_url=emulator.base_url) as client:  # getMe on the way in
        yield client


async def test_a_reply_quotes_the_message_it_answers_in_a_supergroup(
    emulator: Emulator, bot: Bot
) -> None:
    emulator.add_group(STAFF, STAFFER)
    asked = await emulator.send(STAFFER, chat=STAFF.as_chat(), text="/inbox@vs_integration_bot")
    assert asked["entities"] == [{"type": "bot_command", "offset": 0, "length": 25}]

    reply = await bot.send_message(
        STAFF.id, "2 open", reply_parameters=ReplyParameters(asked["message_id"])
    )
    assert (reply.chat.type, reply.chat.title) == ("supergroup", "Staff VS")
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "/inbox@vs_integration_bot"
    assert emulator.sent[-1]["reply_to_message"]["message_id"] == asked["message_id"]

    # The older parameter, as other clients still send it; a reply to a reply does not nest.
    again = await bot.do_api_request(
        "sendMessage",
        api_kwargs={"chat_id": STAFF.id, "text": "ok", "reply_to_message_id": reply.message_id},
        return_type=Message,
    )
    assert isinstance(again, Message) and again.reply_to_message is not None
    assert again.reply_to_message.message_id == reply.message_id
    assert "reply_to_message" not in emulator.sent[-1]["reply_to_message"]

    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(STAFF.id, "lost", reply_parameters=ReplyParameters(999_999))
    unnamed = await bot.send_message(-1009999999999, "unknown group")
    assert (unnamed.chat.type, unnamed.chat.title) == ("supergroup", "Group")
    # Where no user wrote through the emulator (a webhook test posts updates to the bot itself),
    # it cannot know the message replied to: the reply goes out, unquoted.
    blind = await bot.send_message(7001, "hi", reply_parameters=ReplyParameters(1))
    assert blind.reply_to_message is None


async def test_what_users_send_in_groups_and_as_replies_parses(
    emulator: Emulator, bot: Bot
) -> None:
    question = await bot.send_message(STAFF.id, "Question from Amal: …")
    sent = emulator.sent[-1]
    await emulator.send(STAFFER, chat=STAFF.as_chat(), reply_to=sent, text="Call her back")
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None and update.message.chat.title == "Staff VS"
    assert update.message.reply_to_message is not None
    assert update.message.reply_to_message.message_id == question.message_id
    assert update.message.from_user is not None and update.message.from_user.id == STAFFER.id


@pytest.mark.parametrize("kind", ["voice", "audio", "photo", "video", "video_note", "document"])
async def test_media_is_sent_by_file_id(emulator: Emulator, bot: Bot, kind: str) -> None:
    asked = await emulator.send(NEWCOMER, text="Hallo")
    caption = {} if kind == "video_note" else {"caption": "from Amal"}  # notes have none
    message = await getattr(bot, f"send_{kind}")(
        STAFF.id,
        f"file-{kind}",
        reply_markup=keyboard("answer:1"),
        **caption,
    )
    assert isinstance(message, Message)
    attachment = message.effective_attachment
    media = attachment[-1] if isinstance(attachment, tuple) else attachment  # photo sizes
    assert getattr(media, "file_id", None) == f"file-{kind}"
    assert message.caption == caption.get("caption")
    assert message.reply_markup == keyboard("answer:1")
    assert emulator.messages_to(STAFF.id) == [emulator.sent[-1]]

    replying = await getattr(bot, f"send_{kind}")(
        NEWCOMER.id, f"file-{kind}", reply_parameters=ReplyParameters(asked["message_id"])
    )
    assert replying.reply_to_message.text == "Hallo"


async def test_copy_message_copies_the_content_alone(emulator: Emulator, bot: Bot) -> None:
    question = await bot.send_message(NEWCOMER.id, "Send us a voice note")
    voice = await emulator.send(NEWCOMER, reply_to=emulator.sent[-1], voice=VOICE, caption="hello")
    copied = await bot.copy_message(
        STAFF.id, NEWCOMER.id, voice["message_id"], caption="Amal asks:",
        reply_markup=keyboard("answer:1"),
    )  # fmt: skip
    [copy] = emulator.messages_to(STAFF.id)
    assert copy["message_id"] == copied.message_id != voice["message_id"]
    assert copy["voice"] == VOICE and copy["caption"] == "Amal asks:"
    assert copy["from"]["is_bot"] and "reply_to_message" not in copy
    assert copy["reply_markup"] == keyboard("answer:1").to_dict()

    text = await bot.copy_message(STAFF.id, NEWCOMER.id, question.message_id)
    assert emulator.messages_to(STAFF.id)[-1]["text"] == "Send us a voice note"
    assert text.message_id == emulator.sent[-1]["message_id"]
    with pytest.raises(BadRequest, match="Message to copy not found"):
        await bot.copy_message(STAFF.id, NEWCOMER.id, 999_999)


async def test_delete_message(emulator: Emulator, bot: Bot) -> None:
    emulator.add_group(STAFF)
    message = await bot.send_message(STAFF.id, "Question from Amal: …")
    assert await bot.delete_message(STAFF.id, message.message_id) is True
    assert emulator.deleted == [(STAFF.id, message.message_id)]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(STAFF.id, message.message_id)
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(STAFF.id, "x", reply_parameters=ReplyParameters(message.message_id))


async def test_edit_message_reply_markup_and_caption(emulator: Emulator, bot: Bot) -> None:
    message = await bot.send_message(STAFF.id, "Question", reply_markup=keyboard("claim:1"))
    edited = await bot.edit_message_reply_markup(
        STAFF.id, message.message_id, reply_markup=keyboard("answer:1", "close:1")
    )
    assert isinstance(edited, Message) and edited.text == "Question"
    assert edited.reply_markup == keyboard("answer:1", "close:1")
    bare = await bot.edit_message_reply_markup(STAFF.id, message.message_id)
    assert isinstance(bare, Message) and bare.reply_markup is None and bare.text == "Question"
    assert [m["message_id"] for m in emulator.sent] == [message.message_id] * 3

    voice = await bot.send_voice(STAFF.id, "voice-1", caption="Amal", reply_markup=keyboard("x"))
    recaptioned = await bot.edit_message_caption(STAFF.id, voice.message_id, caption="Amal ✓")
    assert isinstance(recaptioned, Message) and recaptioned.caption == "Amal ✓"
    assert recaptioned.voice is not None and recaptioned.reply_markup is None
    with pytest.raises(BadRequest, match="There is no caption in the message to edit"):
        await bot.edit_message_caption(STAFF.id, message.message_id, caption="x")

    for edit in (
        bot.edit_message_text("x", STAFF.id, 999_999),
        bot.edit_message_caption(STAFF.id, 999_999, caption="x"),
        bot.edit_message_reply_markup(STAFF.id, 999_999),
    ):
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await edit
    users = await emulator.send(NEWCOMER, text="mine")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", NEWCOMER.id, users["message_id"])


async def test_get_chat_member_tells_members_from_others(emulator: Emulator, bot: Bot) -> None:
    emulator.add_group(STAFF, STAFFER)
    member = await bot.get_chat_member(STAFF.id, STAFFER.id)
    assert isinstance(member, ChatMemberMember) and member.user.first_name == "Jonas"
    left = await bot.get_chat_member(STAFF.id, NEWCOMER.id)
    assert isinstance(left, ChatMemberLeft) and left.user.id == NEWCOMER.id
    emulator.members[STAFF.id].discard(STAFFER.id)  # someone leaves the staff
    assert isinstance(await bot.get_chat_member(STAFF.id, STAFFER.id), ChatMemberLeft)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat_member(-1009999999999, STAFFER.id)


async def test_a_user_who_blocked_the_bot_is_forbidden(emulator: Emulator, bot: Bot) -> None:
    emulator.blocked.add(NEWCOMER.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(NEWCOMER.id, "Your answer")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_voice(NEWCOMER.id, "voice-1")
    original = await bot.send_message(STAFF.id, "Answer for Amal")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.copy_message(NEWCOMER.id, STAFF.id, original.message_id)
    assert emulator.messages_to(NEWCOMER.id) == []
    await bot.send_message(STAFFER.id, "others still get theirs")


async def test_commands_are_kept_per_scope_and_language(emulator: Emulator, bot: Bot) -> None:
    default = [BotCommand("start", "Start")]
    staff = [BotCommand("inbox", "Open questions")]
    admins = [BotCommand("stats", "Statistik")]
    assert await bot.set_my_commands(default)
    assert await bot.set_my_commands(staff, scope=BotCommandScopeChat(STAFF.id))
    assert await bot.set_my_commands(admins, BotCommandScopeAllChatAdministrators(), "de")

    assert emulator.commands == {None: [c.to_dict() for c in default]}
    staff_key = (json.dumps({"chat_id": STAFF.id, "type": "chat"}), None)
    assert emulator.scoped_commands[staff_key] == [c.to_dict() for c in staff]
    assert await bot.get_my_commands() == tuple(default)
    assert await bot.get_my_commands(BotCommandScopeChat(STAFF.id)) == tuple(staff)
    assert await bot.get_my_commands(BotCommandScopeAllChatAdministrators(), "de") == tuple(admins)
    assert await bot.get_my_commands(BotCommandScopeAllChatAdministrators()) == ()

    assert await bot.delete_my_commands(BotCommandScopeChat(STAFF.id))
    assert await bot.get_my_commands(BotCommandScopeChat(STAFF.id)) == ()
    assert await bot.get_my_commands() == tuple(default)


async def test_wait_for_waits_until_the_predicate_holds(emulator: Emulator, bot: Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.1)
        message = await bot.send_message(STAFF.id, "Question")
        await bot.delete_message(STAFF.id, message.message_id)

    task = asyncio.create_task(later())
    assert await emulator.wait_for(lambda: emulator.deleted, timeout=5) == emulator.deleted
    await task
    with pytest.raises(asyncio.TimeoutError):
        await emulator.wait_for(lambda: len(emulator.deleted) > 1, timeout=0.2)


async def test_answer_callback_query_keeps_the_toast(emulator: Emulator, bot: Bot) -> None:
    assert await bot.answer_callback_query("42", text="Claimed by Jonas") is True
    method, params = emulator.calls[-1]
    assert (method, params["callback_query_id"], params["text"]) == (
        "answerCallbackQuery", "42", "Claimed by Jonas",
    )  # fmt: skip
