"""Infer stage: durable-rules fires the compiled rules for a county and decides the verdict."""
