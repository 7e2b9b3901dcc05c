"""Thai helpers: national ID, Thai digits, Buddhist-era dates. Pure functions, no Django."""
