"""Result tables and figures across experiments (Table 1 of the paper and its relative improvements)."""
