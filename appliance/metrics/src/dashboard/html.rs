//! The dashboard's HTML: escaping, the page frame with its inline style, and the login form.

use std::fmt::Write as _;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:'Liberation Sans',Arial,sans-serif;margin:0;color:#1d2430;\
background:#f6f7f9}header{background:#24455e;color:#fff;padding:12px 24px;display:flex;\
justify-content:space-between;align-items:center}header h1{font-size:20px;margin:0}\
main{max-width:780px;margin:0 auto;padding:12px 24px}section{background:#fff;border-radius:8px;\
padding:12px 16px;margin:16px 0;box-shadow:0 1px 2px #0002}h2{font-size:16px;margin:4px 0 8px}\
.note{color:#555;font-size:13px}.chart{width:100%;height:auto}.bar{fill:#3a7ca5}\
.series{fill:none;stroke:#3a7ca5;stroke-width:2}.point{fill:#24455e}.grid{stroke:#e3e6ea}\
.threshold{stroke:#c0392b;stroke-dasharray:4 3}.threshold-label{fill:#c0392b;font-size:10px}\
.tick{font-size:10px;fill:#555}table{border-collapse:collapse;width:100%;font-size:13px}\
td,th{padding:4px 6px;border-bottom:1px solid #e3e6ea;text-align:right}td:first-child,\
th:first-child{text-align:left}form.inline{display:inline}button{font-size:14px;padding:6px 14px}\
input{font-size:15px;padding:6px;width:100%;box-sizing:border-box;margin:6px 0 12px}\
.error{color:#c0392b}";

/// A whole page around `body`.
pub fn page(title: &str, header_extra: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 2048);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><header><h1>{title}</h1>\
         {header_extra}</header><main>{body}</main></body></html>",
        title = escape(title)
    );
    out
}

/// The login page, with an error line after a failed attempt.
pub fn login(failed: bool) -> String {
    let error = if failed {
        "<p class=\"error\" id=\"login-error\">That password is not right.</p>"
    } else {
        ""
    };
    page(
        "Rapport lab statistics",
        "",
        &format!(
            "<section><h2>Lab admin login</h2>{error}<form method=\"post\" action=\"/login\">\
             <label for=\"password\">Password</label>\
             <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required autofocus>\
             <button type=\"submit\">Log in</button></form>\
             <p class=\"note\">Only aggregates of sessions whose trainee agreed are shown, with noise, \
             and groups of fewer than k sessions are left out.</p></section>"
        ),
    )
}
