//! Files found below the scanned paths that commaudit did not understand, kept by kind with the
//! reason, so the scan can say what it could not see instead of skipping them without a word.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::source::SourceId;

/// Why a file found was not understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkippedKind {
    /// A Kubernetes manifest with `{{ }}` in it: not YAML until rendered.
    HelmTemplate,
    /// Application source code: the calls it makes are written in code, not declared.
    SourceCode,
}

impl SkippedKind {
    /// What such files are, in the plural.
    pub fn describe(self) -> &'static str {
        match self {
            SkippedKind::HelmTemplate => "Helm templates",
            SkippedKind::SourceCode => "source files",
        }
    }

    /// Why they were not understood, and what would make them count.
    pub fn reason(self) -> &'static str {
        match self {
            SkippedKind::HelmTemplate => {
                "a template is not YAML until it is rendered; render the chart (`helm template`) and scan the output"
            }
            SkippedKind::SourceCode => {
                "calls made in application code are not read; declare them in a manifest overlay or import telemetry"
            }
        }
    }
}

/// What was found and not understood.
#[derive(Debug, Clone, Default)]
pub struct Skipped {
    /// Helm templates, each kept in the sources (so findings can point at them).
    pub templates: Vec<SourceId>,
    /// Source files by language, counted, with the first one found of each.
    pub code: BTreeMap<&'static str, (usize, String)>,
}

impl Skipped {
    /// Counts a source file, if `path` is one.
    pub fn count_code(&mut self, path: &Path) {
        let Some(language) = language(path) else {
            return;
        };
        let entry = self
            .code
            .entry(language)
            .or_insert_with(|| (0, crate::source::display_name(path)));
        entry.0 += 1;
    }

    pub fn append(&mut self, other: Skipped) {
        self.templates.extend(other.templates);
        for (language, (n, first)) in other.code {
            let entry = self.code.entry(language).or_insert((0, first));
            entry.0 += n;
        }
    }

    /// Source files of every language.
    pub fn code_files(&self) -> usize {
        self.code.values().map(|(n, _)| n).sum()
    }
}

/// The language of a source file, by its extension: the languages services are written in.
pub fn language(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "go" => "Go",
        "java" => "Java",
        "kt" | "kts" => "Kotlin",
        "scala" => "Scala",
        "py" => "Python",
        "js" | "mjs" | "cjs" => "JavaScript",
        "ts" => "TypeScript",
        "cs" => "C#",
        "rb" => "Ruby",
        "php" => "PHP",
        "rs" => "Rust",
        "ex" | "exs" => "Elixir",
        "cpp" | "cc" => "C++",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_files_are_counted_by_language() {
        let mut skipped = Skipped::default();
        for p in [
            "a/main.go",
            "b/server.go",
            "c/App.java",
            "d/README.md",
            "e/x",
        ] {
            skipped.count_code(Path::new(p));
        }
        assert_eq!(skipped.code_files(), 3);
        assert_eq!(skipped.code["Go"].0, 2);
        assert!(!skipped.code.contains_key("Markdown"));
        let mut more = Skipped::default();
        more.count_code(Path::new("f/util.go"));
        skipped.append(more);
        assert_eq!(skipped.code["Go"], (3, "a/main.go".to_owned()));
    }
}
