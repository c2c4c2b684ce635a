//! Finding input files below the scanned paths, and telling which format each one is.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::read::{ReadProblem, Reader};

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

const EXTENSIONS: [&str; 7] = [
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

/// What a walk found: the candidate files, and the folders and ignore files it could not read.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<Candidate>,
    pub problems: Vec<(PathBuf, ReadProblem)>,
    /// Source files passed by, counted by language: what the scan cannot read.
    pub skipped: super::skipped::Skipped,
}

/// Every file with a readable extension below `root` (or `root` itself when it is not a
/// folder), honouring `.gitignore` and `.ignore` files and skipping hidden entries, in file
/// name order. Symbolic links are not followed into folders; a linked file is a candidate that
/// the reader resolves (and refuses when it leads outside the scanned folders). Ignore files
/// are read through `reader` too. The walk keeps its own stack, so no folder depth can
/// overflow it.
pub fn walk(root: &Path, reader: &Reader) -> Walk {
    let mut walk = Walk::default();
    if !root.is_dir() {
        let scan_root = root.parent().unwrap_or(Path::new(".")).to_path_buf();
        walk.files.push(Candidate {
            path: root.to_path_buf(),
            scan_root,
        });
        return walk;
    }
    // Ignore rules match absolute paths; candidates keep the path as given.
    let top = super::canonical(root);
    let shown = |path: &Path| match path.strip_prefix(&top) {
        Ok(rel) if !rel.as_os_str().is_empty() => root.join(rel),
        _ => root.to_path_buf(),
    };
    let mut ignores = Ignores::default();
    let mut inherited = None;
    // Ignore files of the folders above `root`, up to the repository's root, apply too.
    let mut above: Vec<&Path> = top
        .ancestors()
        .skip(1)
        .take_while(|d| reader.resolve(d).is_ok())
        .collect();
    above.reverse();
    for dir in above {
        inherited = ignores.read(dir, &IGNORE_FILES, inherited, reader, &mut walk.problems);
    }
    let mut stack: Vec<(PathBuf, bool, Option<usize>)> = vec![(top.clone(), true, inherited)];
    while let Some((path, is_dir, parent)) = stack.pop() {
        if !is_dir {
            walk.files.push(Candidate {
                path: shown(&path),
                scan_root: root.to_path_buf(),
            });
            continue;
        }
        let entries = match std::fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(err) => {
                walk.problems
                    .push((shown(&path), ReadProblem::Io(err.to_string())));
                continue;
            }
        };
        let mut listed = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => listed.push(entry),
                Err(err) => walk
                    .problems
                    .push((shown(&path), ReadProblem::Io(err.to_string()))),
            }
        }
        // Only the ignore files the listing shows are opened: most folders have none, and
        // looking for them in each folder cost more than the rest of the walk.
        let present: Vec<&str> = IGNORE_FILES
            .into_iter()
            .filter(|f| listed.iter().any(|e| e.file_name() == *f))
            .collect();
        let own = ignores.read(&path, &present, parent, reader, &mut walk.problems);
        let mut children: Vec<(OsString, PathBuf, bool)> = Vec::new();
        for entry in listed {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let child = entry.path();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if ignores.ignored(own, &child, is_dir) {
                continue;
            }
            let project = PROJECT_FILES.iter().any(|p| name == *p);
            let readable = child
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
            let wanted = name.to_str().is_some_and(super::importers::wanted);
            if is_dir || readable || project || wanted {
                children.push((name, child, is_dir));
            } else {
                walk.skipped.count_code(&child);
            }
        }
        children.sort_by(|a, b| b.0.cmp(&a.0));
        stack.extend(children.into_iter().map(|(_, p, d)| (p, d, own)));
    }
    walk
}

/// The files whose patterns leave paths out of the walk, as git and ripgrep read them.
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// The ignore rules of the folders walked so far; each knows its parent folder's, so a path is
/// matched innermost first, as git does.
#[derive(Default)]
struct Ignores {
    rules: Vec<(Gitignore, Option<usize>)>,
}

impl Ignores {
    /// Reads the ignore files `names` (of [`IGNORE_FILES`]) in `dir`; the index of the rules
    /// that apply in it.
    fn read(
        &mut self,
        dir: &Path,
        names: &[&str],
        parent: Option<usize>,
        reader: &Reader,
        problems: &mut Vec<(PathBuf, ReadProblem)>,
    ) -> Option<usize> {
        let mut builder = GitignoreBuilder::new(dir);
        let mut any = false;
        for name in names {
            let path = dir.join(name);
            match reader.read_text(&path) {
                Ok(text) => {
                    for line in text.lines() {
                        any |= builder.add_line(Some(path.clone()), line).is_ok();
                    }
                }
                Err(ReadProblem::NotFound) => {}
                Err(problem) => problems.push((path, problem)),
            }
        }
        match builder.build() {
            Ok(rules) if any => {
                self.rules.push((rules, parent));
                Some(self.rules.len() - 1)
            }
            _ => parent,
        }
    }

    fn ignored(&self, mut at: Option<usize>, path: &Path, is_dir: bool) -> bool {
        while let Some(i) = at {
            let (rules, parent) = &self.rules[i];
            let found = rules.matched(path, is_dir);
            if found.is_ignore() {
                return true;
            }
            if found.is_whitelist() {
                return false;
            }
            at = *parent;
        }
        false
    }
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
    fn walks_in_name_order_honouring_ignore_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |p: &str, text: &str| {
            let path = root.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(".gitignore", "gen/\n*.tmp.yaml\n");
        write("b/.gitignore", "!keep.tmp.yaml\n");
        write("b/keep.tmp.yaml", "");
        write("b/drop.yaml", "");
        write("a.yaml", "");
        write("a.tmp.yaml", "");
        write("gen/x.yaml", "");
        write(".hidden/x.yaml", "");
        write("notes.txt", "");
        write("c/d/e.proto", "");
        std::fs::write(root.join("b/.ignore"), "drop.yaml\n").unwrap();
        let reader = Reader::new(&[root.to_path_buf()], &[], 1 << 20);
        let found = walk(root, &reader);
        let names: Vec<String> = found
            .files
            .iter()
            .map(|c| c.path.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a.yaml", "b/keep.tmp.yaml", "c/d/e.proto"]);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
    }

    #[test]
    fn deep_folders_do_not_overflow_the_stack() {
        let dir = tempfile::tempdir().unwrap();
        let mut path = dir.path().to_path_buf();
        for _ in 0..300 {
            path.push("d");
        }
        std::fs::create_dir_all(&path).unwrap();
        std::fs::write(path.join("x.yaml"), "").unwrap();
        let reader = Reader::new(&[dir.path().to_path_buf()], &[], 1 << 20);
        assert_eq!(walk(dir.path(), &reader).files.len(), 1);
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
