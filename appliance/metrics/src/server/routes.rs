//! The dashboard's routes: login and logout, the page, the JSON export and `/metrics`; and the
//! headers every response carries.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tracing::warn;

use super::auth::{self, COOKIE, LOGIN_LIFETIME, Logins};
use crate::dashboard::html;
use crate::{Config, MetricsError, Store, export, openmetrics};

/// What every request can reach.
pub struct AppState {
    /// The aggregates.
    pub store: Mutex<Store>,
    /// The release rules and credentials.
    pub config: Config,
    /// The admin's password hash.
    pub admin_password_hash: String,
    /// Logins in force.
    pub logins: Logins,
}

/// The dashboard's routes over `state`.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(dashboard))
        .route("/login", get(login_page).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/export.json", get(export_json))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(axum::middleware::map_response(secure_headers))
        .with_state(state)
}

/// No response is cached, framed, sniffed or allowed to run script.
async fn secure_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    response
}

fn logged_in(state: &AppState, headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(auth::cookie_value)
        .find(|token| state.logins.is_valid(token))
        .map(str::to_owned)
}

fn see_other(location: &'static str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

fn server_error(error: &MetricsError) -> Response {
    warn!(error = %error, "a dashboard request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the metrics database could not be read; see the station's log\n",
    )
        .into_response()
}

/// Reads and releases the cells off the async threads.
async fn released<T: Send + 'static>(
    state: &Arc<AppState>,
    render: impl FnOnce(&[crate::ReleasedCell], &crate::Policy) -> T + Send + 'static,
) -> Result<T, MetricsError> {
    let state = Arc::clone(state);
    tokio::task::spawn_blocking(move || {
        let policy = state.config.policy();
        let store = state.store.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let cells = crate::release::release(&store.cells()?, &policy, &store.noise_key()?)?;
        Ok(render(&cells, &policy))
    })
    .await
    .unwrap_or_else(|e| Err(MetricsError::Password(format!("a worker failed: {e}"))))
}

async fn dashboard(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if logged_in(&state, &headers).is_none() {
        return see_other("/login");
    }
    match released(&state, crate::dashboard::render).await {
        Ok(page) => Html(page).into_response(),
        Err(error) => server_error(&error),
    }
}

async fn export_json(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if logged_in(&state, &headers).is_none() {
        return see_other("/login");
    }
    match released(&state, export::to_json).await {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(error) => server_error(&error),
    }
}

async fn metrics(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let Some(token) = state.config.metrics_token.clone() else {
        return not_found().await;
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !auth::token_matches(&token, presented) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer realm=\"rapport\"")],
            "a bearer token is required\n",
        )
            .into_response();
    }
    match released(&state, |cells, _| openmetrics::render(cells)).await {
        Ok(body) => ([(header::CONTENT_TYPE, openmetrics::CONTENT_TYPE)], body).into_response(),
        Err(error) => server_error(&error),
    }
}

async fn login_page(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if logged_in(&state, &headers).is_some() {
        return see_other("/");
    }
    Html(html::login(false)).into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    password: String,
}

async fn login(State(state): State<Arc<AppState>>, Form(form): Form<LoginForm>) -> Response {
    let hash = state.admin_password_hash.clone();
    let accepted =
        tokio::task::spawn_blocking(move || auth::verify_password(&hash, &form.password))
            .await
            .unwrap_or(false);
    if !accepted {
        // Slows guessing down; a lab password should still be long.
        tokio::time::sleep(Duration::from_millis(500)).await;
        warn!("a dashboard login failed");
        return (StatusCode::UNAUTHORIZED, Html(html::login(true))).into_response();
    }
    match state.logins.start() {
        Ok(token) => {
            let cookie = format!(
                "{COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
                LOGIN_LIFETIME.as_secs()
            );
            (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, "/".to_owned()), (header::SET_COOKIE, cookie)],
            )
                .into_response()
        }
        Err(error) => server_error(&error),
    }
}

async fn logout(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(token) = logged_in(&state, &headers) {
        state.logins.end(&token);
    }
    let cleared = format!("{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0");
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/login".to_owned()), (header::SET_COOKIE, cleared)],
    )
        .into_response()
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}
