//! The xAPI outbox table: statements queued for the learning record store, sent, or rejected with the reason.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::{Store, StoreError, now, timestamp};

/// Where a queued statement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Waiting to be sent.
    Pending,
    /// The LRS has it.
    Delivered,
    /// The LRS refused it; the reason is kept.
    Rejected,
}

impl OutboxStatus {
    /// As stored: `pending`, `delivered`, `rejected`.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Delivered => "delivered",
            OutboxStatus::Rejected => "rejected",
        }
    }
}

/// A statement waiting to be sent, as read a page at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingStatement {
    /// Where it is in the queue, for [`OutboxCursor`].
    pub cursor: OutboxCursor,
    /// The statement id.
    pub id: String,
    /// The statement as queued (JSON text, possibly damaged).
    pub json: String,
}

/// A place in the pending queue: the next page starts after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxCursor {
    /// When the row was queued (stored timestamp).
    pub created_at: String,
    /// SQLite's row id, the order rows were inserted in.
    pub rowid: i64,
}

impl Store {
    /// Finished attempts none of whose statements are queued yet, oldest first.
    ///
    /// Only the attempts still to queue are read: the store's whole history would grow
    /// without bound. SQLite keeps the queued ids it compares against in its own temporary
    /// b-tree, one entry per attempt, not per statement.
    ///
    /// # Errors
    /// When the store cannot be read, or an id is damaged.
    pub fn attempts_not_queued(&self) -> Result<Vec<Uuid>, StoreError> {
        let ids: Vec<String> = self
            .conn
            .prepare(
                "SELECT id FROM attempts WHERE status = 'finished'
                 AND id NOT IN (SELECT DISTINCT attempt_id FROM xapi_outbox)
                 ORDER BY started_at, id",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.iter()
            .map(|id| {
                Uuid::parse_str(id).map_err(|e| StoreError::Damaged {
                    what: format!("attempt {id}"),
                    detail: e.to_string(),
                })
            })
            .collect()
    }

    /// Queues an attempt's statements, in order, in one transaction: (statement id,
    /// statement JSON). A statement id already queued is left as it is. Returns how many
    /// were added.
    ///
    /// # Errors
    /// When the write fails; nothing of this attempt is queued then.
    pub fn queue_statements(
        &self,
        attempt: Uuid,
        statements: &[(String, String)],
    ) -> Result<usize, StoreError> {
        let at = timestamp(now());
        let tx = self.write()?;
        let mut added = 0;
        for (seq, (id, json)) in statements.iter().enumerate() {
            added += tx.execute(
                "INSERT OR IGNORE INTO xapi_outbox
                 (statement_id, attempt_id, seq, statement_json, status, tries, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'pending', 0, ?5, ?5)",
                params![id, attempt.to_string(), seq as i64, json, at],
            )?;
        }
        tx.commit()?;
        Ok(added)
    }

    /// The next `limit` pending statements after `after`, oldest first: by the time they
    /// were queued, then by the order they were inserted in (an attempt's statements in
    /// their order).
    ///
    /// Two queries, because each is a range scan of the index `xapi_outbox_by_status(status,
    /// created_at)`, which ends with the rowid: the rest of `after`'s timestamp, then later
    /// ones. A single `(created_at, rowid) > (?, ?)` comparison is not a range SQLite can seek
    /// to within one timestamp, so every page would scan all rows queued at that instant again.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn pending_statements(
        &self,
        after: Option<&OutboxCursor>,
        limit: usize,
    ) -> Result<Vec<PendingStatement>, StoreError> {
        let row = |r: &rusqlite::Row<'_>| {
            Ok(PendingStatement {
                cursor: OutboxCursor {
                    rowid: r.get(0)?,
                    created_at: r.get(1)?,
                },
                id: r.get(2)?,
                json: r.get(3)?,
            })
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let Some(after) = after else {
            return Ok(self
                .conn
                .prepare_cached(
                    "SELECT rowid, created_at, statement_id, statement_json FROM xapi_outbox
                     WHERE status = 'pending' ORDER BY created_at, rowid LIMIT ?1",
                )?
                .query_map([limit], row)?
                .collect::<Result<_, _>>()?);
        };
        let mut page: Vec<PendingStatement> = self
            .conn
            .prepare_cached(
                "SELECT rowid, created_at, statement_id, statement_json FROM xapi_outbox
                 WHERE status = 'pending' AND created_at = ?1 AND rowid > ?2
                 ORDER BY rowid LIMIT ?3",
            )?
            .query_map(params![after.created_at, after.rowid, limit], row)?
            .collect::<Result<_, _>>()?;
        let got = i64::try_from(page.len()).unwrap_or(i64::MAX);
        if got < limit {
            let later = self
                .conn
                .prepare_cached(
                    "SELECT rowid, created_at, statement_id, statement_json FROM xapi_outbox
                     WHERE status = 'pending' AND created_at > ?1
                     ORDER BY created_at, rowid LIMIT ?2",
                )?
                .query_map(params![after.created_at, limit - got], row)?
                .collect::<Result<Vec<_>, _>>()?;
            page.extend(later);
        }
        Ok(page)
    }

    /// Records a try at sending `ids`, in one transaction: each is counted as tried once
    /// more, with `error` as its last error; `status`, when given, is its new status.
    ///
    /// # Errors
    /// When the write fails; none of them changes then.
    pub fn record_send_tries(
        &self,
        ids: &[&str],
        status: Option<OutboxStatus>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        let at = timestamp(now());
        let tx = self.write()?;
        for id in ids {
            tx.execute(
                "UPDATE xapi_outbox SET status = COALESCE(?2, status), tries = tries + 1,
                     last_error = ?3, updated_at = ?4
                 WHERE statement_id = ?1",
                params![id, status.map(OutboxStatus::as_str), error, at],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Statements still waiting to be sent.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn pending_count(&self) -> Result<usize, StoreError> {
        let pending: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM xapi_outbox WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(pending).unwrap_or(0))
    }

    /// Puts rejected statements back in the queue. Returns how many.
    ///
    /// # Errors
    /// When the store cannot be written.
    pub fn requeue_rejected(&self) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "UPDATE xapi_outbox SET status = 'pending', updated_at = ?1 WHERE status = 'rejected'",
            [timestamp(now())],
        )?)
    }

    /// Statements the LRS rejected, with its reasons, oldest first: (statement id, attempt
    /// id, reason).
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn rejected_statements(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(self
            .conn
            .prepare(
                "SELECT statement_id, attempt_id, COALESCE(last_error, '') FROM xapi_outbox
                 WHERE status = 'rejected' ORDER BY updated_at",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?)
    }

    /// The outbox row of a statement: (status, tries, last error).
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn statement_status(
        &self,
        statement_id: &str,
    ) -> Result<Option<(String, u32, Option<String>)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT status, tries, last_error FROM xapi_outbox WHERE statement_id = ?1",
                [statement_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }
}
