"""Platform adapters: translate platform events into Turns and deliver reply events. No business rules here."""
