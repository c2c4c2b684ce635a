//! Where `scan` writes: the chosen format on stdout, the same result in other formats to files
//! (each written atomically), and the GitHub job summary. The formats and their file flags come
//! from [`report::format::FORMATS`].

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgMatches, Command};

use crate::diagnostics::Severity;
use crate::gate::Gated;
use crate::report::format::{FORMATS, Format};
use crate::report::{self, Color, Style};

use super::Exit;
use super::scan::ColorChoice;

/// `--format`: one of [`FORMATS`], by name, with each format's description in `--help`.
pub fn format_parser() -> impl TypedValueParser<Value = &'static Format> {
    PossibleValuesParser::new(
        FORMATS
            .iter()
            .map(|f| PossibleValue::new(f.name).help(f.description)),
    )
    .map(|name| report::format::find(&name).unwrap_or(&FORMATS[0]))
}

/// Report files written in the same run as the stdout format: one `--<name>-output FILE` flag
/// per format that has one.
#[derive(Debug, Default)]
pub struct Outputs {
    files: Vec<(&'static Format, PathBuf)>,
}

impl clap::FromArgMatches for Outputs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let files = FORMATS
            .iter()
            .filter_map(|f| {
                let flag = f.file_flag?;
                let path = matches.get_one::<PathBuf>(flag)?;
                Some((f, path.clone()))
            })
            .collect();
        Ok(Outputs { files })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl clap::Args for Outputs {
    fn augment_args(command: Command) -> Command {
        FORMATS
            .iter()
            .fold(command, |command, f| match f.file_flag {
                Some(flag) => command.arg(
                    Arg::new(flag)
                        .long(flag)
                        .value_name("FILE")
                        .value_parser(clap::value_parser!(PathBuf))
                        .help(format!(
                            "Also write the output of --format {} to FILE",
                            f.name
                        )),
                ),
                None => command,
            })
    }

    fn augment_args_for_update(command: Command) -> Command {
        Self::augment_args(command)
    }
}

/// The environment variable GitHub Actions sets to the job summary file.
const STEP_SUMMARY: &str = "GITHUB_STEP_SUMMARY";

/// What stdout shows besides the format: only the findings, or counts per rule instead.
#[derive(Debug, Clone, Copy, Default)]
pub struct View {
    pub quiet: bool,
    pub statistics: bool,
    /// The width to fit human output to, when known.
    pub width: Option<usize>,
}

pub fn emit(
    gated: &Gated,
    format: &Format,
    color: ColorChoice,
    fail_on: Option<Severity>,
    outputs: &Outputs,
    view: View,
) -> Result<(), Exit> {
    let plain = Style {
        color: Color::Never,
        fail_on,
        quiet: false,
        width: None,
    };
    // Resolving every input's physical path costs a system call per file: only done when
    // there is a file to write.
    if !outputs.files.is_empty() {
        let guard = super::atomic::Guard::of(&gated.audit);
        for (file_format, path) in &outputs.files {
            write_file(path, &(file_format.render)(gated, &plain), &guard)?;
        }
    }
    let style = Style {
        color: if format.color {
            resolve_color(color)
        } else {
            Color::Never
        },
        fail_on,
        quiet: view.quiet,
        width: view.width,
    };
    let text = if view.statistics {
        report::statistics::render(gated, format.name == "json")
    } else {
        (format.render)(gated, &style)
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    if format.job_summary {
        append_step_summary(gated, &plain);
    }
    Ok(())
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

fn write_file(path: &Path, text: &str, guard: &super::atomic::Guard) -> Result<(), Exit> {
    super::atomic::write(path, text, guard).map_err(|message| {
        eprintln!("error: {message}\n  help: check the path given to the --*-output flag");
        Exit::Usage
    })
}

/// Appends the Markdown report to the GitHub job summary; a failure is a warning, not a
/// failed gate.
fn append_step_summary(gated: &Gated, style: &Style) {
    let Some(path) = std::env::var_os(STEP_SUMMARY).filter(|p| !p.is_empty()) else {
        return;
    };
    let Some(summary) = report::format::job_summary_format() else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all((summary.render)(gated, style).as_bytes()));
    if let Err(err) = written {
        eprintln!(
            "warning: cannot append the job summary to `{}`: {err}",
            Path::new(&path).display()
        );
    }
}
