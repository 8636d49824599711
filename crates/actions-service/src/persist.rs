//! Optional SQLite persistence, so a demo instance survives a restart.
//! Each mutation rewrites the small tables in one transaction; synced people are upserted by batch.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{ActionsError, Result};
use crate::store::State;

pub struct Db {
    conn: Connection,
}

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
-- With WAL, NORMAL keeps the file consistent; a power cut may lose the last few writes of a stand-in.
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS users  (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS teams  (id TEXT PRIMARY KEY, pos INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta   (key TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS people (marketo_id TEXT PRIMARY KEY, json TEXT NOT NULL);
";

fn corrupt(what: &str) -> ActionsError {
    ActionsError::Storage(rusqlite::Error::InvalidColumnName(format!(
        "unreadable {what} row"
    )))
}

impl Db {
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).map_err(ActionsError::Storage)?;
        conn.execute_batch(SCHEMA).map_err(ActionsError::Storage)?;
        Ok(Self { conn })
    }

    /// The saved state, or `None` for a new file.
    pub fn load(&self) -> Result<Option<State>> {
        let meta: Option<String> = self
            .conn
            .query_row("SELECT json FROM meta WHERE key = 'state'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(ActionsError::Storage)?;
        let Some(meta) = meta else { return Ok(None) };
        let mut state: State = serde_json::from_str(&meta).map_err(|_| corrupt("meta"))?;
        state.users = self.rows("SELECT json FROM users ORDER BY pos", "users")?;
        state.teams = self.rows("SELECT json FROM teams ORDER BY pos", "teams")?;
        state.outbox = self.rows("SELECT json FROM outbox ORDER BY seq", "outbox")?;
        Ok(Some(state))
    }

    fn rows<T: serde::de::DeserializeOwned>(&self, sql: &str, what: &str) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare(sql).map_err(ActionsError::Storage)?;
        let jsons = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(ActionsError::Storage)?
            .collect::<rusqlite::Result<Vec<String>>>()
            .map_err(ActionsError::Storage)?;
        jsons
            .iter()
            .map(|j| serde_json::from_str(j).map_err(|_| corrupt(what)))
            .collect()
    }

    pub fn save(&mut self, state: &State) -> Result<()> {
        let tx = self.conn.transaction().map_err(ActionsError::Storage)?;
        let mut meta = state.clone();
        // The lists have their own tables; the meta row keeps only the singletons.
        meta.users.clear();
        meta.teams.clear();
        meta.outbox.clear();
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, json) VALUES ('state', ?1)",
            params![to_json(&meta)],
        )
        .map_err(ActionsError::Storage)?;
        tx.execute("DELETE FROM users", [])
            .map_err(ActionsError::Storage)?;
        for (pos, u) in state.users.iter().enumerate() {
            tx.execute(
                "INSERT INTO users (id, pos, json) VALUES (?1, ?2, ?3)",
                params![u.id, pos as i64, to_json(u)],
            )
            .map_err(ActionsError::Storage)?;
        }
        tx.execute("DELETE FROM teams", [])
            .map_err(ActionsError::Storage)?;
        for (pos, t) in state.teams.iter().enumerate() {
            tx.execute(
                "INSERT INTO teams (id, pos, json) VALUES (?1, ?2, ?3)",
                params![t.id, pos as i64, to_json(t)],
            )
            .map_err(ActionsError::Storage)?;
        }
        // The outbox only grows: append what is new.
        let saved: i64 = tx
            .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
            .map_err(ActionsError::Storage)?;
        for (seq, inv) in state
            .outbox
            .iter()
            .enumerate()
            .skip(usize::try_from(saved).unwrap_or(0))
        {
            tx.execute(
                "INSERT INTO outbox (seq, json) VALUES (?1, ?2)",
                params![seq as i64, to_json(inv)],
            )
            .map_err(ActionsError::Storage)?;
        }
        tx.commit().map_err(ActionsError::Storage)
    }

    pub fn load_people(&self) -> Result<std::collections::HashMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT marketo_id, json FROM people")
            .map_err(ActionsError::Storage)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(ActionsError::Storage)?
            .collect::<rusqlite::Result<std::collections::HashMap<String, String>>>()
            .map_err(ActionsError::Storage)?;
        Ok(rows)
    }

    /// Upserts synced people by Marketo id; duplicates in Marketo (different ids) stay duplicates.
    pub fn save_people(&mut self, people: &[(String, String)]) -> Result<()> {
        let tx = self.conn.transaction().map_err(ActionsError::Storage)?;
        for (id, json) in people {
            tx.execute(
                "INSERT OR REPLACE INTO people (marketo_id, json) VALUES (?1, ?2)",
                params![id, json],
            )
            .map_err(ActionsError::Storage)?;
        }
        tx.commit().map_err(ActionsError::Storage)
    }
}

/// Serializes a stored record; they are plain data, so this cannot fail in practice.
fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Limits, NewUser};

    #[test]
    fn state_round_trips_through_a_file() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|_| corrupt("tempdir"))?;
        let path = dir.path().join("actions.sqlite");
        let limits = Limits {
            seat_limit: 10,
            team_limit: 5,
            invite_link_base: "http://127.0.0.1/i".into(),
            munchkin_id: "123-ABC-456".into(),
            integration: None,
        };
        let mut state = State::default();
        state.activate(
            &limits,
            vec![NewUser {
                user_name: "a@example.com".into(),
                ..NewUser::default()
            }],
        );
        state.create_team(&limits, "Sales", &[])?;
        {
            let mut db = Db::open(&path)?;
            assert!(db.load()?.is_none());
            db.save(&state)?;
            state.invite(
                &limits,
                NewUser {
                    user_name: "b@example.com".into(),
                    ..NewUser::default()
                },
            )?;
            db.save(&state)?;
        }
        let db = Db::open(&path)?;
        let back = db.load()?.ok_or_else(|| corrupt("state"))?;
        assert_eq!(back.users.len(), 2);
        assert_eq!(back.teams.len(), 2);
        assert_eq!(back.outbox, state.outbox);
        assert_eq!(back.instance.client_secret, state.instance.client_secret);
        Ok(())
    }
}
