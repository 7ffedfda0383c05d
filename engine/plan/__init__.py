"""Planning tools for a county bureau: what-if, the gap to PASS, mid-term monitoring."""
