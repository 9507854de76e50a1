"""Content pipeline: load and validate content, translate it, render the site, feed the bot."""
