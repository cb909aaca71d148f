"""The Telegram bot and the command line: thin shells over `retrieval`."""
