//! The browser's clock and locale.

/// Seconds since the Unix epoch, from the browser's clock.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// `secs` as a date and time in the user's locale and time zone.
pub fn local_date_time(secs: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    String::from(date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// Milliseconds since this page started loading (`performance.now()`).
pub fn page_age_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

/// A named point on the page's timeline (`performance.mark`), for `cargo xtask bench`.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Milliseconds since the Unix epoch (`Date.now()`): comparable across page loads, unlike
/// `performance.now()`, so a step can be timed across the redirect to the tenant and back.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Whole milliseconds since `started`, a [`now_ms`] reading.
pub fn ms_since(started: f64) -> u64 {
    (now_ms() - started).max(0.0).round() as u64
}
