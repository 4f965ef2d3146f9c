"""Performance evaluation (DOMAIN R-S2, issue 14 item 2): indicators with yearly weights, scores and rankings."""
