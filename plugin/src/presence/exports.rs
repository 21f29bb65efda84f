//! The `presence` export: the WIT functions onto the rules (inside a component only).

use super::{changes, history, monitoring, put_offline, reads, schedule, settings};
use crate::bindings::Component;
use crate::bindings::exports::helpdesk::chat::presence::{
    AgentPresenceIn, ChangeOutcome, ChatStatusEvent, Guest, HistoryFilter, MonitoringSettings, OnlineAgentsPage,
    OnlineSchedule, PresenceHistoryPage, PresenceSettings, ProjectPresenceView, PutOfflineOutcome, ScheduleView,
};
use crate::bindings::helpdesk::chat::types::{CallContext, Error};
use crate::capabilities::wit_host::WitHost;

impl Guest for Component {
    fn go_online(ctx: CallContext, all_projects: bool, duration_minutes: Option<u32>) -> Result<ChangeOutcome, Error> {
        Ok(changes::go_online(&mut WitHost, &ctx, all_projects, duration_minutes)?)
    }

    fn go_offline(ctx: CallContext, all_projects: bool) -> Result<ChangeOutcome, Error> {
        Ok(changes::go_offline(&mut WitHost, &ctx, all_projects)?)
    }

    fn get_presence_settings(ctx: CallContext) -> Result<PresenceSettings, Error> {
        Ok(settings::presence_settings(&mut WitHost, &ctx)?)
    }

    fn save_presence_settings(ctx: CallContext, new: PresenceSettings) -> Result<PresenceSettings, Error> {
        Ok(settings::save_presence_settings(&mut WitHost, &ctx, new)?)
    }

    fn get_schedule(ctx: CallContext) -> Result<ScheduleView, Error> {
        Ok(schedule::get_schedule(&mut WitHost, &ctx)?)
    }

    fn save_schedule(ctx: CallContext, new: OnlineSchedule) -> Result<ScheduleView, Error> {
        Ok(schedule::save_schedule(&mut WitHost, &ctx, new)?)
    }

    fn get_monitoring(ctx: CallContext) -> Result<MonitoringSettings, Error> {
        Ok(monitoring::get_monitoring(&mut WitHost, &ctx)?)
    }

    fn save_monitoring(ctx: CallContext, new: MonitoringSettings) -> Result<MonitoringSettings, Error> {
        Ok(monitoring::save_monitoring(&mut WitHost, &ctx, new)?)
    }

    fn put_offline(ctx: CallContext, agent: Option<String>) -> Result<PutOfflineOutcome, Error> {
        Ok(put_offline::put_offline(&mut WitHost, &ctx, agent.as_deref())?)
    }

    fn project_presence(ctx: CallContext) -> Result<ProjectPresenceView, Error> {
        Ok(reads::project_presence(&mut WitHost, &ctx)?)
    }

    fn online_agents(ctx: CallContext, after: Option<String>, limit: Option<u32>) -> Result<OnlineAgentsPage, Error> {
        Ok(reads::online_agents(&mut WitHost, &ctx, after.as_deref(), limit)?)
    }

    fn chat_status(ctx: CallContext) -> Result<ChatStatusEvent, Error> {
        Ok(reads::chat_status(&mut WitHost, &ctx)?)
    }

    fn presence_history(
        ctx: CallContext,
        filter: HistoryFilter,
        before: Option<String>,
        limit: Option<u32>,
    ) -> Result<PresenceHistoryPage, Error> {
        Ok(history::presence_history(
            &mut WitHost,
            &ctx,
            &filter,
            before.as_deref(),
            limit,
        )?)
    }

    fn my_presence(ctx: CallContext) -> Result<Vec<AgentPresenceIn>, Error> {
        Ok(reads::my_presence(&mut WitHost, &ctx)?)
    }
}
