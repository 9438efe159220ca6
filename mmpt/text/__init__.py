"""Text units: sentencepiece models, token lists and token-count shape files for espnet2 training; text
normalisation; the espeak-ng wrapper (phonemes and speech, :mod:`~mmpt.text.espeak`)."""
