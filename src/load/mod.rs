//! Stage 1, load: find the input files below the scanned paths, read and parse each format
//! keeping positions, and turn every read or parse problem into a CA001 finding.
//!
//! Nothing here judges the architecture; it only reports what the files say.

pub mod appconfig;
pub mod asyncapi;
pub mod backstage;
pub mod compose;
pub mod discover;
pub mod importers;
pub mod imports;
pub mod interpolate;
pub mod kube;
pub mod manifest;
pub mod openapi;
mod parse;
mod projects;
pub mod proto;
pub mod read;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Finding;
use crate::diagnostics::catalog::INVALID_INPUT;
use crate::source::{SourceId, Sources, Span, display_name};
use discover::{Candidate, Excludes, Kind};
use manifest::{ProjectFile, ServiceManifest};
use read::ReadProblem;

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub paths: Vec<PathBuf>,
    pub max_file_bytes: u64,
    /// Compose files to merge, in order, as given on the command line (`--compose-file`);
    /// they replace the default base-plus-override of their folder.
    pub compose_files: Vec<PathBuf>,
}

/// A service manifest, from its own file or from a project file's `services:`.
#[derive(Debug, Clone)]
pub struct ManifestInput {
    pub source: SourceId,
    /// Folder that relative paths in the manifest start from.
    pub dir: PathBuf,
    pub manifest: ServiceManifest,
}

#[derive(Debug, Clone)]
pub struct ProjectInput {
    pub source: SourceId,
    pub dir: PathBuf,
    pub file: ProjectFile,
}

/// Everything read, parsed and positioned; the input of `model/`.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Sources,
    pub projects: Vec<ProjectInput>,
    pub manifests: Vec<ManifestInput>,
    pub protos: Vec<proto::ProtoService>,
    pub openapi: Vec<openapi::OpenApiDoc>,
    pub asyncapi: Vec<asyncapi::AsyncApiDoc>,
    pub findings: Vec<Finding>,
    /// Canonical path of every file read, for resolving references between files.
    pub paths: BTreeMap<PathBuf, SourceId>,
    /// Files that were read but could not be used (already reported as CA001).
    pub broken: BTreeSet<SourceId>,
    /// Services whose manifest could not be read, by the name its `service:` line gives, so
    /// that references to them do not cascade into "unknown service" findings.
    pub unreadable_services: Vec<(String, Span)>,
    /// What was read from compose, Kubernetes, Backstage and application configuration files.
    pub imports: imports::Imports,
}

impl Loaded {
    /// The file at `path` (relative paths start from `dir`), if it was read.
    pub fn source_at(&self, dir: &Path, path: &str) -> Option<SourceId> {
        self.paths.get(&canonical(&dir.join(path))).copied()
    }
}

/// Problems that stop the scan before anything is read: exit code 2.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LoadError {
    #[error("path `{}` does not exist", .0.display())]
    PathNotFound(PathBuf),
    #[error("no inputs found under {}", .0.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(", "))]
    NoInputs(Vec<PathBuf>),
}

impl LoadError {
    pub fn help(&self) -> &'static str {
        match self {
            LoadError::PathNotFound(_) => "check the spelling, or run from the repository's root",
            LoadError::NoInputs(_) => {
                "commaudit reads service manifests (`service: name`), commaudit.yaml, .proto files, and OpenAPI and AsyncAPI documents (YAML or JSON)"
            }
        }
    }
}

