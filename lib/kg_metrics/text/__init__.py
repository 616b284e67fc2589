"""Text layer: number and date formats per language, and the message catalog (every sentence a reader sees)."""
