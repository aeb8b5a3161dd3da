"""Lip-sync model training: the phone -> mouth target table (articulation.py), the corpus builder,
the trainer and the validation. Not part of the installed package; run from the repository root
(`.venv/bin/python training/build_lip_corpus.py`, ...) with `pip install -e '.[train]'`."""