/// Reads every input below `options.paths`.
pub fn load(options: &LoadOptions) -> Result<Loaded, LoadError> {
    for path in &options.paths {
        if !path.exists() {
            return Err(LoadError::PathNotFound(path.clone()));
        }
    }
    let mut loader = Loader {
        loaded: Loaded::default(),
        max_file_bytes: options.max_file_bytes,
        proto_inputs: Vec::new(),
        proto_roots: Vec::new(),
        excludes: Excludes::default(),
        compose_files: Vec::new(),
    };
    let candidates: Vec<Candidate> = options
        .paths
        .iter()
        .flat_map(|p| discover::walk(p))
        .collect();
    let (projects, others): (Vec<_>, Vec<_>) = candidates.into_iter().partition(|c| {
        c.path
            .file_name()
            .is_some_and(|n| discover::PROJECT_FILES.iter().any(|p| n == *p))
    });
    loader.read_batch(projects, None);
    let mut extra = loader.apply_projects();
    let mut rest: Vec<Candidate> = others;
    rest.append(&mut extra);
    rest.retain(|c| !loader.excludes.matches(&canonical(&c.path)));
    loader.read_batch(rest, None);
    loader.load_references();
    let mut compose_files = options.compose_files.clone();
    compose_files.extend(loader.listed_compose_files());
    loader.assemble_imports(&compose_files);
    loader.compile_protos();

    let loaded = loader.loaded;
    let recognised = !loaded.imports.is_empty()
        || !loaded.projects.is_empty()
        || !loaded.manifests.is_empty()
        || !loaded.protos.is_empty()
        || !loaded.openapi.is_empty()
        || !loaded.asyncapi.is_empty()
        || !loaded.findings.is_empty();
    if !recognised {
        return Err(LoadError::NoInputs(options.paths.clone()));
    }
    Ok(loaded)
}

/// The identity of a path: absolute and lexically cleaned (`.` and `..` removed). It does not
/// touch the file system, so later stages can compare paths without I/O.
pub fn canonical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

struct Loader {
    loaded: Loaded,
    max_file_bytes: u64,
    proto_inputs: Vec<proto::ProtoInput>,
    proto_roots: Vec<PathBuf>,
    excludes: Excludes,
    /// Compose files read, before they are grouped into projects and merged.
    compose_files: Vec<(SourceId, PathBuf, compose::ComposeFile)>,
}

/// A file read and parsed, before it is filed into [`Loaded`].
enum Parsed {
    Project(Box<ProjectFile>),
    Manifest(Box<ServiceManifest>),
    OpenApi(openapi::OpenApiDoc),
    AsyncApi(asyncapi::AsyncApiDoc),
    Proto,
    Compose(compose::ComposeFile),
    Kube(Box<kube::Kube>, importers::Declarations),
    /// What a registered importer read.
    Declared(importers::Declarations),
    Backstage(Vec<backstage::Entity>),
    AppConfig(appconfig::AppConfig),
    Broken(Vec<Finding>),
}

impl Loader {
    /// Reads, classifies and parses a batch of files in parallel; files are filed in order.
    /// `forced` is the kind a reference expects, for files named by a manifest.
    fn read_batch(&mut self, candidates: Vec<Candidate>, forced: Option<(Kind, Span)>) {
        let max = self.max_file_bytes;
        let fresh: Vec<(Candidate, PathBuf)> = candidates
            .into_iter()
            .filter_map(|c| {
                let key = canonical(&c.path);
                (!self.loaded.paths.contains_key(&key)).then_some((c, key))
            })
            .collect();
        let texts: Vec<(Candidate, PathBuf, Result<String, ReadProblem>)> = fresh
            .into_par_iter()
            .map(|(c, key)| {
                let text = read::read_text(&c.path, max);
                (c, key, text)
            })
            .collect();

        let mut jobs: Vec<(SourceId, Kind, Candidate)> = Vec::new();
        for (candidate, key, text) in texts {
            if self.loaded.paths.contains_key(&key) {
                continue;
            }
            let name = display_name(&candidate.path);
            match text {
                Ok(text) => {
                    let kind = forced
                        .map(|(k, _)| k)
                        .or_else(|| discover::sniff(&candidate.path, &text));
                    let Some(kind) = kind else {
                        if discover::is_template(&text) {
                            self.loaded.imports.notes.push(format!(
                                "{name} is a template (Helm); render it (`helm template`) and scan the output to include it"
                            ));
                        }
                        continue;
                    };
                    let id = self
                        .loaded
                        .sources
                        .add(name, candidate.path.clone(), text.into());
                    self.loaded.paths.insert(key, id);
                    jobs.push((id, kind, candidate));
                }
                Err(problem) => {
                    let (shown_text, offset) = match &problem {
                        ReadProblem::NotUtf8 { offset, lossy } => (lossy.clone(), *offset as u32),
                        _ => (String::new(), 0),
                    };
                    let ours = forced.is_some()
                        || match &problem {
                            ReadProblem::NotUtf8 { lossy, .. } => {
                                discover::sniff(&candidate.path, lossy).is_some()
                            }
                            ReadProblem::TooLarge { .. } => {
                                discover::sniff(&candidate.path, &parse::read_head(&candidate.path))
                                    .is_some()
                            }
                            ReadProblem::Binary | ReadProblem::Io(_) => true,
                        };
                    if !ours {
                        continue;
                    }
                    let id =
                        self.loaded
                            .sources
                            .add(name, candidate.path.clone(), shown_text.into());
                    self.loaded.paths.insert(key, id);
                    self.loaded.broken.insert(id);
                    let mut finding = Finding::new(INVALID_INPUT, problem.message())
                        .at(Span::new(id, offset, 0))
                        .help(problem.help());
                    if let Some((_, reference)) = forced {
                        finding = finding.related(reference, "referenced here");
                    }
                    self.loaded.findings.push(finding);
                }
            }
        }

        let sources = &self.loaded.sources;
        let parsed: Vec<(SourceId, Candidate, Parsed)> = jobs
            .into_par_iter()
            .map(|(id, kind, candidate)| {
                let parsed = parse::parse(id, kind, &sources.get(id).text, sources);
                (id, candidate, parsed)
            })
            .collect();
        for (id, candidate, parsed) in parsed {
            self.file(id, candidate, parsed);
        }
    }

