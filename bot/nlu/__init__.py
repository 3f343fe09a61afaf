"""Understanding questions: normalize, detect the language, parse into a Query."""
