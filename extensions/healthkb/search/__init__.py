"""Search: records of every answer, and the client-side index built from them."""