    fn file(&mut self, id: SourceId, candidate: Candidate, parsed: Parsed) {
        let dir = candidate
            .path
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        match parsed {
            Parsed::Project(file) => self.loaded.projects.push(ProjectInput {
                source: id,
                dir,
                file: *file,
            }),
            Parsed::Manifest(manifest) => self.loaded.manifests.push(ManifestInput {
                source: id,
                dir,
                manifest: *manifest,
            }),
            Parsed::OpenApi(doc) => self.loaded.openapi.push(doc),
            Parsed::AsyncApi(doc) => self.loaded.asyncapi.push(doc),
            Parsed::Compose(file) => self.compose_files.push((id, candidate.path, file)),
            Parsed::Kube(objects, declared) => {
                self.loaded.imports.add_kube(*objects);
                self.add_declared(declared);
            }
            Parsed::Declared(declared) => self.add_declared(declared),
            Parsed::Backstage(entities) => {
                self.loaded.imports.backstage.push(imports::BackstageFile {
                    source: id,
                    dir,
                    entities,
                    definitions: BTreeMap::new(),
                })
            }
            Parsed::AppConfig(config) => self
                .loaded
                .imports
                .app_configs
                .push(imports::AppConfigFile { dir, config }),
            Parsed::Proto => self.proto_inputs.push(proto::ProtoInput {
                source: id,
                path: candidate.path,
                scan_root: candidate.scan_root,
            }),
            Parsed::Broken(findings) => {
                self.loaded.broken.insert(id);
                self.loaded.findings.extend(findings);
                let text = &self.loaded.sources.get(id).text;
                if let Some((name, offset)) = parse::declared_service_name(text) {
                    let span = Span::new(id, offset, name.len() as u32);
                    self.loaded.unreadable_services.push((name, span));
                }
            }
        }
    }

    /// Files what an importer read: its findings are reported, its notes summarised.
    fn add_declared(&mut self, mut declared: importers::Declarations) {
        self.loaded.findings.append(&mut declared.findings);
        self.loaded.imports.notes.append(&mut declared.notes);
        if !declared.is_empty() {
            self.loaded.imports.declared.push(declared);
        }
    }

    fn compile_protos(&mut self) {
        if self.proto_inputs.is_empty() {
            return;
        }
        let mut findings = Vec::new();
        let roots: Vec<PathBuf> = self.proto_roots.clone();
        self.loaded.protos = proto::compile(
            &self.proto_inputs,
            &roots,
            &mut self.loaded.sources,
            self.max_file_bytes,
            &mut findings,
        );
        for f in &findings {
            if let Some(span) = f.span {
                self.loaded.broken.insert(span.source);
            }
        }
        self.loaded.findings.extend(findings);
    }
}
