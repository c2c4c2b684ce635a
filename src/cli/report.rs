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
        .unwrap_or_else(|| inputs.join(", "));
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
    Exit::Clean
}

/// The `name:` of the first project file read, if it has one.
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
