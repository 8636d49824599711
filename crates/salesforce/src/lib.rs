//! Salesforce client: OAuth loopback login with PKCE, token refresh, users, package and remote-site checks.
