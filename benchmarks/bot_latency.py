"""End-to-end latency of the bot: update queued to answer sent, with concurrent askers.

Runs the real application (build_application, long polling, python-telegram-bot's
AIORateLimiter) against the fake Bot API server from the test suite, on a database of your
choice (e.g. the 1M-sentence corpus `benchmarks/scale.py` builds), and has N users ask at
once, for several rounds. Latency per question: from the moment its update is queued at the
fake server to the moment the fake receives the answer's sendMessage.

    python benchmarks/bot_latency.py --db benchmarks/out/corpus-1000000-recombine-s6/newsbot.db
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from tests.fake_telegram import TEST_TOKEN, FakeTelegramServer  # noqa: E402

QUESTIONS = [
    "What did the central bank say about interest rates?",
    "Which company reported a rise in quarterly profit?",
    "Where did the oil prices go after the OPEC meeting?",
    "How many jobs will the factory closure cost?",
    "Who won the election and by how much?",
    "What did the minister say about the budget deficit?",
    "Which team won the cup final?",
    "How much did the shares fall on Monday?",
    "What is the forecast for economic growth next year?",
    "Why did the strike at the port end?",
]


async def run(db: Path, askers: int, rounds: int) -> dict[str, float]:
    settings = Settings(db_path=db, token=TEST_TOKEN)
    with FakeTelegramServer() as fake:
        app = build_application(
            Settings(
                **{
                    **settings.__dict__,
                    "api_base_url": fake.base_url,
                    "questions_per_minute": 10_000,
                }
            )
        )
        await app.initialize()
        assert app.post_init is not None and app.updater is not None
        await app.post_init(app)
        await app.updater.start_polling(timeout=1)
        await app.start()
        latencies: list[float] = []
        try:
            for round_number in range(rounds):
                queued: dict[int, float] = {}
                for user in range(askers):
                    chat = 10_000 + user
                    question = QUESTIONS[(user + round_number) % len(QUESTIONS)]
                    fake.user_message(chat, question)
                    queued[chat] = time.monotonic()
                deadline = time.monotonic() + 120
                while True:
                    answered = {
                        int(c.params["chat_id"]): c.time
                        for c in fake.calls("sendMessage")
                        if int(c.params["chat_id"]) in queued
                        and c.time >= queued[int(c.params["chat_id"])]
                    }
                    if len(answered) == len(queued) or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(0.01)
                latencies += [(answered[c] - queued[c]) * 1000 for c in answered]
                await asyncio.sleep(1.1)  # Telegram's one message per second per chat
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)
    latencies.sort()
    return {
        "askers": askers,
        "questions": len(latencies),
        "median_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))],
        "max_ms": latencies[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="an ingested newsbot database")
    parser.add_argument("--askers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    figures = asyncio.run(run(args.db, args.askers, args.rounds))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
