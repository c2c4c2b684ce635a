//! Which settings apply to a run: the project files among the inputs, the `commaudit.yaml`
//! found upward from the scanned path (or the one given with `--config`), and the command
//! line's overrides, merged into one [`Config`].

use std::path::{Path, PathBuf};

use crate::diagnostics::Severity;
use crate::load::discover::PROJECT_FILES;
use crate::load::manifest::ProjectFile;
use crate::load::read::Reader;
use crate::load::{self, Loaded};
use crate::source::{SourceId, Span, display_name};
use crate::yaml;

use super::select::{RulePattern, split_list};
use super::{Config, ConfigError};

/// Where the configuration comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Choice {
    /// Only the project files among the inputs (the library's default).
    #[default]
    Inputs,
    /// The project files among the inputs, and `commaudit.yaml` found from the first scanned
    /// path upward to the repository root (the command line's default).
    Discover,
    /// This file only (`--config FILE`); project files among the inputs are still inputs.
    File(PathBuf),
    /// No settings at all (`--no-config`).
    Off,
}

/// Settings given on the command line, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Rules to run, and only those (`--select`).
    pub select: Vec<String>,
    /// Rules not to run (`--ignore`).
    pub ignore: Vec<String>,
    /// `RULE=LEVEL` (`--severity`), where LEVEL is error, warning, note or off.
    pub severity: Vec<String>,
    /// `--inferred-severity`, when given.
    pub inferred_severity: Option<super::InferredSeverity>,
}

/// Everything that decides the configuration besides the inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub choice: Choice,
    pub overrides: Overrides,
}

/// The first project file in `start` (a folder, or a file's folder) or above it, stopping at
/// the folder reads are confined to: the repository root (the folder holding `.git`), or the
/// scanned folder itself when it is in no repository. A file planted above the repository
/// never applies.
pub fn find_upward(start: &Path, reader: &Reader) -> Option<PathBuf> {
    let start = load::canonical(start);
    let start = if start.is_dir() {
        start
    } else {
        start.parent().map(Path::to_path_buf)?
    };
    let physical = reader.resolve(&start).ok()?;
    let top = reader.root_of(&physical)?.to_path_buf();
    let mut dir = physical;
    loop {
        for name in PROJECT_FILES {
            let candidate = dir.join(name);
            if reader.check_file(&candidate).is_ok() {
                return Some(candidate);
            }
        }
        if dir == top || !dir.pop() {
            return None;
        }
    }
}

