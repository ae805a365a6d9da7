//! The one way JSON is read: every document is parsed once into a [`serde_json::Value`] and the few
//! members used are read by hand, with errors that name the member, what was expected and what
//! was found (never the value: it may be a token). No derived `Deserialize`: each derive is code.
//!
//! And the one way it is written: [`compact`] and [`pretty`], the same text as serde_json's
//! `to_string` and `to_string_pretty`, without serde's serializer in the bundle.

use std::fmt;

use serde_json::{Map, Value};

/// Why a member could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonError {
    /// A required member is absent (or `null`).
    Missing { field: &'static str },
    /// A member has another JSON type than the one expected.
    WrongType {
        field: &'static str,
        expected: &'static str,
        found: JsonType,
    },
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { field } => write!(f, "missing field `{field}`"),
            Self::WrongType {
                field,
                expected,
                found,
            } => write!(f, "`{field}` is {}, expected {expected}", found.name()),
        }
    }
}

impl std::error::Error for JsonError {}

/// The JSON type of a value found: what an error says instead of the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
}

impl JsonType {
    /// The type of `value`.
    pub fn of(value: &Value) -> JsonType {
        match value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    /// Its name with its article: `a string`, `an object`.
    pub fn name(self) -> &'static str {
        match self {
            JsonType::Null => "null",
            JsonType::Boolean => "a boolean",
            JsonType::Number => "a number",
            JsonType::String => "a string",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
        }
    }
}

fn wrong(field: &'static str, expected: &'static str, found: &Value) -> JsonError {
    JsonError::WrongType {
        field,
        expected,
        found: JsonType::of(found),
    }
}

/// A JSON object of these members: the one writer of the app's stored formats.
pub fn object(members: Vec<(&str, Value)>) -> Value {
    // Inserted one by one: `collect` into the map would sort first, and a sort costs ~3 KB of wasm.
    let mut map = Map::new();
    for (name, value) in members {
        map.insert(name.to_owned(), value);
    }
    Value::Object(map)
}

/// The members of a JSON object, read by name.
#[derive(Clone, Copy)]
pub struct Members<'a>(pub &'a Map<String, Value>);

impl<'a> Members<'a> {
    /// `value` as an object; `field` names it in the error.
    pub fn of(value: &'a Value, field: &'static str) -> Result<Members<'a>, JsonError> {
        match value {
            Value::Object(map) => Ok(Members(map)),
            other => Err(wrong(field, "an object", other)),
        }
    }

    /// The member, `None` when absent or `null`.
    pub fn get(self, field: &str) -> Option<&'a Value> {
        self.0.get(field).filter(|v| !v.is_null())
    }

    /// A required member of any type.
    pub fn value(self, field: &'static str) -> Result<&'a Value, JsonError> {
        self.get(field).ok_or(JsonError::Missing { field })
    }

    /// An optional string.
    pub fn opt_str(self, field: &'static str) -> Result<Option<&'a str>, JsonError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(wrong(field, "a string", other)),
        }
    }

    /// A required string.
    pub fn str(self, field: &'static str) -> Result<&'a str, JsonError> {
        self.opt_str(field)?.ok_or(JsonError::Missing { field })
    }

    /// An optional string, owned.
    pub fn opt_string(self, field: &'static str) -> Result<Option<String>, JsonError> {
        Ok(self.opt_str(field)?.map(str::to_owned))
    }

    /// A required string, owned.
    pub fn string(self, field: &'static str) -> Result<String, JsonError> {
        Ok(self.str(field)?.to_owned())
    }

    /// An optional array of strings.
    pub fn opt_strings(self, field: &'static str) -> Result<Option<Vec<String>>, JsonError> {
        let expected = "an array of strings";
        match self.get(field) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(wrong(field, expected, other)),
                })
                .collect::<Result<_, _>>()
                .map(Some),
            Some(other) => Err(wrong(field, expected, other)),
        }
    }

    /// An optional whole number.
    pub fn opt_i64(self, field: &'static str) -> Result<Option<i64>, JsonError> {
        match self.get(field) {
            None => Ok(None),
            Some(found) => found
                .as_i64()
                .map(Some)
                .ok_or_else(|| wrong(field, "a whole number", found)),
        }
    }

    /// A required whole number.
    pub fn i64(self, field: &'static str) -> Result<i64, JsonError> {
        self.opt_i64(field)?.ok_or(JsonError::Missing { field })
    }
}

/// `value` as compact JSON text, as `serde_json::to_string` writes it.
pub fn compact(value: &Value) -> String {
    let mut out = String::new();
    write(value, None, &mut out);
    out
}

/// `value` as JSON text indented two spaces a level, as `serde_json::to_string_pretty` writes it.
pub fn pretty(value: &Value) -> String {
    let mut out = String::new();
    write(value, Some(0), &mut out);
    out
}

