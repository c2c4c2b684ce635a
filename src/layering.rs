//! The module layering, checked: each top-level module may use only modules of earlier layers,
//! so data flows one way and no stage reaches back into a later one (see the crate docs).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layers, first to last. A module may use modules of earlier layers only; modules of one
/// layer do not use each other.
const LAYERS: &[&[&str]] = &[
    // Leaf modules: shared infrastructure that knows no stage.
    &["escape"],
    &["source", "suggest", "id", "provenance"],
    &["yaml"],
    &["diagnostics", "options"],
    // The stages, in pipeline order.
    &["load"],
    &["model"],
    &["graph", "coverage"],
    &["rules"],
    &["config"],
    &["audit"],
    &["recommend"],
    &["gate"],
    &["report"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// Every `crate::name` a file mentions, in `use` lines or in paths, including the names of
/// grouped imports (`use crate::{a, b::c}`).
fn crate_uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        if at > 0 && text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue; // `mycrate::`, not `crate::`
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for item in inner.split(',') {
                let name = item.trim().split("::").next().unwrap_or("").trim();
                if !name.is_empty() && name != "self" {
                    out.insert(name.to_owned());
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("source folder is readable")
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for entry in entries {
            rust_files(&entry, out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// (module, module it uses) for every top-level module of the crate.
fn module_uses() -> BTreeSet<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges = BTreeSet::new();
    for entry in std::fs::read_dir(&src).expect("src/ is readable").flatten() {
        let path = entry.path();
        let module = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if matches!(module.as_str(), "lib" | "main" | "layering") {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&path, &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source file is readable");
            for used in crate_uses(&text) {
                if used != module {
                    edges.insert((module.clone(), used));
                }
            }
        }
    }
    edges
}

#[test]
fn grouped_and_inline_uses_are_seen() {
    let uses = crate_uses(
        "use crate::{graph::Graph, model};\nfn f() { crate::rules::run(); mycrate::x(); }",
    );
    assert_eq!(
        uses.into_iter().collect::<Vec<_>>(),
        ["graph", "model", "rules"]
    );
}

#[test]
fn every_module_has_a_layer() {
    for (module, used) in module_uses() {
        for name in [&module, &used] {
            assert!(
                layer_of(name).is_some(),
                "module `{name}` has no layer: add it to LAYERS in src/layering.rs and to the \
                 crate docs in src/lib.rs"
            );
        }
    }
}

#[test]
fn no_module_uses_a_later_layer() {
    let back_edges: Vec<(String, String)> = module_uses()
        .into_iter()
        .filter(|(module, used)| match (layer_of(module), layer_of(used)) {
            (Some(from), Some(to)) => to >= from,
            _ => false,
        })
        .collect();
    assert!(
        back_edges.is_empty(),
        "these modules use a module of the same or a later layer (see LAYERS in \
         src/layering.rs): {back_edges:?}"
    );
}

/// Rule IDs are named by their constants (`catalog::INTERNAL_REST`), so what a finding is and
/// what a step resolves are matched on typed values: no code outside the catalogue spells a
/// rule ID as a string. Test modules, which check what users see, may.
#[test]
fn no_code_matches_rule_ids_as_strings() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut spelled = Vec::new();
    for file in files {
        if file.ends_with("diagnostics/catalog.rs") || file.ends_with("layering.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source file is readable");
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (at, _) in code.match_indices("\"CA") {
            if code[at + 3..].starts_with(|c: char| c.is_ascii_digit()) {
                let line = code[..at].lines().count();
                spelled.push(format!("{}:{line}", file.display()));
            }
        }
    }
    assert!(
        spelled.is_empty(),
        "rule IDs spelled as strings outside the catalogue (use the constants in \
         diagnostics::catalog): {spelled:?}"
    );
}
