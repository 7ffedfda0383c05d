"""Infer stage: the rules decided for every county — by durable-rules county by county, or by the
vectorised evaluator for a batch (both behind one interface, :mod:`engine.infer.evaluator`) —
and every verdict decided by durable-rules (:func:`engine.infer.run.decide_verdict`)."""
