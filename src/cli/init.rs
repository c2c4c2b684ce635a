//! `commaudit init`: adoption in one command. Looks at what the repository declares, writes a
//! commented `commaudit.yaml` (never over an existing one without `--force`) and, with
//! `--baseline`, the first baseline.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::audit::{self, Audit, AuditError};
use crate::config::{Choice, Settings};
use crate::diagnostics::catalog;
use crate::graph::assumptions::Assumptions;
use crate::load::discover::PROJECT_FILES;
use crate::load::read::{DEFAULT_MAX_FILE_BYTES, Reader};
use crate::load::{LoadError, LoadOptions, canonical};
use crate::source::display_name;

use super::Exit;
use super::atomic::Guard;
use super::gate::{BaselineChoice, GateArgs};
use super::init_sections::{Section, find, sections};
use super::input::print_error;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The repository's folder.
    #[arg(value_name = "PATH", default_value = ".")]
    path: PathBuf,
    /// Replace an existing commaudit.yaml (the old one is kept as commaudit.yaml.bak).
    #[arg(long)]
    force: bool,
    /// Also write the first baseline, so CI fails only on findings added from now on.
    #[arg(long)]
    baseline: bool,
}

pub fn run(args: &InitArgs) -> Exit {
    match init(args) {
        Ok(()) => Exit::Clean,
        Err(exit) => exit,
    }
}

