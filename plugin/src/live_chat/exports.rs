//! The `live-chat` export: the WIT functions onto the rules (inside a component only).

use super::{
    business_hours, canned_replies, conversations, identity, notes, reads, registration, settings, to_issue,
    transcript, transfer, visitor_context, welcome,
};
use crate::bindings::Component;
use crate::bindings::exports::helpdesk::chat::live_chat::{
    BusinessHours, CannedReply, CannedReplyDraft, ChatMessage, Conversation, ConversationNote, ConversationStart,
    Guest, IdentitySecretView, InboxCounts, InboxPage, InboxView, MessagePage, PageReport, RegistrationOutcome,
    RegistrationStarted, TranscriptConfirmation, TranscriptSent, TransferOffer, TransferTarget, VisitorContext,
    WelcomeText, WidgetSettings, WidgetView,
};
use crate::bindings::helpdesk::chat::types::{CallContext, Error};
use crate::capabilities::wit_host::WitHost;

impl Guest for Component {
    fn transfer_conversation(
        ctx: CallContext,
        conversation: String,
        to: TransferTarget,
        note: Option<String>,
    ) -> Result<Conversation, Error> {
        Ok(transfer::transfer_conversation(
            &mut WitHost,
            &ctx,
            &conversation,
            to,
            note.as_deref(),
        )?)
    }

    fn answer_transfer(ctx: CallContext, conversation: String, accept: bool) -> Result<Conversation, Error> {
        Ok(transfer::answer_transfer(&mut WitHost, &ctx, &conversation, accept)?)
    }

    fn transfer_offers(ctx: CallContext) -> Result<Vec<TransferOffer>, Error> {
        Ok(transfer::transfer_offers(&mut WitHost, &ctx)?)
    }

    fn add_note(
        ctx: CallContext,
        conversation: String,
        client_id: String,
        body: String,
    ) -> Result<ConversationNote, Error> {
        Ok(notes::add_note(&mut WitHost, &ctx, &conversation, &client_id, &body)?)
    }

    fn notes(ctx: CallContext, conversation: String) -> Result<Vec<ConversationNote>, Error> {
        Ok(notes::notes(&mut WitHost, &ctx, &conversation)?)
    }

    fn report_page(ctx: CallContext, conversation: String, report: PageReport) -> Result<(), Error> {
        Ok(visitor_context::report_page(&mut WitHost, &ctx, &conversation, report)?)
    }

    fn get_visitor_context(ctx: CallContext, conversation: String) -> Result<VisitorContext, Error> {
        Ok(visitor_context::visitor_context(&mut WitHost, &ctx, &conversation)?)
    }

    fn get_business_hours(ctx: CallContext) -> Result<BusinessHours, Error> {
        Ok(business_hours::business_hours(&mut WitHost, &ctx)?)
    }

    fn save_business_hours(ctx: CallContext, hours: BusinessHours) -> Result<BusinessHours, Error> {
        Ok(business_hours::save_business_hours(&mut WitHost, &ctx, hours)?)
    }

    fn canned_replies(ctx: CallContext) -> Result<Vec<CannedReply>, Error> {
        Ok(canned_replies::canned_replies(&mut WitHost, &ctx)?)
    }

    fn add_canned_reply(ctx: CallContext, draft: CannedReplyDraft) -> Result<CannedReply, Error> {
        Ok(canned_replies::add_canned_reply(&mut WitHost, &ctx, draft)?)
    }

    fn change_canned_reply(ctx: CallContext, reply: String, draft: CannedReplyDraft) -> Result<CannedReply, Error> {
        Ok(canned_replies::change_canned_reply(&mut WitHost, &ctx, &reply, draft)?)
    }

    fn delete_canned_reply(ctx: CallContext, reply: String) -> Result<(), Error> {
        Ok(canned_replies::delete_canned_reply(&mut WitHost, &ctx, &reply)?)
    }

    fn use_canned_reply(ctx: CallContext, conversation: String, reply: String) -> Result<String, Error> {
        Ok(canned_replies::use_canned_reply(
            &mut WitHost,
            &ctx,
            &conversation,
            &reply,
        )?)
    }

    fn welcome_texts(ctx: CallContext) -> Result<Vec<WelcomeText>, Error> {
        Ok(welcome::welcome_texts(&mut WitHost, &ctx)?)
    }

    fn save_welcome_text(ctx: CallContext, language: String, text: Option<String>) -> Result<Vec<WelcomeText>, Error> {
        Ok(welcome::save_welcome_text(
            &mut WitHost,
            &ctx,
            &language,
            text.as_deref(),
        )?)
    }

    fn get_widget_settings(ctx: CallContext) -> Result<WidgetSettings, Error> {
        Ok(settings::widget_settings(&mut WitHost, &ctx)?)
    }

    fn save_widget_settings(ctx: CallContext, settings: WidgetSettings) -> Result<WidgetSettings, Error> {
        Ok(settings::save_widget_settings(&mut WitHost, &ctx, settings)?)
    }

