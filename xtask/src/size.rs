//! `cargo xtask size`: the gzip size of the app's `dist/` against a minimal Leptos CSR app with a
//! router built with the same profile and wasm-opt flags, their ratio against the budget in
//! `xtask/size-budget.txt`, and where the bytes go (top crates and functions of the wasm).

use crate::build::{print_sizes, trunk_build};
use crate::proc::{step, Failure};
use crate::setup::{self, Tools, Wants};
use std::collections::HashMap;
use std::path::Path;

/// The committed budget: the allowed ratio of the app's gzip size to the baseline's.
pub const BUDGET_FILE: &str = "xtask/size-budget.txt";

pub fn size(root: &Path) -> Result<(), Failure> {
    let tools = setup::setup(root, Wants { browser: false })?;
    let app_dist = root.join("target").join("size").join("dist-app");
    trunk_build(root, &tools.toolchain, &app_dist, &no_configuration())?;
    let app = step("app dist/ (default configuration)", || {
        print_sizes(&app_dist)
    })?;
    step("where the bytes go (release wasm before wasm-opt)", || {
        print_breakdown(&root.join("target/wasm32-unknown-unknown/release/entra-signin.wasm"))
    })?;
    check_budget(root, &tools, app)
}

/// Builds the baseline and fails when `app` (gzip bytes of `dist/`) is over the budget.
pub fn check_budget(root: &Path, tools: &Tools, app: u64) -> Result<(), Failure> {
    let budget = read_budget(root)?;
    let baseline_dist = build_baseline(root, tools)?;
    let baseline = step("minimal Leptos CSR app with a router", || {
        print_sizes(&baseline_dist)
    })?;
    let ratio = app as f64 / baseline as f64;
    println!("app {app} B gzip, baseline {baseline} B gzip, ratio {ratio:.3} (budget {budget} in {BUDGET_FILE})");
    if ratio > budget {
        return Err(Failure::new(format!(
            "dist/ is {ratio:.3}x the minimal Leptos app, over the {budget}x budget in {BUDGET_FILE}: \
             find the bytes with `cargo xtask size`, or raise the budget in its own commit with the \
             measured cost"
        )));
    }
    Ok(())
}

/// The minimal Leptos CSR app with a router, built into `target/size/dist-baseline`.
pub fn build_baseline(root: &Path, tools: &Tools) -> Result<std::path::PathBuf, Failure> {
    let baseline_dist = root.join("target").join("size").join("dist-baseline");
    let mut env = no_configuration();
    let baseline_target = root.join("target").join("size").join("baseline-target");
    env.push((
        "CARGO_TARGET_DIR",
        Some(baseline_target.display().to_string()),
    ));
    // A default Leptos build: set (even empty), RUSTFLAGS replaces the app's `erase_components`
    // from `.cargo/config.toml`, which would make the baseline 5.3 KB larger and the ratio kinder.
    env.push(("RUSTFLAGS", Some(String::new())));
    trunk_build(
        &root.join("xtask").join("size-baseline"),
        &tools.toolchain,
        &baseline_dist,
        &env,
    )?;
    Ok(baseline_dist)
}

fn no_configuration() -> Vec<(&'static str, Option<String>)> {
    crate::config::VARIABLES
        .iter()
        .map(|v| (*v, None))
        .collect()
}

fn read_budget(root: &Path) -> Result<f64, Failure> {
    let path = root.join(BUDGET_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failure::new(format!(
            "cannot read the size budget {}: {e}",
            path.display()
        ))
    })?;
    parse_budget(&text).ok_or_else(|| {
        Failure::new(format!(
            "{} must hold one ratio (e.g. 2.6) on a line of its own, after `#` comments",
            path.display()
        ))
    })
}

fn parse_budget(text: &str) -> Option<f64> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?
        .parse()
        .ok()
        .filter(|r: &f64| r.is_finite() && *r > 0.0)
}

/// Prints the 10 largest crates and the 30 largest functions of `wasm` by code size.
fn print_breakdown(wasm: &Path) -> Result<(), Failure> {
    let bytes = std::fs::read(wasm)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", wasm.display())))?;
    let functions = function_sizes(&bytes)?;
    let total: usize = functions.iter().map(|(_, s)| s).sum();
    let mut crates: HashMap<String, usize> = HashMap::new();
    for (name, size) in &functions {
        *crates.entry(crate_of(name).to_owned()).or_default() += size;
    }
    let mut crates: Vec<(String, usize)> = crates.into_iter().collect();
    crates.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!(
        "code: {total} B in {} functions; top crates:",
        functions.len()
    );
    for (name, size) in crates.iter().take(10) {
        println!("{size:>9} B {:>5.1} %  {name}", percent(*size, total));
    }
    println!("top functions:");
    for (name, size) in functions.iter().take(30) {
        let shown: String = name.chars().take(140).collect();
        println!("{size:>9} B {:>5.1} %  {shown}", percent(*size, total));
    }
    Ok(())
}

