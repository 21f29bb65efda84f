//! The one message model every chat shares: live chat's conversations and team chat's
//! chats keep their messages the same way. A thread's messages are numbered 1, 2, 3 … in the
//! one order every client sees, stored under keys that sort in that order; each carries an
//! id its sender chose, so sending again after a lost answer stores nothing new; pages are
//! read backwards from any number, so a thread of 100,000 messages opens as fast as an
//! empty one.
//!
//! Each feature keeps its own message record (what an author is differs between a customer
//! chat and a team room); the numbering, keys, retries and paging are this module's.

use helpdesk_text_policy::TextRule;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::bindings::helpdesk::chat::types::Timestamp;
use crate::capabilities::{ScanRequest, Storage};
use crate::error::{PluginError, PluginResult};
use crate::storage::{decode_json, get_json, key_part, prefix_end, put_json, scan_all};

/// A message's text: plain text, line breaks allowed, never HTML.
pub const MESSAGE_BODY: TextRule = TextRule {
    field: "body",
    max_chars: 4000,
    multiline: true,
};

/// How many characters of the last message a list shows.
const PREVIEW_CHARS: usize = 100;

/// The start of a message, as lists show it.
pub fn preview(body: &str) -> String {
    body.chars().take(PREVIEW_CHARS).collect()
}

/// Where one thread's messages live.
#[derive(Debug, Clone)]
pub struct Thread {
    /// `<namespace>/message/<thread>/`: the messages, by number.
    messages: String,
    /// `<namespace>/client-id/<thread>/`: the number each client id was stored under.
    client_ids: String,
    /// The thread's id, for messages.
    id: String,
}

impl Thread {
    /// The thread `id` of a feature whose keys start with `namespace` (for example
    /// `live-chat`).
    pub fn new(namespace: &str, id: &str) -> Thread {
        Thread {
            messages: format!("{namespace}/message/{}/", key_part(id)),
            client_ids: format!("{namespace}/client-id/{}/", key_part(id)),
            id: id.to_string(),
        }
    }

    fn message_key(&self, seq: u64) -> String {
        format!("{}{seq:020}", self.messages)
    }

    /// Message number `seq`.
    pub fn get<M: DeserializeOwned>(&self, storage: &mut impl Storage, seq: u64) -> PluginResult<Option<M>> {
        get_json(storage, &self.message_key(seq))
    }

    /// The message stored earlier under `client_id`, if one was: a retry.
    pub fn retried<M: DeserializeOwned>(&self, storage: &mut impl Storage, client_id: &str) -> PluginResult<Option<M>> {
        let Some(seq) = get_json::<u64>(storage, &format!("{}{}", self.client_ids, key_part(client_id)))? else {
            return Ok(None);
        };
        self.get(storage, seq)?
            .map(Some)
            .ok_or_else(|| PluginError::Unavailable(format!("message {seq} of {} is missing", self.id)))
    }

    /// Stores message number `seq`, sent with `client_id`.
    pub fn store<M: Serialize>(
        &self,
        storage: &mut impl Storage,
        seq: u64,
        client_id: &str,
        message: &M,
    ) -> PluginResult<()> {
        put_json(storage, &self.message_key(seq), message)?;
        put_json(storage, &format!("{}{}", self.client_ids, key_part(client_id)), &seq)
    }

    /// Writes message number `seq` again (an edit or a deletion); its number and client id
    /// stay.
    pub fn replace<M: Serialize>(&self, storage: &mut impl Storage, seq: u64, message: &M) -> PluginResult<()> {
        put_json(storage, &self.message_key(seq), message)
    }

    /// Up to `limit` messages before number `before` (before the end without it), oldest
    /// first, and whether older ones remain.
    pub fn page<M: DeserializeOwned>(
        &self,
        storage: &mut impl Storage,
        before: Option<u64>,
        limit: u32,
    ) -> PluginResult<(Vec<M>, bool)> {
        let end = match before {
            Some(seq) => self.message_key(seq),
            None => prefix_end(&self.messages),
        };
        let page = storage.kv_scan(ScanRequest {
            start: &self.messages,
            end: &end,
            limit: limit.saturating_add(1),
            reverse: true,
            cursor: None,
        })?;
        let more_before = page.entries.len() > limit as usize;
        let mut messages = page
            .entries
            .iter()
            .take(limit as usize)
            .map(|entry| decode_json::<M>(&entry.key, &entry.value))
            .collect::<PluginResult<Vec<_>>>()?;
        messages.reverse();
        Ok((messages, more_before))
    }

