//! Conversations changing (LC-9, PR-11): a customer starts one, both sides write, an agent
//! takes it, either side ends it, typing and "seen". Every change publishes what it changed
//! on the conversation's topic and its project's inbox, delivered once the call commits.

use helpdesk_text_policy::{optional_email, text};

use super::business_hours;
use super::events;
use super::keys;
use super::rate_limits::{self, CountedAction};
use super::record::{self, Side, StoredConversation, anonymous_name, customer_key, is_agent, visitor_number};
use super::settings;
use super::verified;
use crate::bindings::exports::helpdesk::chat::live_chat::{
    AgentRef, AuthorKind, ChatMessage, Conversation, ConversationStart, ConversationStatus, CustomerRef,
};
use crate::bindings::helpdesk::chat::types::{Actor, CallContext};
use crate::capabilities::{Clock, Directory, Mail, Push, Storage};
use crate::error::{PluginError, PluginResult};
use crate::message_log::{MESSAGE_BODY, Thread, check_client_id, preview};
use crate::storage::{get_json, put_json};

/// The longest page URL kept with a conversation.
pub const MAX_PAGE_URL: usize = 2000;

/// Starts a conversation with its first message, or gives back the one this client id
/// started (LC-9).
pub fn start_conversation<H: Clock + Directory + Storage + Push + Mail>(
    host: &mut H,
    ctx: &CallContext,
    start: ConversationStart,
) -> PluginResult<Conversation> {
    let (project, widget) = settings::widget_on_page(host, ctx)?;
    let customer = match &ctx.actor {
        Actor::User(user) | Actor::Customer(user) if is_agent(host, user, &project) => {
            return Err(PluginError::AccessDenied(format!(
                "agents of {project} answer its chats from the inbox; they do not start them"
            )));
        }
        Actor::Visitor(visitor) if !widget.anonymous && verified::verified(host, &project, visitor)?.is_none() => {
            return Err(PluginError::AccessDenied(format!(
                "log in or register to chat: anonymous chat is off in {project}"
            )));
        }
        Actor::User(_) | Actor::Customer(_) | Actor::Visitor(_) => {
            customer_key(host, ctx, &project)?.unwrap_or_default()
        }
        Actor::Anonymous | Actor::System => {
            return Err(PluginError::AccessDenied("log in, or chat through the widget".into()));
        }
    };
    check_client_id(&start.client_id)?;
    let body = text(&start.body, MESSAGE_BODY).map_err(PluginError::Invalid)?;
    let page_url = start
        .page_url
        .as_deref()
        .map(|raw| checked_web_address(raw, "page_url").map(String::from))
        .transpose()?;
    let email = optional_email(start.email.as_deref()).map_err(PluginError::Invalid)?;

    let started_key = keys::started_by(&customer, &start.client_id);
    if let Some(id) = get_json::<String>(host, &started_key)? {
        let stored = record::load(host, &id)?;
        let first = thread(&id).get::<ChatMessage>(host, 1)?;
        return match first {
            Some(first) if first.body == body => Ok(stored.view),
            _ => Err(PluginError::Conflict(format!(
                "client_id: {:?} already started conversation {id} with another message",
                start.client_id
            ))),
        };
    }
    rate_limits::count(host, ctx, &customer, CountedAction::Start)?;
    let bytes = u32::try_from(body.len()).unwrap_or(u32::MAX);
    rate_limits::count_amount(host, ctx, &customer, CountedAction::Text, bytes)?;

    let now = host.now();
    // Outside business hours a conversation is an offline message, whoever is online (LC-22).
    let closed = business_hours::state_at(host, &project, now, &ctx.languages)?
        .0
        .is_some();
    let offline = closed || crate::presence::online_list::count(host, &project, now)? == 0;
    let customer_ref = customer_ref(host, ctx, &project, email)?;
    if offline && customer_ref.email.is_none() {
        let why = if closed {
            "we are closed now"
        } else {
            "nobody is online now"
        };
        return Err(PluginError::Invalid(format!(
            "email: {why}; leave an e-mail address so that we can answer you"
        )));
    }
    let number = host.kv_increment(keys::CONVERSATION_SEQ, 1)?;
    let id = format!("c{number}");
    let stored = StoredConversation {
        customer,
        view: Conversation {
            id: id.clone(),
            project: project.clone(),
            status: ConversationStatus::Open,
            customer: customer_ref,
            assignee: None,
            agents: Vec::new(),
            page_url,
            locale: ctx.locale.clone(),
            started: now,
            ended: None,
            issue: None,
            offline,
            revision: 0,
            last_seq: 0,
            last_at: now,
            last_preview: String::new(),
            unread_for_agents: 0,
            unread_for_customer: 0,
            seen_by_agents: 0,
            seen_by_customer: 0,
        },
        home: None,
    };
    put_json(host, &started_key, &id)?;
    let (stored, _) = append(host, None, stored, Writer::Customer, &start.client_id, body)?;
    Ok(stored.view)
}

