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
    /// Interface definitions in a language commaudit does not read (GraphQL, Avro, Smithy,
    /// WSDL): the operations they define are not checked.
    Idl,
    /// A gateway or proxy configuration an importer recognised but could not read.
    GatewayConfig,
    /// An object that patches proxies' own configuration (Istio `EnvoyFilter`): its effect on
    /// calls is not modelled.
    ProxyPatch,
}

impl SkippedKind {
    /// What such files are, in the plural.
    pub fn describe(self) -> &'static str {
        match self {
            SkippedKind::HelmTemplate => "Helm templates",
            SkippedKind::SourceCode => "source files",
            SkippedKind::Idl => "interface definitions",
            SkippedKind::GatewayConfig => "gateway configurations",
            SkippedKind::ProxyPatch => "EnvoyFilter objects",
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
            SkippedKind::Idl => {
                "only .proto, Thrift, OpenAPI and AsyncAPI contracts are read; calls against these interfaces are not checked"
            }
            SkippedKind::GatewayConfig => {
                "recognised as a gateway or proxy configuration but not readable as it is; fix the file or declare its routes in a manifest overlay"
            }
            SkippedKind::ProxyPatch => {
                "a patch to the proxies' own configuration is not modelled; declare its effect on calls (timeouts, retries, routes) in a manifest overlay"
            }
        }
    }

    /// Whether a file of this kind was read into the sources but not understood, so it counts
    /// against the inputs understood. Source code and interface definitions are only counted;
    /// a proxy patch is one object in a file whose other objects were read.
    pub fn whole_file(self) -> bool {
        matches!(self, SkippedKind::HelmTemplate | SkippedKind::GatewayConfig)
    }
}

/// What was found and not understood.
#[derive(Debug, Clone, Default)]
pub struct Skipped {
    /// Helm templates, each kept in the sources (so findings can point at them).
    pub templates: Vec<SourceId>,
    /// Source files by language, counted, with the first one found of each.
    pub code: BTreeMap<&'static str, (usize, String)>,
    /// Interface definitions by language, counted, with the first one found of each.
    pub idl: BTreeMap<&'static str, (usize, String)>,
    /// Files (or objects in files) the importers found and did not understand, in the order
    /// found.
    pub unread: Vec<(SkippedKind, SourceId)>,
}

impl Skipped {
    /// Counts a source file, if `path` is one.
    pub fn count_code(&mut self, path: &Path) {
        let (map, language) = match (language(path), idl(path)) {
            (Some(language), _) => (&mut self.code, language),
            (None, Some(idl)) => (&mut self.idl, idl),
            (None, None) => return,
        };
        let entry = map
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
        for (language, (n, first)) in other.idl {
            let entry = self.idl.entry(language).or_insert((0, first));
            entry.0 += n;
        }
        self.unread.extend(other.unread);
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

/// The interface definition language of a file, by its extension.
pub fn idl(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "graphql" | "graphqls" | "gql" => "GraphQL",
        "avsc" | "avdl" | "avpr" => "Avro",
        "smithy" => "Smithy",
        "wsdl" => "WSDL",
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
            "f/api.graphql",
        ] {
            skipped.count_code(Path::new(p));
        }
        assert_eq!(skipped.code_files(), 3);
        assert_eq!(skipped.code["Go"].0, 2);
        assert!(!skipped.code.contains_key("Markdown"));
        assert_eq!(skipped.idl["GraphQL"], (1, "f/api.graphql".to_owned()));
        let mut more = Skipped::default();
        more.count_code(Path::new("f/util.go"));
        skipped.append(more);
        assert_eq!(skipped.code["Go"], (3, "a/main.go".to_owned()));
    }
}
