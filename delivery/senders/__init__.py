"""The senders of Trellis's own outbox kinds (`delivery.kinds`): each composes its message when it is
sent, and sends nothing when the reason to send has gone."""