/// Adds a message to an open conversation; a retry with the same client id and body
/// returns the stored message (LC-9, PR-11).
pub fn post_message<H: Clock + Directory + Storage + Push + Mail>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    client_id: &str,
    body: &str,
) -> PluginResult<ChatMessage> {
    let (stored, side) = record::load_for(host, ctx, id)?;
    let writer = writer_of(&side, &stored.view.project)?;
    check_client_id(client_id)?;
    let body = text(body, MESSAGE_BODY).map_err(PluginError::Invalid)?;
    if let Some(message) = thread(id).retried::<ChatMessage>(host, client_id)? {
        let same_author = message.author == writer.kind() && message.agent == writer.agent();
        return if same_author && message.body == body {
            Ok(message)
        } else {
            Err(PluginError::Conflict(format!(
                "client_id: {client_id:?} was already used for another message"
            )))
        };
    }
    require_open(&stored)?;
    if side == Side::Customer {
        rate_limits::count(host, ctx, &stored.customer, CountedAction::Message)?;
        let bytes = u32::try_from(body.len()).unwrap_or(u32::MAX);
        rate_limits::count_amount(host, ctx, &stored.customer, CountedAction::Text, bytes)?;
    }
    let before = stored.clone();
    let (_, message) = append(host, Some(&before), stored, writer, client_id, body)?;
    Ok(message)
}

/// Assigns an open conversation to an agent of its project, or to nobody.
pub fn assign<H: Clock + Directory + Storage + Push + Mail>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    assignee: Option<&str>,
) -> PluginResult<Conversation> {
    let (stored, side) = record::load_for(host, ctx, id)?;
    let project = stored.view.project.clone();
    if !matches!(side, Side::Agent(_)) {
        return Err(PluginError::AccessDenied(format!(
            "only agents of {project} assign its chats"
        )));
    }
    require_open(&stored)?;
    let assignee = match assignee {
        None => None,
        Some(user) if is_agent(host, user, &project) => Some(agent_ref(host, user)),
        Some(user) => {
            return Err(PluginError::Invalid(format!(
                "assignee: {user} is no agent of {project}"
            )));
        }
    };
    if stored.view.assignee == assignee {
        return Ok(stored.view);
    }
    let before = stored.clone();
    let mut after = stored;
    after.view.assignee = assignee.clone();
    match assignee {
        Some(agent) => {
            let notice = format!("{} joined the conversation", agent.display_name);
            let client_id = format!("assign-{}", after.view.last_seq + 1);
            let (after, _) = append(host, Some(&before), after, Writer::System, &client_id, notice)?;
            Ok(after.view)
        }
        None => {
            publish_update(host, Some(&before), &mut after)?;
            Ok(after.view)
        }
    }
}

/// Ends an open conversation; ending an ended one changes nothing.
pub fn end_conversation<H: Clock + Directory + Storage + Push + Mail>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
) -> PluginResult<Conversation> {
    let (stored, side) = record::load_for(host, ctx, id)?;
    writer_of(&side, &stored.view.project)?;
    if stored.view.status == ConversationStatus::Ended {
        return Ok(stored.view);
    }
    let notice = match &side {
        Side::Agent(user) => format!("{} ended the conversation", agent_ref(host, user).display_name),
        _ => format!("{} ended the conversation", stored.view.customer.name),
    };
    let before = stored.clone();
    let mut after = stored;
    after.view.status = ConversationStatus::Ended;
    after.view.ended = Some(host.now());
    let client_id = format!("end-{}", after.view.last_seq + 1);
    let (after, _) = append(host, Some(&before), after, Writer::System, &client_id, notice)?;
    Ok(after.view)
}

