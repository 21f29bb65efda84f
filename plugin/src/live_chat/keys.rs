//! Where live chat keeps its data in the plugin's key-value storage. Every key starts with
//! `live-chat/`; user-chosen parts go through [`key_part`].

use crate::storage::{key_part, time_part};

/// What every live chat key starts with (its messages too, in the shared message log).
pub const NAMESPACE: &str = "live-chat";

/// A project's widget settings.
pub fn settings(project: &str) -> String {
    format!("live-chat/settings/{}", key_part(project))
}

/// The counter that numbers conversations across the site.
pub const CONVERSATION_SEQ: &str = "live-chat/conversation-seq";

/// The counter that numbers anonymous visitors across the site.
pub const VISITOR_SEQ: &str = "live-chat/visitor-seq";

/// A visitor's number ("Anonymous Chat User #n").
pub fn visitor_number(visitor: &str) -> String {
    format!("live-chat/visitor-number/{}", key_part(visitor))
}

/// One conversation's record.
pub fn conversation(id: &str) -> String {
    format!("live-chat/conversation/{}", key_part(id))
}

/// The conversation a customer's first-message client id started.
pub fn started_by(customer: &str, client_id: &str) -> String {
    format!("live-chat/started/{}/{}", key_part(customer), key_part(client_id))
}

/// A customer's recent actions of one kind, for rate limits.
pub fn rate(kind: &str, customer: &str) -> String {
    format!("live-chat/rate/{kind}/{}", key_part(customer))
}

/// Recent actions of one kind from one network address, for rate limits.
pub fn rate_by_address(kind: &str, address: &str) -> String {
    format!("live-chat/rate-address/{kind}/{}", key_part(address))
}

/// The prefix of a project's index of every conversation, by last activity.
pub fn all_prefix(project: &str) -> String {
    format!("live-chat/view/{}/all/", key_part(project))
}

/// The prefix of a project's index of open conversations assigned to nobody.
pub fn unassigned_prefix(project: &str) -> String {
    format!("live-chat/view/{}/unassigned/", key_part(project))
}

/// The prefix of a project's index of the open conversations assigned to `agent`.
pub fn mine_prefix(project: &str, agent: &str) -> String {
    format!("live-chat/view/{}/mine/{}/", key_part(project), key_part(agent))
}

/// A conversation's entry in an index ordered by last activity.
pub fn view_entry(prefix: &str, last_at: u64, id: &str) -> String {
    format!("{prefix}{}/{}", time_part(last_at), key_part(id))
}

/// The prefix of a customer's conversations in a project.
pub fn customer_prefix(project: &str, customer: &str) -> String {
    format!("live-chat/customer/{}/{}/", key_part(project), key_part(customer))
}

/// A project's counter of open conversations in one state.
pub fn count(project: &str, what: &str) -> String {
    format!("live-chat/count/{}/{what}", key_part(project))
}

/// The site-wide welcome text of one language (`""` gives the prefix of them all).
pub fn welcome(language: &str) -> String {
    format!("live-chat/welcome/{}", key_part(language))
}

/// A project's identity secret (identity verification of its site's users).
pub fn identity_secret(project: &str) -> String {
    format!("live-chat/identity-secret/{}", key_part(project))
}

/// Where the markers of projects' retention sweeps live (`<prefix><time>/<project>`).
pub const RETENTION_DUE_PREFIX: &str = "live-chat/due/retention/";

/// When a project's next retention sweep is planned (so that planning again moves it).
pub fn retention_planned(project: &str) -> String {
    format!("live-chat/retention-planned/{}", key_part(project))
}

/// Where a project's retention sweep resumes: the last index entry its pass looked at.
pub fn retention_resume(project: &str) -> String {
    format!("live-chat/retention-resume/{}", key_part(project))
}

/// A registration waiting for its code.
pub fn registration(id: &str) -> String {
    format!("live-chat/registration/{}", key_part(id))
}

/// Where the markers of registrations' expiry live (`<prefix><time>/<id>`).
pub const REGISTRATION_DUE_PREFIX: &str = "live-chat/due/registration/";

/// The address a conversation's customer proved with a code (transcripts go there at once).
pub fn proven_address(conversation: &str) -> String {
    format!("live-chat/proven-address/{}", key_part(conversation))
}

/// The code a conversation's transcript waits for.
pub fn transcript_code(conversation: &str) -> String {
    format!("live-chat/transcript-code/{}", key_part(conversation))
}

/// Who a visitor was verified to be in a project.
pub fn verified_visitor(project: &str, visitor: &str) -> String {
    format!("live-chat/verified/{}/{}", key_part(project), key_part(visitor))
}

/// The counter that numbers canned replies across the site (LC-14).
pub const CANNED_REPLY_SEQ: &str = "live-chat/canned-reply-seq";

/// Where a project's canned replies live (`owner` none), or one agent's own in it.
pub fn canned_replies_prefix(project: &str, owner: Option<&str>) -> String {
    match owner {
        None => format!("live-chat/canned/{}/project/", key_part(project)),
        Some(owner) => format!("live-chat/canned/{}/own/{}/", key_part(project), key_part(owner)),
    }
}

/// One canned reply.
pub fn canned_reply(project: &str, owner: Option<&str>, id: &str) -> String {
    format!("{}{}", canned_replies_prefix(project, owner), key_part(id))
}

/// A project's business hours (LC-22).
pub fn business_hours(project: &str) -> String {
    format!("live-chat/business-hours/{}", key_part(project))
}

/// Where a conversation's visitor is and has been (LC-21).
pub fn visitor_context(conversation: &str) -> String {
    format!("live-chat/visitor-context/{}", key_part(conversation))
}

/// The counter that numbers a conversation's notes (LC-18).
pub fn note_seq(conversation: &str) -> String {
    format!("live-chat/note-seq/{}", key_part(conversation))
}

/// Where the colleagues pulled into a conversation are marked (LC-18).
pub fn pulled_in_prefix(conversation: &str) -> String {
    format!("live-chat/pulled-in/{}/", key_part(conversation))
}

/// The mark of one colleague pulled into a conversation.
pub fn pulled_in(conversation: &str, user: &str) -> String {
    format!("{}{}", pulled_in_prefix(conversation), key_part(user))
}

/// A conversation's transfer offer waiting for an answer (LC-13).
pub fn transfer(conversation: &str) -> String {
    format!("live-chat/transfer/{}", key_part(conversation))
}

/// Where the offers waiting for one agent are listed.
pub fn transfers_to_prefix(user: &str) -> String {
    format!("live-chat/transfer-to/{}/", key_part(user))
}

/// One offer waiting for `user`.
pub fn transfer_to(user: &str, conversation: &str) -> String {
    format!("{}{}", transfers_to_prefix(user), key_part(conversation))
}
