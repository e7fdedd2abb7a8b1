"""The Telegram front end (python-telegram-bot 22): transport only, the assistant does the rest."""
