//! The JSON writer (`oidc/json.rs`): any document is written as the same text as serde_json's
//! serializer writes it, compact and indented.

use crate::mutate::config;
use entra_signin::oidc::json::{compact, pretty};
use proptest::prelude::*;
use serde_json::Value;

/// Any text, with the characters JSON must escape (quote, backslash, C0 controls) made common.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
            Just('"'),
            Just('\\'),
            any::<char>(),
        ],
        0..12,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::from),
            prop::collection::btree_map(text(), inner, 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_writer_writes_what_serde_json_writes(value in any_json()) {
        prop_assert_eq!(compact(&value), serde_json::to_string(&value).unwrap());
        prop_assert_eq!(pretty(&value), serde_json::to_string_pretty(&value).unwrap());
    }
}
