"""Answer types, one module each; bot.intents.registry lists them in claiming order."""
