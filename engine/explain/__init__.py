"""The explain stage: what the rules decided, made readable — margins, completion, growth, the
reasons of every rule and of the verdict in both languages (from ``engine/catalogue.py``).

It comes after infer and before report: renderers lay out what this stage says, and the
planning tools use it; it imports neither.
"""