/// Writes `value`; `depth` is its nesting level when indenting, `None` when compact.
fn write(value: &Value, depth: Option<usize>, out: &mut String) {
    let (open, close, entries): (char, char, Vec<(Option<&String>, &Value)>) = match value {
        Value::Null => return out.push_str("null"),
        Value::Bool(b) => return out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => return out.push_str(&n.to_string()),
        Value::String(s) => return write_string(s, out),
        Value::Array(items) => ('[', ']', items.iter().map(|item| (None, item)).collect()),
        Value::Object(members) => (
            '{',
            '}',
            members
                .iter()
                .map(|(name, item)| (Some(name), item))
                .collect(),
        ),
    };
    let line = |out: &mut String, depth: Option<usize>| {
        if let Some(depth) = depth {
            out.push('\n');
            out.extend(std::iter::repeat_n("  ", depth));
        }
    };
    let inner = depth.map(|d| d + 1);
    out.push(open);
    for (i, (name, item)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        line(out, inner);
        if let Some(name) = name {
            write_string(name, out);
            out.push_str(if depth.is_some() { ": " } else { ":" });
        }
        write(item, inner, out);
    }
    if !entries.is_empty() {
        line(out, depth);
    }
    out.push(close);
}

/// A JSON string literal (RFC 8259 §7), escaped as serde_json escapes it.
fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[c as usize >> 4] as char);
                out.push(HEX[c as usize & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"s": "text", "n": 42, "f": 1.5, "a": ["x", "y"], "mixed": ["x", 1], "z": null,
               "o": {"inner": true}, "extra": {"ignored": [1, 2, 3]}})
    }

    #[test]
    fn writes_the_same_text_as_serde_json() {
        let documents = [
            r#"{"keys":[{"kty":"RSA","n":"AQ\"\\\u0001\u001f\b\f\n\r\té\u007f","x5c":["a","b"]},{}],
               "e":[],"n":null,"nested":{"deep":[[1,-2.5,1e300,-0.0,18446744073709551615,true,false],
               {"o":{}}]},"ü":"\ud83d\ude00","":""}"#,
            "[]",
            "{}",
            "42",
            "\"text\"",
            "[[[]]]",
        ];
        for text in documents {
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                compact(&value),
                serde_json::to_string(&value).unwrap(),
                "{text}"
            );
            assert_eq!(
                pretty(&value),
                serde_json::to_string_pretty(&value).unwrap(),
                "{text}"
            );
        }
    }

    #[test]
    fn an_object_is_written_with_its_members() {
        let written = object(vec![("b", Value::from(1)), ("a", Value::Null)]);
        assert_eq!(written, json!({"a": null, "b": 1}));
        assert_eq!(compact(&written), r#"{"a":null,"b":1}"#);
    }

    #[test]
    fn reads_the_members_asked_for_and_ignores_the_others() {
        let value = doc();
        let m = Members::of(&value, "document").unwrap();
        assert_eq!(m.str("s"), Ok("text"));
        assert_eq!(m.i64("n"), Ok(42));
        assert_eq!(m.opt_strings("a"), Ok(Some(vec!["x".into(), "y".into()])));
        assert_eq!(m.value("o"), Ok(&json!({"inner": true})));
        assert!(Members::of(m.value("o").unwrap(), "o").is_ok());
    }

    #[test]
    fn an_absent_or_null_member_is_none_when_optional_and_missing_when_required() {
        let value = doc();
        let m = Members::of(&value, "document").unwrap();
        assert_eq!(m.opt_str("absent"), Ok(None));
        assert_eq!(m.opt_str("z"), Ok(None));
        assert_eq!(m.opt_strings("z"), Ok(None));
        assert_eq!(m.opt_i64("absent"), Ok(None));
        assert_eq!(m.str("z"), Err(JsonError::Missing { field: "z" }));
        assert_eq!(
            m.value("absent"),
            Err(JsonError::Missing { field: "absent" })
        );
        assert_eq!(
            m.i64("absent").unwrap_err().to_string(),
            "missing field `absent`"
        );
    }

    #[test]
    fn a_member_of_the_wrong_type_names_it_with_expected_and_found() {
        let value = doc();
        let m = Members::of(&value, "document").unwrap();
        assert_eq!(
            m.str("n"),
            Err(JsonError::WrongType {
                field: "n",
                expected: "a string",
                found: JsonType::Number
            })
        );
        assert_eq!(
            m.i64("f").unwrap_err().to_string(),
            "`f` is a number, expected a whole number"
        );
        assert_eq!(
            m.opt_strings("mixed").unwrap_err().to_string(),
            "`mixed` is a number, expected an array of strings"
        );
        assert_eq!(
            m.opt_strings("s").unwrap_err().to_string(),
            "`s` is a string, expected an array of strings"
        );
        let not_object = json!("eyJ.secret");
        let error = Members::of(&not_object, "session").err().unwrap();
        assert_eq!(
            error.to_string(),
            "`session` is a string, expected an object"
        );
    }
}
