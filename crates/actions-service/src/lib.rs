//! The local implementation of the Actions admin API (SCIM users and teams, instance, connections, sync).
