"""The admins' /removearticle: take articles out of the corpus from a chat.

What `newsbot remove` does (`retrieval.corpus.removals`), then the bot's indexes hide them at
once. An admin finds an article's id at the head of the article a 📄 button sends, or
gives its address.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.access import admin_only
from bot.bounds import NAME_CHARS, TITLE_CHARS, clip
from bot.markup import escape, pack
from bot.replies import send_reply
from bot.runtime import App, Context
from retrieval.corpus.removals import RemovalReport
from retrieval.without_index import remove_articles
from retrieval.wording import agreeing, counted

USAGE = (
    "Usage: <code>/removearticle ID|URL ...</code>, e.g. <code>/removearticle 12</code> "
    "(an article's id ends the first line of the article a 📄 button under an answer "
    "sends: “… · article 12”)"
)
REFS = 20  # articles one command may name: the reply names each


def render_removal(report: RemovalReport) -> list[str]:
    """What /removearticle did, as Telegram HTML messages within the length limit."""
    lines = []
    if report.removed:
        lines.append(
            f"<b>Removed {counted(len(report.removed), 'article')}</b>: no answer or digest "
            f"quotes {agreeing(len(report.removed), 'it', 'them')} from now on."
        )
    lines += [
        f"• <b>{article.id}</b> · {escape(clip(article.headline, TITLE_CHARS))} · "
        f"{escape(clip(article.source or 'unknown outlet', NAME_CHARS))}"
        for article in report.removed
    ]
    lines += [
        f"Not removed: <code>{escape(clip(ref, TITLE_CHARS))}</code>: {escape(why)}"
        for ref, why in report.not_found
    ]
    return pack(lines)


@admin_only
async def remove_article(update: Update, context: Context) -> None:
    """Remove the articles named (ids or addresses), and hide them in the indexes now."""
    message = update.effective_message
    if message is None:
        return
    refs = list(context.args or [])
    if not refs or len(refs) > REFS:
        await send_reply(
            context.bot_data, message, USAGE + (f" (at most {REFS} at once)" if refs else "")
        )
        return
    engine = context.bot_data.engine
    report = await remove_articles(engine.db_path, refs)
    if report.removed:
        await engine.refresh()  # hidden before the reply says so
    await send_reply(context.bot_data, message, *render_removal(report))


def add_article_handlers(app: App) -> None:
    """Add /removearticle."""
    app.add_handler(
        CommandHandler("removearticle", remove_article, filters=filters.UpdateType.MESSAGE)
    )