/// Tells the other side that the caller started or stopped typing; stores nothing.
pub fn typing<H: Directory + Storage + Push>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    typing: bool,
) -> PluginResult<()> {
    let (stored, side) = record::load_for(host, ctx, id)?;
    let author = writer_of(&side, &stored.view.project)?.kind();
    require_open(&stored)?;
    let name = match &side {
        Side::Agent(user) => agent_ref(host, user).display_name,
        _ => stored.view.customer.name.clone(),
    };
    events::typing(host, &stored.view, author, name, typing)
}

/// Marks messages up to `seq` as seen by the caller's side and recounts its unread messages.
pub fn mark_seen<H: Clock + Directory + Storage + Push + Mail>(
    host: &mut H,
    ctx: &CallContext,
    id: &str,
    seq: u64,
) -> PluginResult<Conversation> {
    let (stored, side) = record::load_for(host, ctx, id)?;
    if seq > stored.view.last_seq {
        return Err(PluginError::Invalid(format!(
            "seq: {seq} is past the last message, {}",
            stored.view.last_seq
        )));
    }
    let before = stored.clone();
    let mut after = stored;
    let view = &mut after.view;
    match side {
        Side::Customer if seq > view.seen_by_customer => {
            view.seen_by_customer = seq;
            view.unread_for_customer = unread_after(host, id, seq, AuthorKind::Agent)?;
        }
        Side::Agent(_) if seq > view.seen_by_agents => {
            view.seen_by_agents = seq;
            view.unread_for_agents = unread_after(host, id, seq, AuthorKind::Customer)?;
        }
        _ => return Ok(before.view),
    }
    publish_update(host, Some(&before), &mut after)?;
    Ok(after.view)
}

/// Stores the next message of a conversation and the conversation as it then stands, and
/// publishes both.
pub(super) fn append<H: Clock + Directory + Storage + Push + Mail>(
    host: &mut H,
    before: Option<&StoredConversation>,
    mut stored: StoredConversation,
    writer: Writer<'_>,
    client_id: &str,
    body: String,
) -> PluginResult<(StoredConversation, ChatMessage)> {
    let now = host.now();
    let view = &mut stored.view;
    let seq = view.last_seq + 1;
    let author = writer.kind();
    let (author_name, agent) = match writer {
        Writer::Agent(user) => {
            let agent = agent_ref(host, user);
            if !view.agents.iter().any(|a| a.user == agent.user) {
                view.agents.push(agent.clone());
            }
            if view.assignee.is_none() {
                view.assignee = Some(agent.clone());
            }
            (agent.display_name, Some(agent.user))
        }
        Writer::Customer => (view.customer.name.clone(), None),
        Writer::System => (String::new(), None),
    };
    let message = ChatMessage {
        conversation: view.id.clone(),
        seq,
        client_id: client_id.to_string(),
        author,
        author_name,
        agent,
        body,
        at: now,
    };
    view.last_seq = seq;
    view.last_at = now;
    view.last_preview = preview(&message.body);
    match author {
        AuthorKind::Customer => {
            view.unread_for_agents += 1;
            view.seen_by_customer = seq;
            view.unread_for_customer = 0;
        }
        AuthorKind::Agent => {
            view.unread_for_customer += 1;
            view.seen_by_agents = seq;
            view.unread_for_agents = 0;
        }
        AuthorKind::System => {}
    }
    if author == AuthorKind::Agent && view.offline {
        mail_answer(host, view, &message)?;
    }
    thread(&view.id).store(host, seq, client_id, &message)?;
    events::message(host, &message)?;
    publish_update(host, before, &mut stored)?;
    Ok((stored, message))
}

/// Mails an agent's answer to an offline message to its customer (LC-10).
fn mail_answer<H: Directory + Mail>(host: &mut H, view: &Conversation, message: &ChatMessage) -> PluginResult<()> {
    let Some(email) = &view.customer.email else {
        return Ok(());
    };
    let project = host.project_name(&view.project);
    let subject = format!("{} answered your message to {project}", message.author_name);
    let body = format!(
        "{} wrote:\n\n{}\n\nThis answers your chat message (conversation {}). Open the chat on our site again to \
         continue the conversation there.\n",
        message.author_name, message.body, view.id
    );
    host.send_mail(std::slice::from_ref(email), &subject, &body)
}

