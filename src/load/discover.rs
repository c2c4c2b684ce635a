//! Finding input files below the scanned paths, and telling which format each one is.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

/// What a file is, decided from its name and a cheap look at its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `commaudit.yaml`.
    Project,
    /// A native service manifest (`service: name` at the top).
    Manifest,
    Proto,
    /// An Apache Thrift IDL file.
    Thrift,
    OpenApi,
    AsyncApi,
    /// A docker-compose file or overlay.
    Compose,
    /// Kubernetes objects (multi-document YAML).
    Kube,
    /// A Backstage catalog file.
    Backstage,
    /// An application configuration file (`application.yml`, `.properties`).
    AppConfig,
    /// A format read by the importer at this index of the registry (`importers::IMPORTERS`).
    Imported(usize),
    /// Observed traffic: a trace export or service-graph metrics.
    Observed(super::observed::Format),
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Project => "project file",
            Kind::Manifest => "service manifest",
            Kind::Proto => ".proto file",
            Kind::Thrift => "Thrift file",
            Kind::OpenApi => "OpenAPI document",
            Kind::AsyncApi => "AsyncAPI document",
            Kind::Compose => "compose file",
            Kind::Kube => "Kubernetes manifest",
            Kind::Backstage => "Backstage catalog file",
            Kind::AppConfig => "application configuration file",
            Kind::Imported(index) => super::importers::name(index),
            Kind::Observed(format) => format.describe(),
        }
    }
}

/// A file found below a scanned path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    /// The scanned path (a folder) it was found under.
    pub scan_root: PathBuf,
}

/// Project file names, in the order they are preferred.
pub const PROJECT_FILES: [&str; 3] = ["commaudit.yaml", "commaudit.yml", ".commaudit.yaml"];

pub(super) const EXTENSIONS: [&str; 7] = [
    "yaml",
    "yml",
    "json",
    "proto",
    "thrift",
    "properties",
    "prom",
];

/// Whether a file name is a compose file or overlay: `compose.yaml`, `docker-compose.yml`,
/// `docker-compose.override.yml`, `compose.prod.yaml`, ...
pub fn is_compose_name(name: &str) -> bool {
    let stem = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
        .unwrap_or("");
    stem == "compose"
        || stem == "docker-compose"
        || stem.starts_with("compose.")
        || stem.starts_with("docker-compose.")
}

/// Whether a compose file is a base file (not an overlay).
pub fn is_compose_base(name: &str) -> bool {
    matches!(
        name,
        "compose.yaml" | "compose.yml" | "docker-compose.yml" | "docker-compose.yaml"
    )
}

/// Decides what a file is from its name and the top of its text. `None`: not ours.
pub fn sniff(path: &Path, text: &str) -> Option<Kind> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if PROJECT_FILES.contains(&name) {
        return Some(Kind::Project);
    }
    if name.ends_with(".proto") {
        return Some(Kind::Proto);
    }
    if name.ends_with(".thrift") {
        return Some(Kind::Thrift);
    }
    if is_compose_name(name) {
        return Some(Kind::Compose);
    }
    if super::appconfig::is_app_config_name(name) {
        // A test's settings (`src/test/resources/application-test.yml`) configure the tests,
        // not a deployed service.
        return (!is_test_source(path)).then_some(Kind::AppConfig);
    }
    if name.ends_with(".properties") {
        return None;
    }
    let builtin = sniff_builtin(text);
    builtin
        .or_else(|| super::observed::sniff(name, text).map(Kind::Observed))
        .or_else(|| super::importers::claim(path, text).map(Kind::Imported))
}

/// Whether a file lies among a build's test sources (`src/test/`, `src/it/`,
/// `src/integrationTest/`, `src/testFixtures/`), in the layout Maven and Gradle share.
fn is_test_source(path: &Path) -> bool {
    let parts: Vec<&std::ffi::OsStr> = path.iter().collect();
    parts.windows(2).any(|pair| {
        pair[0] == "src"
            && pair[1].to_str().is_some_and(|p| {
                p == "it" || p.starts_with("test") || p.ends_with("Test") || p.ends_with("-test")
            })
    })
}

