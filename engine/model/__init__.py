"""The data the pipeline passes along: rulesets, county data and results (pydantic models)."""
