"""Reading a question before it is searched: follow-ups, intents, what is asked, small talk (query/understand.py)."""
