"""Speakers: who speaks when (voice embeddings, clustering) and the names they get."""
