"""What partnerbot knows about English, Korean and Japanese as written: script ranges,
language detection, Korean particles and question words, romanisation of Hangul and kana.

The lowest layer, so the reader, the index and the answer layer share one definition; it
imports nothing from the layers above.
"""
