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
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Project => "project file",
            Kind::Manifest => "service manifest",
            Kind::Proto => ".proto file",
            Kind::OpenApi => "OpenAPI document",
            Kind::AsyncApi => "AsyncAPI document",
            Kind::Compose => "compose file",
            Kind::Kube => "Kubernetes manifest",
            Kind::Backstage => "Backstage catalog file",
            Kind::AppConfig => "application configuration file",
            Kind::Imported(index) => super::importers::name(index),
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

const EXTENSIONS: [&str; 5] = ["yaml", "yml", "json", "proto", "properties"];

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

/// Every file with a readable extension below `root` (or `root` itself when it is a file),
/// honouring .gitignore and skipping hidden folders, in a deterministic order.
pub fn walk(root: &Path) -> Vec<Candidate> {
    if root.is_file() {
        let scan_root = root.parent().unwrap_or(Path::new(".")).to_path_buf();
        return vec![Candidate {
            path: root.to_path_buf(),
            scan_root,
        }];
    }
    let mut found = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(true)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker.flatten() {
        let path = entry.path();
        let is_file = entry.file_type().is_some_and(|t| t.is_file());
        let named_project = path
            .file_name()
            .is_some_and(|n| PROJECT_FILES.iter().any(|p| n == *p));
        let readable = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
        let wanted = || {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(super::importers::wanted)
        };
        if is_file && (readable || named_project || wanted()) {
            found.push(Candidate {
                path: path.to_path_buf(),
                scan_root: root.to_path_buf(),
            });
        }
    }
    found
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
    if is_compose_name(name) {
        return Some(Kind::Compose);
    }
    if super::appconfig::is_app_config_name(name) {
        return Some(Kind::AppConfig);
    }
    if name.ends_with(".properties") {
        return None;
    }
    let builtin = sniff_builtin(text);
    builtin.or_else(|| super::importers::claim(path, text).map(Kind::Imported))
}

/// The built-in formats told apart by their text.
fn sniff_builtin(text: &str) -> Option<Kind> {
    if text.trim_start().starts_with('{') {
        return sniff_json(text);
    }
    let mut api_version = None;
    let mut has_kind = false;
    for key in top_level_keys(text) {
        match key.0 {
            "openapi" | "swagger" => return Some(Kind::OpenApi),
            "asyncapi" => return Some(Kind::AsyncApi),
            "service" => return Some(Kind::Manifest),
            "apiVersion" => api_version = api_version.or(Some(key.1)),
            "kind" => has_kind = true,
            _ => {}
        }
    }
    match api_version {
        Some(v) if v.starts_with("backstage.io/") => Some(Kind::Backstage),
        // Templated manifests (Helm) are not YAML until rendered.
        Some(_) if has_kind && !text.contains("{{") => Some(Kind::Kube),
        _ => None,
    }
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
        if let Ok(set) = builder.build() {
            self.sets.push((dir.to_path_buf(), set));
        }
        bad
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