fn init(args: &InitArgs) -> Result<(), Exit> {
    if !args.path.is_dir() {
        eprintln!(
            "error: `{}` is not a folder\n  help: run `commaudit init` in the repository, or give its folder",
            args.path.display()
        );
        return Err(Exit::Usage);
    }
    let existing = PROJECT_FILES
        .iter()
        .map(|name| args.path.join(name))
        .find(|p| p.symlink_metadata().is_ok());
    let target = existing
        .clone()
        .unwrap_or_else(|| args.path.join(PROJECT_FILES[0]));
    if let Some(existing) = existing.as_ref().filter(|_| !args.force) {
        eprintln!(
            "error: `{}` already exists\n  help: edit it, or pass --force to replace it (the old file is kept as .bak)",
            display_name(existing)
        );
        return Err(Exit::Usage);
    }
    let options = LoadOptions {
        paths: vec![args.path.clone()],
        max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        ..Default::default()
    };
    let off = Settings {
        choice: Choice::Off,
        overrides: Default::default(),
    };
    let found = match audit::run_with(&options, &off) {
        Ok(audit) => Some(audit),
        Err(AuditError::Load(LoadError::NoInputs(_))) => None,
        Err(err) => return Err(print_error(err)),
    };
    let name = canonical(&args.path).file_name().map_or_else(
        || "my system".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let old = match &existing {
        Some(existing) => {
            // The copy is read like any input, so a link out of the repository is not followed.
            let reader = Reader::new(
                std::slice::from_ref(&args.path),
                &[],
                DEFAULT_MAX_FILE_BYTES,
            );
            Some(reader.read_text(existing).map_err(|problem| {
                eprintln!(
                    "error: cannot keep a copy of `{}`: {}\n  help: {}",
                    display_name(existing),
                    problem.message(),
                    problem.help()
                );
                Exit::Usage
            })?)
        }
        None => None,
    };
    let kept = old.as_deref().map(sections).unwrap_or_default();
    // What the scan reports before `init` changes anything: the baseline records only these.
    let known = if args.baseline {
        Some(known_fingerprints(&args.path, &options)?)
    } else {
        None
    };
    let text = template(&name, found.as_ref(), &args.path, &kept);
    let guard = match &found {
        Some(audit) => Guard::of(audit).except(&target),
        None => Guard::within(Reader::new(
            std::slice::from_ref(&args.path),
            &[],
            DEFAULT_MAX_FILE_BYTES,
        )),
    };
    let write = |path: &Path, text: &str| {
        super::atomic::write(path, text, &guard).map_err(|message| {
            eprintln!("error: {message}");
            Exit::Usage
        })
    };
    if let (Some(existing), Some(old)) = (&existing, &old) {
        write(&existing.with_extension("yaml.bak"), old)?;
    }
    write(&target, &text)?;
    println!("wrote {}", display_name(&target));
    if args.baseline {
        let input = LoadOptions {
            paths: vec![args.path.clone()],
            ..options
        };
        let settings = Settings {
            choice: Choice::Discover,
            overrides: Default::default(),
        };
        let gate = no_gate();
        let root = super::gate::repo_root(&input.paths);
        let gated = super::gate::gated_at(&input, &settings, &gate, &BaselineChoice::Off, &root)?;
        let path = target
            .parent()
            .unwrap_or(Path::new("."))
            .join(crate::gate::baseline::FILE_NAME);
        let known = known.unwrap_or_default();
        let (findings, fingerprints): (Vec<_>, Vec<_>) = gated
            .findings
            .iter()
            .zip(&gated.fingerprints)
            .filter(|(f, _)| catalog::by_id(f.rule).is_none_or(|r| r.family != "meta"))
            .map(|(f, fp)| (f.clone(), fp.clone()))
            .unzip();
        // A finding the new file caused is not a known finding: it is reported, not recorded.
        let caused: Vec<&crate::diagnostics::Finding> = findings
            .iter()
            .zip(&fingerprints)
            .filter(|(_, fp)| !known.contains(*fp))
            .map(|(f, _)| f)
            .collect();
        if !caused.is_empty() {
            eprintln!(
                "warning: {} finding{} appeared with the new {} and {} not recorded in the baseline:",
                caused.len(),
                plural(caused.len()),
                display_name(&target),
                if caused.len() == 1 { "was" } else { "were" }
            );
            for f in &caused {
                eprintln!("  {} {}", f.rule, f.message);
            }
            eprintln!(
                "  help: fix the configuration (or restore {}.bak), then run `commaudit baseline`",
                display_name(&target)
            );
        }
        let (findings, fingerprints): (Vec<_>, Vec<_>) = findings
            .into_iter()
            .zip(fingerprints)
            .filter(|(_, fp)| known.contains(fp))
            .unzip();
        let baseline = crate::gate::baseline::Baseline::of(&findings, &fingerprints);
        write(&path, &baseline.render())?;
        println!(
            "wrote {}: {} known finding{}",
            display_name(&path),
            baseline.entries.len(),
            if baseline.entries.len() == 1 { "" } else { "s" }
        );
    }
    println!(
        "next: run `commaudit scan` (add `--format sarif` or `--format github` in CI); `commaudit explain <RULE>` documents each rule"
    );
    Ok(())
}

/// The fingerprints of what `scan` reports in `path` now, with its configuration as it is.
fn known_fingerprints(
    path: &Path,
    options: &LoadOptions,
) -> Result<std::collections::BTreeSet<String>, Exit> {
    let input = LoadOptions {
        paths: vec![path.to_path_buf()],
        ..options.clone()
    };
    let settings = Settings {
        choice: Choice::Discover,
        overrides: Default::default(),
    };
    let root = super::gate::repo_root(&input.paths);
    match super::gate::gated_at(&input, &settings, &no_gate(), &BaselineChoice::Off, &root) {
        Ok(gated) => Ok(gated.fingerprints.into_iter().collect()),
        // Nothing to scan yet, or a configuration that does not load: nothing is known.
        Err(_) => Ok(Default::default()),
    }
}

fn no_gate() -> GateArgs {
    GateArgs {
        select: Vec::new(),
        ignore: Vec::new(),
        severity: Vec::new(),
        inferred_severity: None,
        no_inline_ignores: false,
    }
}

/// Writes `key`'s section as the old file had it, when it had one; `None` otherwise.
fn kept_section(out: &mut String, kept: &[Section], key: &str) -> Option<()> {
    let section = find(kept, key)?;
    out.push_str(section.text.trim_start_matches('\n'));
    out.push('\n');
    Some(())
}

/// The commented configuration for a repository whose inputs resolve to `model`; the sections
/// of the file it replaces (`kept`) stay as they were.
fn template(name: &str, audit: Option<&Audit>, root: &Path, kept: &[Section]) -> String {
    let model = audit.map(|a| &a.model);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# commaudit configuration, written by `commaudit init`. Every setting is optional;\n\
         # the defaults are shown commented out. Reference: `commaudit rules`,\n\
         # `commaudit explain <RULE>` and docs/manifest.md."
    );
    match model {
        Some(model) => {
            let _ = writeln!(
                out,
                "#\n# Found: {} service{}, {} gRPC service{} in .proto files, {} OpenAPI and {} AsyncAPI document{}.",
                model.services.len(),
                plural(model.services.len()),
                model.grpc.len(),
                plural(model.grpc.len()),
                model.openapi.len(),
                model.asyncapi.len(),
                plural(model.asyncapi.len())
            );
        }
        None => {
            let _ = writeln!(
                out,
                "#\n# No inputs found yet: add service manifests (`service: name`), .proto files, or\n# OpenAPI and AsyncAPI documents (see docs/manifest.md)."
            );
        }
    }
    if !kept.is_empty() {
        let _ = writeln!(
            out,
            "#\n# The settings of the file this one replaces (kept as commaudit.yaml.bak) are kept\n\
             # as they were, so the next scan reports what the last one did.\n"
        );
    }
    out.push_str("version: 1\n");
    if kept_section(&mut out, kept, "name").is_none() {
        let _ = writeln!(out, "name: {}\n", yaml_string(name));
    }
    if kept_section(&mut out, kept, "proto_roots").is_none() {
        let roots = audit.map(|a| proto_roots(a, root)).unwrap_or_default();
        out.push_str(
            "# Where `import \"a/b.proto\"` statements are resolved, relative to this file.\n",
        );
        if roots.is_empty() {
            out.push_str("# proto_roots: [proto]\n\n");
        } else {
            let _ = writeln!(out, "proto_roots: [{}]\n", roots.join(", "));
        }
    }
    kept_section(&mut out, kept, "include");
    if kept_section(&mut out, kept, "exclude").is_none() {
        out.push_str(
            "# Files to leave out, as globs relative to this file.\n# exclude: [\"generated/**\"]\n\n",
        );
    }
    kept_section(&mut out, kept, "compose");
    kept_section(&mut out, kept, "services");
    let brokers = kept_section(&mut out, kept, "brokers");
    let datastores = kept_section(&mut out, kept, "datastores");
    if brokers.is_none() || datastores.is_none() {
        out.push_str("# Brokers and datastores the services share.\n");
    }
    if brokers.is_none() {
        out.push_str("# brokers:\n#   - { name: nats, kind: nats-jetstream }\n");
    }
    if datastores.is_none() {
        out.push_str(
            "# datastores:\n#   - { name: orders-db, kind: postgres, owner: team-orders }\n",
        );
    }
    if brokers.is_none() || datastores.is_none() {
        out.push('\n');
    }
    if kept_section(&mut out, kept, "rules").is_some() {
        out.push_str("# Every rule's settings, with their defaults:\n");
    } else {
        out.push_str(
            "# Per-rule settings: `severity` (error, warning, note or off) and thresholds.\nrules:\n",
        );
    }
    for rule in catalog::all() {
        let mut settings = vec![format!(
            "severity: {}",
            crate::diagnostics::Severity::from(rule.severity)
        )];
        for field in crate::rules::declared_options(&rule.id) {
            settings.push(format!(
                "{}: {}",
                field.name,
                crate::options::plain(field.default)
            ));
        }
        let _ = writeln!(
            out,
            "  # {}: {{ {} }}  # {}",
            rule.id,
            settings.join(", "),
            rule.name
        );
    }
    out.push('\n');
    if kept_section(&mut out, kept, "recommend").is_none() {
        out.push_str("# Assumptions behind estimates such as the CPU gRPC saves.\n# recommend:\n");
        for (key, value, _) in Assumptions::default().entries() {
            let _ = writeln!(out, "#   {key}: {value}");
        }
    }
    // Any other section the old file had, as it was.
    for s in kept.iter().filter(|s| !HANDLED.contains(&s.key.as_str())) {
        out.push_str(&s.text);
        out.push('\n');
    }
    if kept_section(&mut out, kept, "ignores").is_some() {
        return out;
    }
    out.push_str(
        "\n# Findings accepted on purpose: by rule and by service, edge or operation, with a\n\
         # reason, and a date after which they are reported again (CA902).\n\
         # ignores:\n\
         #   - { rule: CA301, edge: checkout -> notifications, reason: \"emails move to NATS in Q3\", until: 2027-01-31 }\n",
    );
    out
}

/// The sections [`template`] writes itself (or keeps in its place); `version` is always 1.
const HANDLED: &[&str] = &[
    "version",
    "name",
    "proto_roots",
    "include",
    "exclude",
    "compose",
    "services",
    "brokers",
    "datastores",
    "rules",
    "recommend",
    "ignores",
];

/// The `proto`/`protos` folders that hold the .proto files, relative to `root`.
fn proto_roots(audit: &Audit, root: &Path) -> Vec<String> {
    let root = canonical(root);
    let mut roots: Vec<String> = Vec::new();
    for service in &audit.model.grpc {
        let path = canonical(&audit.sources.get(service.span.source).path);
        let Ok(rel) = path.strip_prefix(&root) else {
            continue;
        };
        let mut prefix: Vec<String> = Vec::new();
        for part in rel.components() {
            let part = part.as_os_str().to_string_lossy().into_owned();
            let found = part == "proto" || part == "protos";
            prefix.push(part);
            if found {
                roots.push(prefix.join("/"));
                break;
            }
        }
    }
    roots.sort();
    roots.dedup();
    roots
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A YAML scalar that reads back as the same text.
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}
