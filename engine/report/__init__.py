"""Report stage: explanations (reasons in Chinese and English) and the output formats."""
