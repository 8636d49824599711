//! Optional SQLite persistence of grants and tokens, so a demo survives a restart.
//! Tokens are stored as SHA-256 digests: the file never holds a usable token.

use crate::SandboxError;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Mutex;

/// SHA-256 of a token, hex: the key tokens are kept under, in memory and on disk.
pub(crate) fn digest(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A persisted Salesforce token (access or refresh), keyed by digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SfTokenRow {
    pub digest: String,
    pub kind: String,
    pub user_id: String,
    pub scope: String,
    pub expires_ms: Option<i64>,
    pub parent: Option<String>,
    pub revoked: bool,
}

pub(crate) struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store, SandboxError> {
        let conn = Connection::open(path)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA busy_timeout = 2000;
             CREATE TABLE IF NOT EXISTS sf_token (
                 digest TEXT PRIMARY KEY,
                 kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
                 user_id TEXT NOT NULL,
                 scope TEXT NOT NULL,
                 expires_ms INTEGER,
                 parent TEXT,
                 revoked INTEGER NOT NULL DEFAULT 0
             );
             CREATE TABLE IF NOT EXISTS mk_token (
                 client_id_digest TEXT PRIMARY KEY,
                 token TEXT NOT NULL,
                 expires_ms INTEGER NOT NULL
             );
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        )?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn sf_tokens(&self) -> Result<Vec<SfTokenRow>, SandboxError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT digest, kind, user_id, scope, expires_ms, parent, revoked FROM sf_token",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(SfTokenRow {
                    digest: r.get(0)?,
                    kind: r.get(1)?,
                    user_id: r.get(2)?,
                    scope: r.get(3)?,
                    expires_ms: r.get(4)?,
                    parent: r.get(5)?,
                    revoked: r.get::<_, i64>(6)? != 0,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub fn put_sf_token(&self, row: &SfTokenRow) -> Result<(), SandboxError> {
        self.conn().execute(
            "INSERT OR REPLACE INTO sf_token (digest, kind, user_id, scope, expires_ms, parent, revoked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                row.digest,
                row.kind,
                row.user_id,
                row.scope,
                row.expires_ms,
                row.parent,
                row.revoked as i64
            ],
        )?;
        Ok(())
    }

    pub fn revoke_sf(&self, digests: &[String]) -> Result<(), SandboxError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for d in digests {
            tx.execute("UPDATE sf_token SET revoked = 1 WHERE digest = ?1", [d])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Marketo hands the same token back while it lives, so the token itself must be kept.
    pub fn mk_token(&self, client_id: &str) -> Result<Option<(String, i64)>, SandboxError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT token, expires_ms FROM mk_token WHERE client_id_digest = ?1",
                [digest(client_id)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn put_mk_token(
        &self,
        client_id: &str,
        token: &str,
        expires_ms: i64,
    ) -> Result<(), SandboxError> {
        self.conn().execute(
            "INSERT OR REPLACE INTO mk_token (client_id_digest, token, expires_ms) VALUES (?1, ?2, ?3)",
            params![digest(client_id), token, expires_ms],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        {
            let s = Store::open(&path).unwrap();
            s.put_sf_token(&SfTokenRow {
                digest: digest("t"),
                kind: "refresh".into(),
                user_id: "005".into(),
                scope: "api".into(),
                expires_ms: None,
                parent: None,
                revoked: false,
            })
            .unwrap();
            s.put_mk_token("cid", "tok:ab", 42).unwrap();
            s.revoke_sf(&[digest("t")]).unwrap();
        }
        let s = Store::open(&path).unwrap();
        let rows = s.sf_tokens().unwrap();
        assert_eq!(rows.len(), 1);
        assert!(rows[0].revoked);
        assert_eq!(s.mk_token("cid").unwrap(), Some(("tok:ab".into(), 42)));
        assert_eq!(s.mk_token("other").unwrap(), None);
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_a_state_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk");
        std::fs::write(
            &path,
            b"this is definitely not a database file at all, padded out",
        )
        .unwrap();
        let err = Store::open(&path).err().unwrap();
        assert_eq!(err.code(), "state_store");
        assert!(!err.to_string().contains("junk"));
    }
}
