"""Text units: sentencepiece models, token lists and token-count shape files for espnet2 training."""
