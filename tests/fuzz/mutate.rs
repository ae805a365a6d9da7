//! Structure-aware inputs for the parsers: a valid JSON document mutated member by member (dropped,
//! wrong JSON type, huge, unicode, null), then perhaps truncated or padded past a size limit.

#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value};

/// Cases per parser: 10,000 in the normal test run; `PROPTEST_CASES` (set by `cargo xtask fuzz`)
/// for a longer one.
pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(10_000)
}

/// The configuration every fuzz property runs with: [`cases`], no regression files written (a
/// failure found is turned into a named regression test instead).
pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A secret-looking value that no other generated text contains: the properties check that no
/// error message echoes it.
pub fn secret(kind: &str) -> String {
    format!("SECRET{kind}x9Qz7Lk2Vb4Np8Rt")
}

/// A string a parser may trip over: empty, whitespace, unicode of every width, control
/// characters, escapes, lone `%`, long runs.
pub fn odd_string() -> BoxedStrategy<String> {
    prop_oneof![
        Just(String::new()),
        Just(" \t\r\n".to_owned()),
        Just("é漢😀\u{200b}\u{feff}\u{10ffff}".to_owned()),
        Just("\u{0}\u{1}\u{7f}\\\"%%%&&==#?".to_owned()),
        Just("AADSTS99999999999999999: overflow".to_owned()),
        Just("AADSTS700084: expired".to_owned()),
        "\\PC{0,40}",
        ".{0,40}",
        (1usize..4096, any::<char>()).prop_map(|(n, c)| c.to_string().repeat(n)),
    ]
    .boxed()
}

/// A JSON value of any type, including the edges of numbers and deep nesting.
pub fn odd_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        Just(Value::from(-1)),
        Just(Value::from(0)),
        Just(Value::from(1e300)),
        odd_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((odd_string(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
    .boxed()
}

/// One change to one member of the document.
#[derive(Debug, Clone)]
pub enum Edit {
    /// The member is removed.
    Drop,
    /// The member's value becomes `null`.
    Null,
    /// The member's value becomes any other JSON value.
    Replace(Value),
    /// The member's value becomes a long string.
    Huge(usize),
    /// A member is added, with any name.
    Add(String, Value),
}

fn edit() -> BoxedStrategy<Edit> {
    prop_oneof![
        3 => Just(Edit::Drop),
        2 => Just(Edit::Null),
        5 => odd_value().prop_map(Edit::Replace),
        1 => (1usize..20_000).prop_map(Edit::Huge),
        2 => (odd_string(), odd_value()).prop_map(|(n, v)| Edit::Add(n, v)),
    ]
    .boxed()
}

/// What happens to the serialized document.
#[derive(Debug, Clone)]
pub enum Framing {
    /// As serialized.
    Whole,
    /// Cut at a byte position (then made valid UTF-8 again).
    Truncated(Index),
    /// Past the 1 MiB limit of a JSON answer: the document, then spaces.
    Oversized,
    /// The whole body replaced by arbitrary bytes, read lossily as UTF-8.
    Bytes(Vec<u8>),
    /// The document with arbitrary text before or after it.
    Wrapped(String, String),
}

fn framing() -> BoxedStrategy<Framing> {
    prop_oneof![
        12 => Just(Framing::Whole),
        3 => any::<Index>().prop_map(Framing::Truncated),
        1 => Just(Framing::Oversized),
        2 => prop::collection::vec(any::<u8>(), 0..300).prop_map(Framing::Bytes),
        1 => (odd_string(), odd_string()).prop_map(|(a, b)| Framing::Wrapped(a, b)),
    ]
    .boxed()
}

/// The paths of every object member, depth first (`["keys", "0", "kid"]`).
fn member_paths(value: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            for (name, child) in map {
                prefix.push(name.clone());
                out.push(prefix.clone());
                member_paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(i.to_string());
                member_paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn container_mut<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, step| match v {
        Value::Object(map) => map.get_mut(step),
        Value::Array(items) => step.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

/// Applies `edit` to the member that `at` picks (or to the top-level object when it has none).
pub fn apply(doc: &mut Value, at: Index, edit: &Edit) {
    let mut paths = Vec::new();
    member_paths(doc, &mut Vec::new(), &mut paths);
    let Some((last, parent)) = (!paths.is_empty())
        .then(|| at.get(&paths).clone())
        .and_then(|p| p.split_last().map(|(l, p)| (l.clone(), p.to_vec())))
    else {
        if let (Edit::Add(name, value), Value::Object(map)) = (edit, doc) {
            map.insert(name.clone(), value.clone());
        }
        return;
    };
    let Some(Value::Object(map)) = container_mut(doc, &parent) else {
        return;
    };
    match edit {
        Edit::Drop => {
            map.remove(&last);
        }
        Edit::Null => {
            map.insert(last, Value::Null);
        }
        Edit::Replace(value) => {
            map.insert(last, value.clone());
        }
        Edit::Huge(n) => {
            map.insert(last, Value::String("\u{e9}x".repeat(*n)));
        }
        Edit::Add(name, value) => {
            map.insert(name.clone(), value.clone());
        }
    }
}

/// Serializes `doc` and applies `framing`.
pub fn frame(doc: &Value, framing: &Framing) -> String {
    let text = doc.to_string();
    match framing {
        Framing::Whole => text,
        Framing::Truncated(at) => {
            let bytes = text.as_bytes();
            let cut = at.index(bytes.len().max(1)).min(bytes.len());
            String::from_utf8_lossy(&bytes[..cut]).into_owned()
        }
        Framing::Oversized => {
            let pad = (1024usize * 1024 + 1).saturating_sub(text.len());
            format!("{text}{}", " ".repeat(pad))
        }
        Framing::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Framing::Wrapped(before, after) => format!("{before}{text}{after}"),
    }
}

/// `valid`, with one to three members edited, then framed: the body a parser is fuzzed with.
pub fn mutated(valid: Value) -> BoxedStrategy<String> {
    (
        prop::collection::vec((any::<Index>(), edit()), 0..4),
        framing(),
    )
        .prop_map(move |(edits, framing)| {
            let mut doc = valid.clone();
            for (at, edit) in &edits {
                apply(&mut doc, *at, edit);
            }
            frame(&doc, &framing)
        })
        .boxed()
}

/// `valid` with one to three members edited, as a JSON value (for documents nested in others).
pub fn mutated_value(valid: Value) -> BoxedStrategy<Value> {
    prop::collection::vec((any::<Index>(), edit()), 0..4)
        .prop_map(move |edits| {
            let mut doc = valid.clone();
            for (at, edit) in &edits {
                apply(&mut doc, *at, edit);
            }
            doc
        })
        .boxed()
}

/// An HTTP status an endpoint may answer with.
pub fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => Just(200u16),
        1 => Just(400u16),
        1 => Just(401u16),
        1 => Just(429u16),
        1 => Just(500u16),
        1 => Just(503u16),
        1 => any::<u16>(),
    ]
}

/// A `Content-Type` an endpoint may answer with.
pub fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(Some("application/json; charset=utf-8".to_owned())),
        Just(Some("text/html".to_owned())),
        Just(None),
        odd_string().prop_map(Some),
    ]
}