/// The built-in formats told apart by their text.
fn sniff_builtin(text: &str) -> Option<Kind> {
    if text.trim_start().starts_with('{') {
        return sniff_json(text);
    }
    let mut api_version = None;
    let mut has_kind = false;
    let mut service = false;
    let mut others = Vec::new();
    for key in top_level_keys(text) {
        match key.0 {
            "openapi" | "swagger" => return Some(Kind::OpenApi),
            "asyncapi" => return Some(Kind::AsyncApi),
            "service" => service = true,
            "apiVersion" => api_version = api_version.or(Some(key.1)),
            "kind" => {
                has_kind = true;
                others.push(key.0);
            }
            other => others.push(other),
        }
    }
    if service && is_manifest(text, &others) {
        return Some(Kind::Manifest);
    }
    match api_version {
        Some(v) if v.starts_with("backstage.io/") => Some(Kind::Backstage),
        // Templated manifests (Helm) are not YAML until rendered.
        Some(_) if has_kind && !text.contains("{{") => Some(Kind::Kube),
        _ => None,
    }
}

/// The top-level keys of a service manifest (`load::manifest::ServiceManifest`); a test keeps
/// the list in step with the type's schema.
const MANIFEST_KEYS: &[&str] = &[
    "calls",
    "capacity",
    "datastores",
    "description",
    "exposure",
    "kind",
    "load_balancer",
    "owner",
    "processing_ms",
    "provides",
    "publishes",
    "replicas",
    "service",
    "slo",
    "subscribes",
];

/// Whether a YAML text with a top-level `service:` is a service manifest. Other tools write a
/// top-level `service:` too: an OpenTelemetry Collector or Fluent Bit configuration (a mapping
/// of pipelines under it), the Serverless Framework (`service: name` beside `provider:` and
/// `functions:`). A manifest names its service with a scalar, and its other top-level keys are
/// manifest keys or misspellings of them (which the manifest reader reports, with a
/// suggestion); a file with one manifest key besides `service` is a manifest whatever else it
/// holds, so a stray key is reported rather than the file ignored.
fn is_manifest(text: &str, others: &[&str]) -> bool {
    if service_holds_a_collection(text) {
        return false;
    }
    let known = |k: &str| MANIFEST_KEYS.contains(&k);
    others.iter().any(|k| known(k))
        || others
            .iter()
            .all(|k| crate::suggest::closest(k, MANIFEST_KEYS.iter().copied()).is_some())
}

/// Whether the first top-level `service:` has no value on its line and an indented block or a
/// list under it.
fn service_holds_a_collection(text: &str) -> bool {
    let mut lines = text.lines();
    for line in lines.by_ref() {
        if let Some(rest) = line.strip_prefix("service:") {
            let rest = rest.trim();
            if !(rest.is_empty() || rest.starts_with('#')) {
                return rest.starts_with('{') || rest.starts_with('[');
            }
            break;
        }
    }
    lines
        .map(str::trim_end)
        .find(|l| !l.trim_start().is_empty() && !l.trim_start().starts_with('#'))
        .is_some_and(|l| l.starts_with(char::is_whitespace) || l.starts_with("- "))
}

fn sniff_json(text: &str) -> Option<Kind> {
    let head: String = text.chars().take(64 * 1024).collect();
    let has = |key: &str| {
        head.match_indices(&format!("\"{key}\""))
            .any(|(i, m)| head[i + m.len()..].trim_start().starts_with(':'))
    };
    if has("openapi") || has("swagger") {
        Some(Kind::OpenApi)
    } else if has("asyncapi") {
        Some(Kind::AsyncApi)
    } else {
        None
    }
}

/// Keys written at column 0 of a YAML text (`key: value`), with their values, skipping
/// comments and directives.
fn top_level_keys(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines().filter_map(|line| {
        let first = line.chars().next()?;
        if first.is_whitespace() || matches!(first, '#' | '-' | '%' | '.' | '[' | '{') {
            return None;
        }
        let (key, value) = line.split_once(':')?;
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        Some((key.trim().trim_matches(|c| c == '"' || c == '\''), value))
    })
}

/// A Kubernetes manifest that is a template (Helm), not YAML until rendered.
pub fn is_template(text: &str) -> bool {
    text.contains("{{") && top_level_keys(text).any(|(k, _)| k == "apiVersion")
}

/// Glob patterns from a project file's `exclude:`, relative to its folder.
#[derive(Debug, Default)]
pub struct Excludes {
    sets: Vec<(PathBuf, GlobSet)>,
}

impl Excludes {
    /// Adds patterns rooted at `dir`; returns the patterns that are not valid globs.
    pub fn add(&mut self, dir: &Path, patterns: &[String]) -> Vec<(usize, String)> {
        let mut builder = GlobSetBuilder::new();
        let mut bad = Vec::new();
        for (i, pattern) in patterns.iter().enumerate() {
            match Glob::new(pattern) {
                Ok(glob) => {
                    builder.add(glob);
                }
                Err(err) => bad.push((i, err.kind().to_string())),
            }
        }
        // An empty set matches nothing: not kept, so a project without excludes costs nothing.
        if let Some(set) = builder.build().ok().filter(|set| !set.is_empty()) {
            self.sets.push((dir.to_path_buf(), set));
        }
        bad
    }

