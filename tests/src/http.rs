//! An API client that keeps its session cookie.

use reqwest::StatusCode;
use serde_json::{Value, json};

/// One logged-in (or anonymous) user of the API.
pub struct ApiClient {
    pub base_url: String,
    pub client: reqwest::Client,
}

impl ApiClient {
    /// An anonymous client that keeps cookies and says, as the site's own pages do, that it
    /// is one of them (`X-Requested-With`, without which cookie-only writes are refused).
    pub fn anonymous(base_url: &str) -> ApiClient {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-requested-with", "helpdesk".parse().unwrap());
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .build()
            .unwrap();
        ApiClient {
            base_url: base_url.to_string(),
            client,
        }
    }

    /// A widget visitor's client: its visitor token in `X-Visitor-Token`, on a page of the
    /// site itself (`page` = `None`, as a browser says with `Sec-Fetch-Site: same-origin`)
    /// or of another site (`page` = its origin, as the browser sends in `Origin`).
    pub fn visitor(base_url: &str, token: &str, page: Option<&str>) -> ApiClient {
        Self::visitor_with(base_url, token, page, reqwest::header::HeaderMap::new())
    }

    /// A visitor on the site's own pages whose requests a trusted reverse proxy forwards
    /// from `address` (`X-Forwarded-For`).
    pub fn visitor_from(base_url: &str, token: &str, address: &str) -> ApiClient {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", address.parse().unwrap());
        Self::visitor_with(base_url, token, None, headers)
    }

    fn visitor_with(
        base_url: &str,
        token: &str,
        page: Option<&str>,
        mut headers: reqwest::header::HeaderMap,
    ) -> ApiClient {
        headers.insert("x-visitor-token", token.parse().unwrap());
        match page {
            None => headers.insert("sec-fetch-site", "same-origin".parse().unwrap()),
            Some(origin) => headers.insert("origin", origin.parse().unwrap()),
        };
        let client = reqwest::Client::builder().default_headers(headers).build().unwrap();
        ApiClient {
            base_url: base_url.to_string(),
            client,
        }
    }

    /// A client logged in as `user` with the demo password.
    pub async fn login(base_url: &str, user: &str) -> ApiClient {
        Self::login_with(base_url, user, "demo").await
    }

    /// A client logged in as `user` with `password`.
    pub async fn login_with(base_url: &str, user: &str, password: &str) -> ApiClient {
        let api = ApiClient::anonymous(base_url);
        let (status, body) = api
            .post("/api/v1/auth/login", json!({ "user": user, "password": password }))
            .await;
        assert_eq!(status, StatusCode::OK, "login as {user}: {body}");
        api
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// GET a JSON answer.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        Self::answer(self.client.get(self.url(path))).await
    }

    /// GET a JSON answer, saying the client prefers `language` (`Accept-Language`).
    pub async fn get_in_language(&self, path: &str, language: &str) -> (StatusCode, Value) {
        Self::answer(self.client.get(self.url(path)).header("accept-language", language)).await
    }

    /// POST JSON, get a JSON answer.
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        Self::answer(self.client.post(self.url(path)).json(&body)).await
    }

    /// PUT JSON, get a JSON answer.
    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        Self::answer(self.client.put(self.url(path)).json(&body)).await
    }

    /// DELETE, get a JSON answer (`null` for none).
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        Self::answer(self.client.delete(self.url(path))).await
    }

    /// POST JSON; the status and JSON answer, or the transport error (a host that died).
    pub async fn try_post(&self, path: &str, body: &Value) -> reqwest::Result<(StatusCode, Value)> {
        let response = self.client.post(self.url(path)).json(body).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
    }

    /// Sends a request; the status and the JSON body (`null` when there is none).
    async fn answer(request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Moves the host's test clock forward.
    pub async fn advance_clock_minutes(&self, minutes: i64) -> Value {
        self.advance_clock_seconds(minutes * 60).await
    }

    /// Moves the host's test clock forward by seconds.
    pub async fn advance_clock_seconds(&self, seconds: i64) -> Value {
        let (status, body) = self
            .post("/api/v1/test/clock", json!({ "advance_ms": seconds * 1000 }))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}
