"""The voice pipeline: audio in (PyAV), speech to text, spoken replies (text to speech), all platform-free."""
