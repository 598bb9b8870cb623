"""Answers quoted from release sentences: retrieval, evidence, abstention, the answer span."""
