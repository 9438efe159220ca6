"""Scoring of recognition and translation outputs: WER (jiwer) and BLEU (sacrebleu)."""
