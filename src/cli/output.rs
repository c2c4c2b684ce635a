//! Where `scan` writes: the chosen format on stdout, the same audit in other formats to files
//! (each written atomically), and the GitHub job summary.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::audit::Audit;
use crate::diagnostics::Severity;
use crate::report::{self, Color};

use super::Exit;
use super::scan::{ColorChoice, ScanFormat};

/// Report files written in the same run as the stdout format.
#[derive(Debug, clap::Args)]
pub struct Outputs {
    /// Also write SARIF 2.1.0 to FILE.
    #[arg(long, value_name = "FILE")]
    sarif_output: Option<PathBuf>,
    /// Also write the JSON document to FILE.
    #[arg(long, value_name = "FILE")]
    json_output: Option<PathBuf>,
    /// Also write JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    junit_output: Option<PathBuf>,
    /// Also write the Markdown report to FILE.
    #[arg(long, value_name = "FILE")]
    markdown_output: Option<PathBuf>,
    /// Also write the GitLab code quality report to FILE.
    #[arg(long, value_name = "FILE")]
    gitlab_output: Option<PathBuf>,
}

/// The environment variable GitHub Actions sets to the job summary file.
const STEP_SUMMARY: &str = "GITHUB_STEP_SUMMARY";

pub fn emit(
    audit: &Audit,
    format: ScanFormat,
    color: ColorChoice,
    fail_on: Option<Severity>,
    outputs: &Outputs,
) -> Result<(), Exit> {
    let files = [
        (&outputs.sarif_output, ScanFormat::Sarif),
        (&outputs.json_output, ScanFormat::Json),
        (&outputs.junit_output, ScanFormat::Junit),
        (&outputs.markdown_output, ScanFormat::Markdown),
        (&outputs.gitlab_output, ScanFormat::Gitlab),
    ];
    for (path, format) in files {
        if let Some(path) = path {
            write_file(path, &render(audit, format, Color::Never, fail_on))?;
        }
    }
    let color = if format == ScanFormat::Human {
        resolve_color(color)
    } else {
        Color::Never
    };
    let text = render(audit, format, color, fail_on);
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    if format == ScanFormat::Github {
        append_step_summary(audit);
    }
    Ok(())
}

/// One format of the audit as text.
pub fn render(
    audit: &Audit,
    format: ScanFormat,
    color: Color,
    fail_on: Option<Severity>,
) -> String {
    let measures = || {
        audit.gate.diff.as_ref().map_or_else(String::new, |d| {
            let mut text = format!("measures since `{}`:\n", d.base);
            for m in &d.measures {
                text.push_str(&format!("  {}\n", m.line()));
            }
            text
        })
    };
    let summary = || format!("{}\n{}", report::summary::line(audit), measures());
    match format {
        ScanFormat::Human => format!(
            "{}{}{}",
            report::human::render(&audit.findings, &audit.sources, color),
            report::summary::notes(audit),
            summary()
        ),
        ScanFormat::Concise => format!(
            "{}{}{}",
            report::concise::render(audit),
            report::summary::notes(audit),
            summary()
        ),
        ScanFormat::Json => {
            let recs = crate::recommend::recommend(audit);
            report::json::render(audit, &recs)
        }
        ScanFormat::Sarif => report::sarif::render(audit),
        ScanFormat::Github => {
            let mut text = report::github::render(audit);
            if let Some(diff) = &audit.gate.diff {
                for m in diff.measures.iter().filter(|m| m.change == "worse") {
                    text.push_str(&format!(
                        "::warning title={}::{}\n",
                        report::github::escape_property("commaudit: a measure got worse"),
                        report::github::escape_data(&m.line())
                    ));
                }
            }
            text.push_str(&summary());
            text
        }
        ScanFormat::Gitlab => report::gitlab::render(audit),
        ScanFormat::Junit => report::junit::render(audit, fail_on),
        ScanFormat::Markdown => report::markdown::render(audit),
    }
}

fn resolve_color(choice: ColorChoice) -> Color {
    match choice {
        ColorChoice::Always => Color::Always,
        ColorChoice::Never => Color::Never,
        ColorChoice::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
                || !std::io::stdout().is_terminal()
            {
                Color::Never
            } else {
                Color::Always
            }
        }
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), Exit> {
    super::atomic::write(path, text).map_err(|message| {
        eprintln!("error: {message}\n  help: check the path given to the --*-output flag");
        Exit::Usage
    })
}

/// Appends the Markdown report to the GitHub job summary; a failure is a warning, not a
/// failed gate.
fn append_step_summary(audit: &Audit) {
    let Some(path) = std::env::var_os(STEP_SUMMARY).filter(|p| !p.is_empty()) else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(report::markdown::render(audit).as_bytes()));
    if let Err(err) = written {
        eprintln!(
            "warning: cannot append the job summary to `{}`: {err}",
            Path::new(&path).display()
        );
    }
}
