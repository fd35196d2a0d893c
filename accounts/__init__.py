"""Who you are: API tokens (named, expiring, stored hashed, revocable), password reset and
optional single sign-on with OpenID Connect."""
