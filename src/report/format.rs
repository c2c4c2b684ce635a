//! The output formats of `scan`, one list: each format's name, what it is for, and the
//! function that renders it from the gated result. `--format`'s values and help, the
//! `--<name>-output FILE` flags and the rendering all come from [`FORMATS`], so a new format is
//! its file in `report/` and one line here.

use crate::diagnostics::Severity;
use crate::gate::Gated;

use super::{Color, concise, github, gitlab, human, json, junit, markdown, sarif};

/// How to render, besides what: colour for a terminal, and the level at which a finding fails
/// the run, for formats that mark failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: Color,
    pub fail_on: Option<Severity>,
    /// Findings only: no coverage lines, notes or summary line (`--quiet`).
    pub quiet: bool,
    /// The terminal width to fit (`--width`, `COLUMNS`, the terminal); `None` keeps each
    /// format's fixed width.
    pub width: Option<usize>,
}

/// One output format.
#[derive(Debug)]
pub struct Format {
    /// The value of `--format`.
    pub name: &'static str,
    /// One line for `--help`.
    pub description: &'static str,
    pub render: fn(&Gated, &Style) -> String,
    /// Coloured when stdout is a terminal (`--color`); other formats never are.
    pub color: bool,
    /// The flag that also writes it to a file in the same run: `--<name>-output FILE`.
    pub file_flag: Option<&'static str>,
    /// Also appends the Markdown report to the CI job summary, when the CI names one.
    pub job_summary: bool,
}

/// Every format, in the order `--help` lists them; the first is the default.
pub static FORMATS: &[Format] = &[
    Format {
        name: "human",
        description: "Diagnostics with source snippets",
        render: human::render,
        color: true,
        file_flag: None,
        job_summary: false,
    },
    Format {
        name: "concise",
        description: "One line per finding: path:line:col: CODE [severity] message",
        render: concise::render,
        color: false,
        file_flag: None,
        job_summary: false,
    },
    Format {
        name: "json",
        description: "The stable JSON document (docs/output.md)",
        render: json::render,
        color: false,
        file_flag: Some("json-output"),
        job_summary: false,
    },
    Format {
        name: "sarif",
        description: "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers",
        render: sarif::render,
        color: false,
        file_flag: Some("sarif-output"),
        job_summary: false,
    },
    Format {
        name: "github",
        description: "GitHub Actions annotations (and a job summary when GITHUB_STEP_SUMMARY is set)",
        render: github::render,
        color: false,
        file_flag: None,
        job_summary: true,
    },
    Format {
        name: "gitlab",
        description: "GitLab code quality report",
        render: gitlab::render,
        color: false,
        file_flag: Some("gitlab-output"),
        job_summary: false,
    },
    Format {
        name: "junit",
        description: "JUnit XML, one test case per rule",
        render: junit::render,
        color: false,
        file_flag: Some("junit-output"),
        job_summary: false,
    },
    Format {
        name: "markdown",
        description: "A Markdown report",
        render: markdown::render,
        color: false,
        file_flag: Some("markdown-output"),
        job_summary: false,
    },
];

/// The format named `name`.
pub fn find(name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.name == name)
}

/// The format a job summary is written in.
pub fn job_summary_format() -> Option<&'static Format> {
    find("markdown")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_lowercase_words() {
        for (i, f) in FORMATS.iter().enumerate() {
            assert!(
                f.name.chars().all(|c| c.is_ascii_lowercase()),
                "{}: format names are lowercase words",
                f.name
            );
            assert!(
                FORMATS[..i].iter().all(|g| g.name != f.name),
                "{} is listed twice",
                f.name
            );
            assert!(
                !f.description.ends_with('.'),
                "{}: descriptions have no trailing period",
                f.name
            );
            assert!(std::ptr::eq(find(f.name).unwrap(), f));
            if let Some(flag) = f.file_flag {
                assert_eq!(flag, format!("{}-output", f.name));
            }
        }
        assert!(job_summary_format().is_some());
    }
}
