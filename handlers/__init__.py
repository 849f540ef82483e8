"""Slack surfaces: parse the payload, call one growth function, render the answer with blocks/.

`routes` lists every registration in order; `middleware` runs before every listener; `errors` turns
growth's refusals (and anything unexpected) into a message the person can act on.
"""
