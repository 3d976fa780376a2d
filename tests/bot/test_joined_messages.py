"""A step's replies as Telegram messages: one message where they fit (a note or preface
joined into the question after it, with the question's buttons), never over Telegram's
4096 characters, never across a file or a change of content protection."""
from __future__ import annotations

from bot.keyboards import MAX_TEXT, messages, telegram_length
from dialogs.render import Rendered, Shown


def text(s: str, **kw) -> Rendered:
    return Rendered(s, (), None, None, **kw)


def question(s: str) -> Rendered:
    return Rendered(s, (), 3, None, asks="birth_date", buttons=(Shown("是"), Shown("否")))


def closing(s: str) -> Rendered:
    return Rendered(s, (), 4, None, buttons=(Shown("重新开始", nav=True),))


def test_a_result_is_one_message_with_the_buttons_of_its_last_reply():
    result = [text("✅ 符合"), text("📋 材料"), closing("下一步")]
    (only,) = messages(result, head="➡️ <b>否</b>\n")
    assert only.text == "➡️ <b>否</b>\n✅ 符合\n\n📋 材料\n\n下一步"
    assert only.reply is result[-1] and only.replies == 3


def test_a_preface_goes_into_the_question_after_it_with_the_questions_buttons():
    step = [text("您好"), text("已记录"), question("您的出生日期？")]
    (only,) = messages(step, head="➡️ <b>是</b>\n")
    assert only.text == "➡️ <b>是</b>\n您好\n\n已记录\n\n您的出生日期？"
    assert only.reply is step[-1] and only.replies == 3


def test_nothing_is_joined_after_a_question_buttons_a_file_or_across_protection():
    after_question = messages([question("您的出生日期？"), text("说明")])
    after_buttons = messages([closing("菜单"), text("说明")])
    after_file = messages([text("表格", document=("a.pdf", b"%PDF")), question("说明")])
    protected = messages([text("身份证号", protect=True), question("说明")])
    unprotected = messages([text("说明"), text("身份证号", protect=True)])
    assert len(after_question) == len(after_buttons) == len(after_file) == len(protected) == len(unprotected) == 2
    assert [m.reply.protect for m in protected] == [True, False]


def test_protected_replies_are_joined_with_each_other():
    actions = Rendered("操作", (), 4, None, buttons=(Shown("退回", nav=True),), protect=True)
    (only,) = messages([text("身份证号", protect=True), actions])
    assert only.reply.protect and only.replies == 2


def test_joined_text_stays_within_telegrams_limit_and_is_escaped():
    long = "字" * (MAX_TEXT - 4)  # with the blank line, "<b>&" (4 characters once parsed) is one too many
    joined = messages([text(long), text("<b>&"), closing("下一步")])
    assert [m.replies for m in joined] == [1, 2]
    assert joined[1].text == "&lt;b&gt;&amp;\n\n下一步"
    assert all(telegram_length(m.text) <= MAX_TEXT for m in joined)


def test_the_limit_is_counted_as_telegram_counts_it_in_utf16_after_html():
    astral = messages([text("😀" * 1500), closing("𠮷" * 1500)])  # 3,002 code points, 6,004 UTF-16 units
    escaped = messages([text("&" * 3000), closing("<" * 1000)])  # 15,000 characters of HTML, 4,002 of text
    assert [m.replies for m in astral] == [1, 1]
    assert [m.replies for m in escaped] == [2]


def test_a_head_that_does_not_fit_with_the_first_reply_goes_alone():
    head = "请用文字回答\n\n➡️ <b>是</b>\n"
    joined = messages([text("字" * (MAX_TEXT - 3)), closing("下一步")], head=head)
    assert joined[0].text == "请用文字回答\n\n➡️ <b>是</b>" and joined[0].replies == 0
    assert [m.replies for m in joined[1:]] == [1, 1]
    assert sum(m.replies for m in joined) == 2
