"""Load stage: ruleset YAML into validated models, county files into exact values."""
