//! `commaudit report`: the migration report (Markdown with Mermaid, a self-contained HTML
//! page, or JSON), on stdout or written atomically to a file.

use std::path::PathBuf;

use clap::ValueEnum;
use serde::Deserialize;

use crate::audit::Audit;
use crate::report::html;
use crate::report::migration::{self, Report};

use super::Exit;
use super::input::{InputArgs, warn_if_incomplete};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    format: ReportFormat,
    /// Write the report to FILE, replacing it whole, instead of printing it.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Title of the report (default: `name:` in commaudit.yaml, else the paths read).
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Markdown,
    Html,
    Json,
}

pub fn run(args: &ReportArgs) -> Exit {
    let audit = match args.input.audit() {
        Ok(audit) => audit,
        Err(exit) => return exit,
    };
    let inputs: Vec<String> = args
        .input
        .options()
        .paths
        .iter()
        .map(|p| crate::source::display_name(p))
        .collect();
    let title = args
        .title
        .clone()
        .or_else(|| system_name(&audit))
        .unwrap_or_else(|| folder_names(&args.input.options().paths));
    let report = Report::build(&audit, title, inputs);
    let text = match args.format {
        ReportFormat::Markdown => migration::markdown::render(&report),
        ReportFormat::Html => html::render(&report),
        ReportFormat::Json => migration::json::render(&report),
    };
    match &args.output {
        None => print!("{text}"),
        Some(path) => {
            let guard = super::atomic::Guard::of(&audit);
            if let Err(message) = super::atomic::write(path, &text, &guard) {
                eprintln!(
                    "error: {message}\n  help: choose a FILE in a folder that exists and is writable"
                );
                return Exit::Usage;
            }
        }
    }
    warn_if_incomplete(&audit);
    // Left to the operating system at exit, as `scan` leaves its audit.
    std::mem::forget(report);
    std::mem::forget(audit);
    Exit::Clean
}

/// The `name:` of the first project file read, if it has one.
/// The names of the scanned folders (`robot-shop`, not `.`), for a system that names itself
/// nowhere.
fn folder_names(paths: &[std::path::PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            crate::load::canonical(p)
                .file_name()
                .map(|n| crate::escape::line(&n.to_string_lossy()).into_owned())
        })
        .filter(|n| !n.trim().is_empty())
        .collect();
    if names.is_empty() {
        "the scanned system".to_owned()
    } else {
        names.join(", ")
    }
}

fn system_name(audit: &Audit) -> Option<String> {
    #[derive(Deserialize)]
    struct Named {
        // Located, so a name holding a line break or control character is refused.
        #[serde(default)]
        name: Option<crate::yaml::Located<String>>,
    }
    const PROJECT_FILES: [&str; 3] = ["commaudit.yaml", "commaudit.yml", ".commaudit.yaml"];
    audit.sources.iter().find_map(|(_, file)| {
        let base = file.path.file_name()?.to_str()?;
        if !PROJECT_FILES.contains(&base) {
            return None;
        }
        crate::yaml::parse_typed::<Named>(&file.text)
            .ok()?
            .name
            .map(|n| n.value)
            .filter(|n| !n.trim().is_empty())
    })
}
