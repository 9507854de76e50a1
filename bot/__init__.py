"""Rasa project of the rights-information bot: channels, NLU components and stores."""
