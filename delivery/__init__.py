"""Everything Trellis sends later than the immediate answer to a request.

`outbound` turns growth's notices into outbox rows (keys, payloads and workspaces are made there and
nowhere else); `unit` is a request's transaction, which afterwards sends only the rows it wrote;
`dispatcher` sends due rows and decides retries; `senders` compose the Trellis kinds when they are
sent; `profiles` reads what Slack says about people.
"""
