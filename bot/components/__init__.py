"""Custom NLU components: text normalisation and language detection."""
