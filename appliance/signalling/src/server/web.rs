//! The browser client's files (`web/`, embedded at build time) and the headers every answer
//! carries: nothing may be cached or stored, nothing leaves for another origin.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

const INDEX: &str = include_str!("../../web/index.html");
const SCRIPT: &str = include_str!("../../web/client.js");
const STYLE: &str = include_str!("../../web/style.css");

/// What the page may load and where it may connect: only the station itself.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; connect-src 'self'; media-src 'self' blob:; img-src 'self' data:; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The routes of the page; the WebSocket is added by the server.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(|| async { file("text/html; charset=utf-8", INDEX) }))
        .route("/client.js", get(|| async { file("text/javascript; charset=utf-8", SCRIPT) }))
        .route("/style.css", get(|| async { file("text/css; charset=utf-8", STYLE) }))
        .layer(axum::middleware::map_response(secure_headers))
}

fn file(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// No caching, no storage, no referrer, no framing, no sniffing.
async fn secure_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("permissions-policy"), "camera=(self), microphone=(self)"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}
