"""Telegram adapter: Telegram updates in, HTML replies out (python-telegram-bot v22).

`build_application` wires the handlers; `serve_telegram` runs them (polling or webhook).
"""