/// Saves a changed conversation and tells its watchers.
pub(super) fn publish_update(
    host: &mut (impl Storage + Push),
    before: Option<&StoredConversation>,
    after: &mut StoredConversation,
) -> PluginResult<()> {
    let counts_changed = record::save(host, before, after)?;
    events::conversation_updated(host, &after.view)?;
    if counts_changed {
        let counts = record::counts(host, &after.view.project)?;
        events::inbox_counts(host, &counts)?;
    }
    Ok(())
}

/// How many messages of `author` come after `seq`.
fn unread_after(storage: &mut impl Storage, id: &str, seq: u64, author: AuthorKind) -> PluginResult<u32> {
    let later = thread(id).after::<ChatMessage>(storage, seq)?;
    Ok(later.iter().filter(|message| message.author == author).count() as u32)
}

/// Where a conversation's messages live: the message log every chat shares.
pub fn thread(id: &str) -> Thread {
    Thread::new(keys::NAMESPACE, id)
}

/// Who writes a message.
#[derive(Debug, Clone, Copy)]
pub(super) enum Writer<'a> {
    /// The conversation's customer.
    Customer,
    /// An agent of the project.
    Agent(&'a str),
    /// Nobody: a notice.
    System,
}

impl Writer<'_> {
    fn kind(self) -> AuthorKind {
        match self {
            Writer::Customer => AuthorKind::Customer,
            Writer::Agent(_) => AuthorKind::Agent,
            Writer::System => AuthorKind::System,
        }
    }

    fn agent(self) -> Option<String> {
        match self {
            Writer::Agent(user) => Some(user.to_string()),
            Writer::Customer | Writer::System => None,
        }
    }
}

/// The writer a side is; overseers read but do not write.
fn writer_of<'s>(side: &'s Side, project: &str) -> PluginResult<Writer<'s>> {
    match side {
        Side::Customer => Ok(Writer::Customer),
        Side::Agent(user) => Ok(Writer::Agent(user)),
        Side::Overseer(_) => Err(PluginError::AccessDenied(format!(
            "only agents of {project} answer its chats"
        ))),
    }
}

pub(super) fn require_open(stored: &StoredConversation) -> PluginResult<()> {
    match stored.view.status {
        ConversationStatus::Open => Ok(()),
        ConversationStatus::Ended => Err(PluginError::Conflict(format!(
            "conversation {} has ended",
            stored.view.id
        ))),
    }
}

/// An agent as others see them; one who left the directory keeps their id as name.
pub fn agent_ref(directory: &impl Directory, user: &str) -> AgentRef {
    AgentRef {
        user: user.to_string(),
        display_name: directory.display_name(user),
    }
}

/// The customer as agents will see them; a visitor gets their number on their first chat.
fn customer_ref<H: Directory + Storage>(
    host: &mut H,
    ctx: &CallContext,
    project: &str,
    email: Option<String>,
) -> PluginResult<CustomerRef> {
    match &ctx.actor {
        Actor::User(id) | Actor::Customer(id) => {
            let user = host.user(id);
            let known_email = user.as_ref().map(|u| u.email.clone()).filter(|e| !e.is_empty());
            Ok(CustomerRef {
                name: user.map(|u| u.display_name).unwrap_or_else(|| id.clone()),
                email: email.or(known_email),
                user: Some(id.clone()),
            })
        }
        Actor::Visitor(visitor) => match verified::verified(host, project, visitor)? {
            Some(verified) => Ok(CustomerRef {
                name: verified.name,
                email: email.or(verified.email),
                user: None,
            }),
            None => Ok(CustomerRef {
                name: anonymous_name(visitor_number(host, visitor, true)?.unwrap_or_default()),
                email,
                user: None,
            }),
        },
        Actor::Anonymous | Actor::System => Err(PluginError::AccessDenied("log in first".into())),
    }
}

/// A web address a widget reports (`field` names it in errors): `http` or `https`, at most
/// [`MAX_PAGE_URL`] characters, as a URL parser writes it.
pub(super) fn checked_web_address(raw: &str, field: &str) -> PluginResult<url::Url> {
    let raw = raw.trim();
    if raw.chars().count() > MAX_PAGE_URL {
        return Err(PluginError::Invalid(format!(
            "{field}: at most {MAX_PAGE_URL} characters"
        )));
    }
    let url =
        url::Url::parse(raw).map_err(|err| PluginError::Invalid(format!("{field}: not a web address ({err})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(PluginError::Invalid(format!(
            "{field}: must be an http or https address"
        )));
    }
    Ok(url)
}
