"""The speed layer: what makes large builds fast by touching other packages' internals."""
