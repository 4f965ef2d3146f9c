"""Dashboards for every level (DOMAIN R-S1, issue 14 item 1): the figures of a region's subtree, drilled down."""
