"""Community master plans: models arrive with their issue."""