fn percent(part: usize, total: usize) -> f64 {
    100.0 * part as f64 / total.max(1) as f64
}

/// `(demangled name, body bytes)` of every defined function, largest first.
fn function_sizes(wasm: &[u8]) -> Result<Vec<(String, usize)>, Failure> {
    use wasmparser::{Name, Payload};
    let bad = |e: wasmparser::BinaryReaderError| Failure::new(format!("unreadable wasm: {e}"));
    let mut imported = 0u32;
    let mut sizes: Vec<(u32, usize)> = Vec::new();
    let mut names: HashMap<u32, String> = HashMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.map_err(bad)? {
            Payload::ImportSection(imports) => {
                for import in imports {
                    if matches!(import.map_err(bad)?.ty, wasmparser::TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let index = imported + sizes.len() as u32;
                sizes.push((index, body.range().len()));
            }
            Payload::CustomSection(section) => {
                if let wasmparser::KnownCustom::Name(reader) = section.as_known() {
                    for name in reader {
                        if let Name::Function(map) = name.map_err(bad)? {
                            for naming in map {
                                let naming = naming.map_err(bad)?;
                                names.insert(naming.index, naming.name.to_owned());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut functions: Vec<(String, usize)> = sizes
        .into_iter()
        .map(|(index, size)| {
            let name = names
                .get(&index)
                .map(|n| format!("{:#}", rustc_demangle::demangle(n)))
                .unwrap_or_else(|| format!("function[{index}]"));
            (name, size)
        })
        .collect();
    functions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(functions)
}

/// The crate a demangled function belongs to: its path's first segment, looking through
/// `<T as Trait>` and `<impl ...>` to the implementing type.
fn crate_of(name: &str) -> &str {
    let name = name.trim_start_matches('<').trim_start_matches("impl ");
    // `<T as tachys::view::Render>::build`: a generic type's code belongs to the trait's crate.
    let name = match name.split_once(" as ") {
        Some((ty, tr)) if ty.len() == 1 => tr,
        _ => name,
    };
    let name = name
        .trim_start_matches(['&', '*'])
        .trim_start_matches("mut ");
    let end = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    match &name[..end] {
        "" => "(other)",
        segment => segment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_the_first_line_that_is_not_a_comment() {
        assert_eq!(parse_budget("# why\n\n  2.6  \n3.0"), Some(2.6));
        assert_eq!(parse_budget("# only comments"), None);
        assert_eq!(parse_budget("two"), None);
        assert_eq!(parse_budget("-1"), None);
        assert_eq!(parse_budget("NaN"), None);
    }

    #[test]
    fn the_committed_budget_reads() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        assert!(read_budget(&root).is_ok());
    }

    #[test]
    fn a_function_belongs_to_the_crate_that_implements_it() {
        assert_eq!(
            crate_of("entra_signin::flow::sign_in::prepare"),
            "entra_signin"
        );
        assert_eq!(
            crate_of("<&mut serde_json::de::Deserializer<R> as serde_core::de::Deserializer>::deserialize_map"),
            "serde_json"
        );
        assert_eq!(
            crate_of("<tachys::view::Foo as tachys::Render>::build"),
            "tachys"
        );
        assert_eq!(crate_of("<T as tachys::view::Render>::build"), "tachys");
        assert_eq!(crate_of("function[12]"), "function");
    }

    #[test]
    fn reads_function_sizes_and_names_from_a_module() {
        // (module (func $a) (func $b nop nop)) with a name section.
        let wasm = [
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
            0x03, 0x03, 0x02, 0x00, 0x00, // function section: two functions of type 0
            0x0a, 0x09, 0x02, 0x02, 0x00, 0x0b, 0x04, 0x00, 0x01, 0x01, 0x0b, // code
            0x00, 0x0f, 0x04, b'n', b'a', b'm', b'e', // custom section "name"
            0x01, 0x08, 0x02, 0x00, 0x01, b'a', 0x01, 0x02, b'b', b'b', // function names
        ];
        let functions = function_sizes(&wasm).expect("a readable module");
        assert_eq!(functions, [("bb".to_string(), 4), ("a".to_string(), 2)]);
    }
}
