"""The career-growth domain: plain Python, typed, Slack-free.

Every rule of who may see or do what, and when something is due, lives here and is tested here
without Slack. Use cases take a session and plain arguments, return what happened (with `notices`
for whoever must hear of it), and raise `growth.errors` exceptions a person can act on. Where to
look first: `visibility` (what anyone sees of someone else), `sharing` (what is posted where),
`relationships` (managers and mentors), `checkins/` (the weekly thread and the digest).
"""
