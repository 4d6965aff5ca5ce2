"""Screens: title, play (engineer and operator), ending, replay, compare, stats, help."""
