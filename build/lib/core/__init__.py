"""Minato's conversation engine: platform-free. One way in (`Engine.respond(turn)`), one way out (reply events)."""
