"""Input channels that hash the sender before Rasa sees it."""