    /// As [`Thread::page`], leaving out messages written before `since` (`at_of` says when
    /// a message was written): reading stops at the first one older, so the cost stays one
    /// page whatever the thread's length.
    pub fn page_since<M: DeserializeOwned>(
        &self,
        storage: &mut impl Storage,
        before: Option<u64>,
        limit: u32,
        since: Option<Timestamp>,
        at_of: impl Fn(&M) -> Timestamp,
    ) -> PluginResult<(Vec<M>, bool)> {
        let (mut messages, more_before) = self.page::<M>(storage, before, limit)?;
        let Some(since) = since else {
            return Ok((messages, more_before));
        };
        let kept_from = messages.iter().position(|message| at_of(message) >= since);
        match kept_from {
            Some(0) => Ok((messages, more_before)),
            Some(first) => Ok((messages.split_off(first), false)),
            None => Ok((Vec::new(), false)),
        }
    }

    /// Deletes every message of the thread and what keeps retries once; how many messages.
    pub fn delete_all(&self, storage: &mut impl Storage) -> PluginResult<usize> {
        let mut deleted = 0;
        for (prefix, count) in [(&self.messages, true), (&self.client_ids, false)] {
            for entry in scan_all(storage, prefix, &prefix_end(prefix))? {
                storage.kv_delete(&entry.key)?;
                deleted += usize::from(count);
            }
        }
        Ok(deleted)
    }

    /// Every message after number `seq`, oldest first.
    pub fn after<M: DeserializeOwned>(&self, storage: &mut impl Storage, seq: u64) -> PluginResult<Vec<M>> {
        scan_all(storage, &self.message_key(seq + 1), &prefix_end(&self.messages))?
            .iter()
            .map(|entry| decode_json(&entry.key, &entry.value))
            .collect()
    }
}

/// A client-chosen message id: 1 to 64 letters, digits, `-` or `_`.
pub fn check_client_id(id: &str) -> PluginResult<()> {
    let ok = (1..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(PluginError::Invalid(format!(
            "client_id: {:?} must be 1 to 64 letters, digits, '-' or '_'",
            id.chars().take(80).collect::<String>()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::fake_host::FakeHost;

    #[test]
    fn tc_6_a_thread_pages_backwards_from_any_number_and_keeps_retries_once() {
        let mut host = FakeHost::demo();
        let thread = Thread::new("test", "t/1");
        for seq in 1..=25u64 {
            thread.store(&mut host, seq, &format!("c{seq}"), &seq).unwrap();
        }
        let (last, more) = thread.page::<u64>(&mut host, None, 10).unwrap();
        assert_eq!(
            (last.first().copied(), last.last().copied(), more),
            (Some(16), Some(25), true)
        );
        let (first, more) = thread.page::<u64>(&mut host, Some(6), 10).unwrap();
        assert_eq!((first, more), ((1..=5).collect::<Vec<u64>>(), false));
        assert_eq!(thread.retried::<u64>(&mut host, "c7").unwrap(), Some(7));
        assert_eq!(thread.retried::<u64>(&mut host, "nope").unwrap(), None);
        assert_eq!(thread.after::<u64>(&mut host, 23).unwrap(), vec![24, 25]);
        assert!(check_client_id("a b").is_err() && check_client_id("ok-1_x").is_ok());
        // Written at its number times 10: since 215, only 22 to 25 are left, and nothing older.
        let (recent, more) = thread
            .page_since::<u64>(&mut host, None, 10, Some(215), |seq| seq * 10)
            .unwrap();
        assert_eq!((recent, more), (vec![22, 23, 24, 25], false));
        let (none, _) = thread
            .page_since::<u64>(&mut host, None, 10, Some(10_000), |seq| seq * 10)
            .unwrap();
        assert!(none.is_empty());
    }
}