    /// Whether no pattern was added: then nothing is excluded.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    pub fn matches(&self, path: &Path) -> bool {
        self.sets.iter().any(|(dir, set)| {
            path.strip_prefix(dir).is_ok_and(|rel| {
                set.is_match(rel)
                    || rel
                        .ancestors()
                        .any(|a| !a.as_os_str().is_empty() && set.is_match(a))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_formats_from_their_top_keys() {
        let p = Path::new("x.yaml");
        assert_eq!(sniff(p, "# c\nopenapi: 3.1.0\n"), Some(Kind::OpenApi));
        assert_eq!(sniff(p, "swagger: '2.0'\n"), Some(Kind::OpenApi));
        assert_eq!(sniff(p, "asyncapi: 3.0.0\n"), Some(Kind::AsyncApi));
        assert_eq!(sniff(p, "---\nservice: orders\n"), Some(Kind::Manifest));
        assert_eq!(sniff(p, "name: ci\non: push\n"), None);
        assert_eq!(
            sniff(p, "service: orders\ncals: []\nprovides: {}\n"),
            Some(Kind::Manifest),
            "a misspelt key is the manifest reader's to report"
        );
        assert_eq!(
            sniff(p, "service: orders\ncalls: []\nfoo: 1\n"),
            Some(Kind::Manifest)
        );
        assert_eq!(sniff(p, "service:\n"), Some(Kind::Manifest));
    }

    #[test]
    fn test_settings_are_not_a_service_s_configuration() {
        let yaml = "spring:\n  application:\n    name: orders\n";
        for test in [
            "svc/src/test/resources/application.yml",
            "svc/src/test/resources/application-test.yml",
            "svc/src/integrationTest/resources/application.yml",
            "svc/src/it/resources/bootstrap.yml",
        ] {
            assert_eq!(sniff(Path::new(test), yaml), None, "{test}");
        }
        for main in [
            "svc/src/main/resources/application.yml",
            "config-repo/application.yml",
            "tests/application.yml",
        ] {
            assert_eq!(
                sniff(Path::new(main), yaml),
                Some(Kind::AppConfig),
                "{main}"
            );
        }
    }

    #[test]
    fn other_tools_top_level_service_is_not_a_manifest() {
        let p = Path::new("x.yaml");
        let collector = "receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  \
                         logging:\n\nservice:\n  # the pipelines\n  pipelines:\n    \
                         traces:\n      receivers: [otlp]\n";
        assert_eq!(sniff(p, collector), None);
        let serverless = "service: orders\nframeworkVersion: '3'\nprovider:\n  name: \
                          aws\nfunctions:\n  create:\n    handler: h.create\n";
        assert_eq!(sniff(p, serverless), None);
        assert_eq!(sniff(p, "service: {name: orders}\n"), None);
    }

    #[test]
    fn manifest_keys_are_the_manifest_type_s_fields() {
        let schema = serde_json::to_value(schemars::schema_for!(
            crate::load::manifest::ServiceManifest
        ))
        .unwrap();
        let mut fields: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort_unstable();
        assert_eq!(fields, MANIFEST_KEYS);
        assert_eq!(
            sniff(
                Path::new("a.json"),
                "{\n  \"info\": {},\n  \"openapi\" : \"3.0.0\"}"
            ),
            Some(Kind::OpenApi)
        );
        assert_eq!(sniff(Path::new("package.json"), "{\"name\": \"x\"}"), None);
        assert_eq!(
            sniff(Path::new("d/commaudit.yaml"), ""),
            Some(Kind::Project)
        );
    }

    #[test]
    fn nested_keys_do_not_count() {
        assert_eq!(sniff(Path::new("x.yaml"), "spec:\n  service: x\n"), None);
    }

    #[test]
    fn excludes_match_below_their_folder() {
        let mut ex = Excludes::default();
        assert!(
            ex.add(Path::new("/p"), &["generated/**".into(), "*.json".into()])
                .is_empty()
        );
        assert!(ex.matches(Path::new("/p/generated/a.yaml")));
        assert!(ex.matches(Path::new("/p/x.json")));
        assert!(!ex.matches(Path::new("/q/x.json")));
        assert!(!ex.matches(Path::new("/p/services/a.yaml")));
    }
}
