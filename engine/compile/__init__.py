"""Compile stage: a ruleset becomes durable-rules rule definitions, a county becomes a fact."""
