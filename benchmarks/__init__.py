"""Benchmarks of partnerbot: build throughput, answer latency, memory, cold start, reindex.

Run `python -m benchmarks.run --help`; results and how they were obtained live in BENCHMARKS.md.
Not part of the test suite: these take minutes and measure the machine as much as the code.
"""