    fn widget(ctx: CallContext) -> Result<WidgetView, Error> {
        Ok(reads::widget(&mut WitHost, &ctx)?)
    }

    fn may_log_in_through_widget(ctx: CallContext, user: String) -> Result<bool, Error> {
        Ok(settings::may_log_in_through_widget(&mut WitHost, &ctx, &user)?)
    }

    fn check_registration(ctx: CallContext, display_name: String, email: String) -> Result<(), Error> {
        registration::check_registration(&mut WitHost, &ctx, &display_name, &email)?;
        Ok(())
    }

    fn begin_registration(ctx: CallContext, display_name: String, email: String) -> Result<RegistrationStarted, Error> {
        Ok(registration::begin_registration(
            &mut WitHost,
            &ctx,
            &display_name,
            &email,
        )?)
    }

    fn finish_registration(ctx: CallContext, registration: String, code: String) -> Result<RegistrationOutcome, Error> {
        Ok(registration::finish_registration(
            &mut WitHost,
            &ctx,
            &registration,
            &code,
        )?)
    }

    fn start_conversation(ctx: CallContext, start: ConversationStart) -> Result<Conversation, Error> {
        Ok(conversations::start_conversation(&mut WitHost, &ctx, start)?)
    }

    fn post_message(
        ctx: CallContext,
        conversation: String,
        client_id: String,
        body: String,
    ) -> Result<ChatMessage, Error> {
        Ok(conversations::post_message(
            &mut WitHost,
            &ctx,
            &conversation,
            &client_id,
            &body,
        )?)
    }

    fn get_conversation(ctx: CallContext, conversation: String) -> Result<Conversation, Error> {
        Ok(reads::get_conversation(&mut WitHost, &ctx, &conversation)?)
    }

    fn messages(
        ctx: CallContext,
        conversation: String,
        before: Option<u64>,
        limit: Option<u32>,
    ) -> Result<MessagePage, Error> {
        Ok(reads::messages(&mut WitHost, &ctx, &conversation, before, limit)?)
    }

    fn my_conversations(ctx: CallContext) -> Result<Vec<Conversation>, Error> {
        Ok(reads::my_conversations(&mut WitHost, &ctx)?)
    }

    fn inbox(
        ctx: CallContext,
        view: Option<InboxView>,
        before: Option<String>,
        limit: Option<u32>,
    ) -> Result<InboxPage, Error> {
        Ok(reads::inbox(&mut WitHost, &ctx, view, before.as_deref(), limit)?)
    }

    fn get_inbox_counts(ctx: CallContext) -> Result<InboxCounts, Error> {
        Ok(reads::get_inbox_counts(&mut WitHost, &ctx)?)
    }

    fn assign(ctx: CallContext, conversation: String, assignee: Option<String>) -> Result<Conversation, Error> {
        Ok(conversations::assign(
            &mut WitHost,
            &ctx,
            &conversation,
            assignee.as_deref(),
        )?)
    }

    fn identify_visitor(ctx: CallContext, token: Option<String>) -> Result<WidgetView, Error> {
        Ok(identity::identify_visitor(&mut WitHost, &ctx, token.as_deref())?)
    }

    fn identity_secret(ctx: CallContext) -> Result<IdentitySecretView, Error> {
        Ok(identity::identity_secret(&mut WitHost, &ctx)?)
    }

    fn change_identity_secret(ctx: CallContext, enabled: bool) -> Result<IdentitySecretView, Error> {
        Ok(identity::change_identity_secret(&mut WitHost, &ctx, enabled)?)
    }

    fn email_transcript(
        ctx: CallContext,
        conversation: String,
        email: Option<String>,
    ) -> Result<TranscriptSent, Error> {
        Ok(transcript::email_transcript(
            &mut WitHost,
            &ctx,
            &conversation,
            email.as_deref(),
        )?)
    }

    fn confirm_transcript(
        ctx: CallContext,
        conversation: String,
        code: String,
    ) -> Result<TranscriptConfirmation, Error> {
        Ok(transcript::confirm_transcript(
            &mut WitHost,
            &ctx,
            &conversation,
            &code,
        )?)
    }

    fn make_issue(ctx: CallContext, conversation: String, summary: Option<String>) -> Result<Conversation, Error> {
        Ok(to_issue::make_issue(
            &mut WitHost,
            &ctx,
            &conversation,
            summary.as_deref(),
        )?)
    }

    fn end_conversation(ctx: CallContext, conversation: String) -> Result<Conversation, Error> {
        Ok(conversations::end_conversation(&mut WitHost, &ctx, &conversation)?)
    }

    fn typing(ctx: CallContext, conversation: String, typing: bool) -> Result<(), Error> {
        Ok(conversations::typing(&mut WitHost, &ctx, &conversation, typing)?)
    }

    fn mark_seen(ctx: CallContext, conversation: String, seq: u64) -> Result<Conversation, Error> {
        Ok(conversations::mark_seen(&mut WitHost, &ctx, &conversation, seq)?)
    }
}
