"""The excavation methods a dig may use (the rules give each its own clearances).

Kept apart from ``rules`` so the command line can offer them without loading the geo stack.
"""

METHODS = ("hand", "mechanical", "trenchless")
