"""The answer engine: articles in, quoted passages with their sources out.

Nothing in this package knows about Telegram; the bot and the command line are thin shells
over it.
"""