impl Config {
    /// Resolves the configuration of a run. A configuration file that is not among the inputs
    /// is added to `loaded.sources`, so that its errors and findings show its lines.
    pub fn resolve(
        loaded: &mut Loaded,
        scanned: &[PathBuf],
        settings: &Settings,
    ) -> Result<Config, Vec<ConfigError>> {
        let mut config = Config::default();
        let mut errors = Vec::new();
        let file = match &settings.choice {
            Choice::Inputs | Choice::Off => None,
            Choice::Discover => scanned.first().and_then(|p| find_upward(p, &loaded.reader)),
            Choice::File(path) if path.exists() => Some(path.clone()),
            Choice::File(path) => {
                return Err(vec![ConfigError {
                    message: format!("configuration file `{}` does not exist", path.display()),
                    span: None,
                    help: Some("give the path of a commaudit.yaml, or leave --config out to find one from the scanned path upward".into()),
                }]);
            }
        };
        let mut own = None;
        if let Some(path) = &file {
            match read_config_file(loaded, path) {
                Ok((source, project)) => {
                    own = Some(source);
                    if let Some(project) = project {
                        config.read_project(&project, source, &mut errors);
                    } else {
                        config.sources.push(source);
                    }
                }
                Err(err) => return Err(vec![err]),
            }
            config.file = Some(path.clone());
        }
        if matches!(settings.choice, Choice::Inputs | Choice::Discover) {
            for project in &loaded.projects {
                if Some(project.source) != own {
                    config.read_project(&project.file, project.source, &mut errors);
                }
            }
        }
        config.apply_overrides(&settings.overrides, &mut errors);
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    fn apply_overrides(&mut self, overrides: &Overrides, errors: &mut Vec<ConfigError>) {
        let mut patterns = |flag: &str, values: &[String]| -> Vec<RulePattern> {
            let mut out = Vec::new();
            for value in values {
                for name in split_list(value) {
                    match RulePattern::parse(name) {
                        Ok(p) => out.push(p),
                        Err(unknown) => errors.push(ConfigError {
                            message: format!("{} in {flag}", unknown.message),
                            span: None,
                            help: Some(unknown.help),
                        }),
                    }
                }
            }
            out
        };
        let mut empty_selection = None;
        if !overrides.select.is_empty() {
            let selected = patterns("--select", &overrides.select);
            // `--select ''` (an unset CI variable) would run no rule and pass every gate.
            let named = overrides
                .select
                .iter()
                .any(|v| split_list(v).next().is_some());
            if !named {
                empty_selection = Some(ConfigError {
                    message: "--select names no rule".into(),
                    span: None,
                    help: Some(
                        "give rule IDs, prefixes or names (`--select CA1,CA402`), or leave --select out to run every rule".into(),
                    ),
                });
            }
            self.select = Some(selected);
        }
        self.deselect = patterns("--ignore", &overrides.ignore);
        if let Some(inferred) = overrides.inferred_severity {
            self.inferred_severity = inferred;
        }
        errors.extend(empty_selection);
        for setting in &overrides.severity {
            let Some((rule, level)) = setting.split_once('=') else {
                errors.push(ConfigError {
                    message: format!("--severity `{setting}` is not RULE=LEVEL"),
                    span: None,
                    help: Some(
                        "write `--severity CA302=error` (levels: error, warning, note, off)".into(),
                    ),
                });
                continue;
            };
            let level = level.trim();
            let severity = match level {
                "off" => None,
                other => match Severity::parse(other) {
                    Some(s) => Some(s),
                    None => {
                        errors.push(ConfigError {
                            message: format!("unknown severity `{level}` in --severity"),
                            span: None,
                            help: Some("use error, warning, note or off".into()),
                        });
                        continue;
                    }
                },
            };
            let pattern = match RulePattern::parse(rule) {
                Ok(p) => p,
                Err(unknown) => {
                    errors.push(ConfigError {
                        message: format!("{} in --severity", unknown.message),
                        span: None,
                        help: Some(unknown.help),
                    });
                    continue;
                }
            };
            for id in pattern.rules().collect::<Vec<_>>() {
                let entry = self.rules.entry(id.0).or_default();
                entry.enabled = severity.is_some();
                if severity.is_some() {
                    entry.severity = severity;
                }
            }
        }
    }
}

/// Reads and parses the configuration file, taking it from the inputs when it is one of them.
/// `None`: the file is empty.
fn read_config_file(
    loaded: &mut Loaded,
    path: &Path,
) -> Result<(SourceId, Option<ProjectFile>), ConfigError> {
    let key = load::canonical(path);
    let source = match loaded.paths.get(&key) {
        Some(&id) => id,
        None => {
            let text = loaded
                .reader
                .read_named(path)
                .map_err(|problem| ConfigError {
                    message: format!(
                        "cannot read configuration file `{}`: {}",
                        display_name(path),
                        problem.message()
                    ),
                    span: None,
                    help: Some(problem.help().to_owned()),
                })?;
            loaded
                .sources
                .add(display_name(path), path.to_path_buf(), text.into())
        }
    };
    let file = loaded.sources.get(source);
    let text = file.text.clone();
    match yaml::parse_typed::<Option<ProjectFile>>(&text) {
        Ok(project) => Ok((source, project)),
        Err(err) => {
            let err = match yaml::parse_node(&text) {
                Err(syntax) => syntax,
                Ok(_) => err.with_key_context(&text),
            };
            let span: Span = err.span(source, file);
            Err(ConfigError {
                message: format!("invalid configuration file: {}", err.message),
                span: Some(span),
                help: err.help,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::RuleId;

    fn with(overrides: Overrides) -> Result<Config, Vec<ConfigError>> {
        Config::resolve(
            &mut Loaded::default(),
            &[],
            &Settings {
                choice: Choice::Off,
                overrides,
            },
        )
    }

    #[test]
    fn select_ignore_and_severity_combine() {
        let c = with(Overrides {
            select: vec!["CA1,CA301".into()],
            ignore: vec!["sync-cycle".into()],
            severity: vec!["CA102=error".into(), "CA103=off".into()],
            inferred_severity: Some(super::super::InferredSeverity::Same),
        })
        .unwrap();
        assert!(c.enabled(RuleId("CA102")) && c.enabled(RuleId("CA301")));
        assert!(!c.enabled(RuleId("CA101")), "ignored by name");
        assert!(!c.enabled(RuleId("CA103")), "turned off");
        assert!(!c.enabled(RuleId("CA201")), "not selected");
        assert_eq!(c.effective_severity(RuleId("CA102")), Severity::Error);
        assert_eq!(c.inferred_severity, super::super::InferredSeverity::Same);
    }

    #[test]
    fn an_empty_selection_is_an_error_not_a_silent_pass() {
        for select in ["", " , "] {
            let errors = with(Overrides {
                select: vec![select.into()],
                ignore: vec![],
                severity: vec![],
                inferred_severity: None,
            })
            .unwrap_err();
            assert_eq!(errors[0].message, "--select names no rule");
        }
    }

    #[test]
    fn bad_overrides_are_errors_with_help() {
        let errors = with(Overrides {
            select: vec!["CA3011".into()],
            ignore: vec![],
            severity: vec!["CA102".into(), "CA102=fatal".into()],
            inferred_severity: None,
        })
        .unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown rule `CA3011` in --select",
                "--severity `CA102` is not RULE=LEVEL",
                "unknown severity `fatal` in --severity"
            ]
        );
        assert_eq!(errors[0].help.as_deref(), Some("did you mean `CA301`?"));
    }
}
