"""Memory shared by replicas: delivery de-duplication, rate limits, feedback-button keys.

One process keeps these in memory (adapters/slack/dedupe.py, adapters/telegram/*); several
replicas behind a load balancer share them in Redis, so a retry that lands on another replica
is still answered once. `factory.open_stores` picks one or the other from the settings.
"""
