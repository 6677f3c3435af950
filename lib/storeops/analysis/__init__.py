"""Pure analysis functions: warehouse queries in, small result objects and frames out."""
