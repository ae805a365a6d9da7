//! Request parameters: a query string or a form body as name/value pairs, and reading one of them.

use std::collections::HashMap;

/// Name/value pairs of a query string or `application/x-www-form-urlencoded` body; the first of repeated names wins.
pub(super) fn parse(encoded: &[u8]) -> HashMap<String, String> {
    let mut params = HashMap::new();
    for (k, v) in form_urlencoded::parse(encoded) {
        params
            .entry(k.into_owned())
            .or_insert_with(|| v.into_owned());
    }
    params
}

/// The query string as name/value pairs; the first of repeated names wins.
pub(super) fn query_params(query: Option<&str>) -> HashMap<String, String> {
    parse(query.unwrap_or("").as_bytes())
}

/// A non-empty parameter.
pub(super) fn param<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}
