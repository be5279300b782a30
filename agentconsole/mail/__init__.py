"""Mail as bytes in: sources (mbox, Maildir, .eml), parsing, charsets, classification."""
