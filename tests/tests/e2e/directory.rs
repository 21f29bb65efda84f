//! The directory and issues through the API (SPEC PL-3).

use helpdesk_e2e::TestSite;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn pl_3_the_directory_changes_through_the_api() {
    let site = TestSite::start();
    let sam = site.login("sam").await;
    let new_user =
        json!({ "id": "nina", "display_name": "Nina New", "email": "nina@example.test", "password": "longenough" });
    let (status, body) = sam.post("/api/v1/directory/users", new_user.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = sam.post("/api/v1/directory/users", new_user).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = sam
        .put(
            "/api/v1/directory/projects/DEV/roles/nina",
            json!({ "roles": ["agent"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let nina = site.anonymous();
    let (status, login) = nina
        .post(
            "/api/v1/auth/login",
            json!({ "user": "nina", "password": "longenough" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The token works as a bearer token for scripts.
    let token = login["token"].as_str().unwrap();
    let script = reqwest::Client::new();
    let response = script
        .post(site.url("/api/v1/projects/DEV/presence/online"))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let tom = site.login("tom").await;
    let (status, body) = tom
        .put(
            "/api/v1/directory/projects/DEV/roles/tom",
            json!({ "roles": ["agent"] }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::FORBIDDEN, json!("access_denied"))
    );
    let (status, _) = sam
        .post(
            "/api/v1/directory/users",
            json!({ "id": "bad/id", "display_name": "X", "email": "x@y.z", "password": "longenough" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn pl_3_groups_companies_and_issues_change_through_the_api() {
    let site = TestSite::start();
    let sam = site.login("sam").await;
    let (status, body) = sam
        .post(
            "/api/v1/directory/groups",
            json!({ "id": "night-shift", "name": "Night shift", "members": ["bob", "alice", "bob"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, groups) = sam.get("/api/v1/directory/groups").await;
    let night = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "night-shift")
        .unwrap()
        .clone();
    assert_eq!(night["members"], json!(["alice", "bob"]));
    let (status, body) = sam
        .post(
            "/api/v1/directory/companies",
            json!({ "id": "ghostco", "name": "Ghost", "members": ["ghost"] }),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::NOT_FOUND, json!("not_found"))
    );
    let (_, companies) = sam.get("/api/v1/directory/companies").await;
    assert!(
        companies.as_array().unwrap().iter().all(|c| c["id"] != "ghostco"),
        "a refused create stores nothing"
    );

    let tom = site.login("tom").await;
    let (status, issue) = tom
        .post("/api/v1/projects/SUP/issues", json!({ "summary": "Printer on fire" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issue}");
    assert_eq!(issue["key"], "SUP-3", "after the two demo issues");
    let (status, _) = tom
        .post("/api/v1/projects/SUP/issues", json!({ "summary": "  " }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, history) = tom.get("/api/v1/issues/SUP-3/history?kind=comment").await;
    assert_eq!((status, history), (StatusCode::OK, json!([])));
    let (status, _) = tom.get("/api/v1/issues/SUP-99").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let cora = site.login("cora").await;
    let (status, _) = cora.get("/api/v1/issues/SUP-1").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "customers do not browse issues");
}
