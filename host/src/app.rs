//! Assembling the host: the site (storage, plugin, scheduler), the API and the pages, and
//! the HTTP server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::api::{self, ApiContext, ApiSettings};
use crate::http_server::{self, HttpLimits};
use crate::mail_delivery::{MailDelivery, MailSettings};
use crate::site::{Site, SiteSettings};
use crate::web;

/// How the host is set up.
#[derive(Debug, Clone)]
pub struct HostSettings {
    /// The site below HTTP: storage, plugin and limits.
    pub site: SiteSettings,
    /// The HTTP layer's settings.
    pub api: ApiSettings,
    /// The HTTP server's limits.
    pub http: HttpLimits,
    /// The mail server the outbox is delivered to; `None` keeps mail in the outbox.
    pub mail: Option<MailSettings>,
}

/// How often activity held back is looked at (PR-9).
const HELD_ACTIVITY_EVERY: Duration = Duration::from_secs(5);

/// Tells the plugin of activity held back, every few seconds, for as long as the host runs.
async fn tell_held_activity_forever(api: ApiContext) {
    loop {
        tokio::time::sleep(HELD_ACTIVITY_EVERY).await;
        crate::api::caller::tell_held_activity(&api).await;
    }
}

/// A host ready to serve.
pub struct Host {
    /// What the API handlers share.
    pub api: ApiContext,
    /// The API and the web pages, with request ids, deadlines and tracing.
    pub router: Router,
    /// Tells open streams that the host is stopping.
    shutdown: tokio::sync::watch::Sender<bool>,
    http: HttpLimits,
    mail: Option<MailDelivery>,
}

impl Host {
    /// Opens the site and builds the router.
    pub async fn build(settings: &HostSettings) -> anyhow::Result<Host> {
        let site = Site::open(&settings.site).await?;
        let mail = match &settings.mail {
            Some(mail) => Some(MailDelivery::new(site.db.clone(), site.clock.clone(), mail)?),
            None => None,
        };
        let (api_router, doc) = api::router();
        let openapi_json: Arc<str> = serde_json::to_string_pretty(&doc)
            .context("writing the OpenAPI document")?
            .into();
        let (shutdown, shutdown_signal) = tokio::sync::watch::channel(false);
        let api = ApiContext {
            site,
            settings: Arc::new(settings.api.clone()),
            activity: crate::activity::ActivityTracker::default(),
            limits: Arc::new(crate::api::request_limits::RequestLimits::new(
                settings.api.team_messages_per_minute,
            )),
            passwords: crate::password_work::PasswordWork::for_cores(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )?,
            shutdown: shutdown_signal,
            openapi_json,
        };
        let router = Router::new()
            .merge(api_router)
            .merge(web::router())
            .layer(axum::middleware::from_fn_with_state(api.clone(), api::request_context))
            .with_state(api.clone())
            // Every answer, page or API: no content-type sniffing, and other sites learn no
            // more than our origin from links.
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ))
            .layer(DefaultBodyLimit::max(settings.http.max_body_bytes))
            .layer(RequestBodyTimeoutLayer::new(settings.http.body_timeout))
            .layer(TraceLayer::new_for_http());
        Ok(Host {
            api,
            router,
            shutdown,
            http: settings.http.clone(),
            mail,
        })
    }

    /// Serves until Ctrl-C; prints the URL to open once listening.
    pub async fn serve(self, listen: SocketAddr) -> anyhow::Result<()> {
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        let address = listener.local_addr()?;
        tokio::spawn(self.api.site.scheduler.clone().run_forever());
        tokio::spawn(tell_held_activity_forever(self.api.clone()));
        if let Some(mail) = self.mail {
            tokio::spawn(mail.run_forever());
        }
        // Tests read this line to learn the port.
        println!("helpdesk host listening on http://{address}/");
        let shutdown = self.shutdown;
        let hub = self.api.site.hub.clone();
        let make_room: http_server::MakeRoom = Arc::new(move || hub.shed_oldest_anonymous());
        http_server::serve(listener, self.router, &self.http, make_room, async move {
            let _ = tokio::signal::ctrl_c().await;
            // Push streams never end by themselves: end them, or shutdown waits for them.
            let _ = shutdown.send(true);
        })
        .await?;
        // Let the storage writer finish its batch.
        tokio::time::sleep(Duration::from_millis(50)).await;
        Ok(())
    }
}
