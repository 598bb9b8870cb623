"""Slack adapter: slack-bolt in, engine answers out. `serve.serve_slack` is the entry point."""
