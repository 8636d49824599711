//! A polite Marketo REST client: token cache, rate limit below the shared ceilings, backoff, clear quota stops.
