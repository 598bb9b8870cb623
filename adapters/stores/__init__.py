"""What the chat adapters remember between deliveries: claims (de-duplication, threads the bot
answered in), rate limits, feedback-button keys.

One process keeps these in memory; several replicas behind a load balancer share them in
Redis, so a retry that lands on another replica is still answered once. `factory.open_stores`
picks one or the other from the settings.
"""
