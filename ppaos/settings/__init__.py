"""Settings: `base` for local development, `production` for deployment, `test` for pytest."""
