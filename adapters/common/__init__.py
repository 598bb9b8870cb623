"""What every chat platform does the same way: language of the bot's own words, admin checks,
the answer-or-apology call, short error reasons, the reindex job.

No platform SDK is imported here (slack_bolt, slack_sdk, telegram): a platform's folder under
`adapters/` translates its events to these calls and renders what comes back.
"""
