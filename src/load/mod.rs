//! Stage 1, load: find the input files below the scanned paths, read and parse each format
//! keeping positions, and turn every read or parse problem into a CA001 finding.
//!
//! Nothing here judges the architecture; it only reports what the files say.

pub mod appconfig;
pub mod asyncapi;
pub mod backstage;
pub mod compose;
mod config_repo;
pub mod discover;
pub mod importers;
pub mod imports;
pub mod interpolate;
pub mod kube;
pub mod manifest;
pub mod numbers;
pub mod observed;
pub mod openapi;
mod parse;
mod projects;
pub mod proto;
pub mod read;
pub mod secrets;
pub mod skipped;
pub mod thrift;
pub mod walk;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::source::{SourceFile, SourceId, Sources, Span, display_name};
use discover::{Candidate, Excludes, Kind};
use manifest::{ProjectFile, ServiceManifest};
use read::{ReadProblem, Reader};

/// What to read.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub paths: Vec<PathBuf>,
    pub max_file_bytes: u64,
    /// Compose files to merge, in order, as given on the command line (`--compose-file`);
    /// they replace the default base-plus-override of their folder.
    pub compose_files: Vec<PathBuf>,
    /// Folders outside the scanned repositories that `include:`, `proto_roots:` and
    /// references may read (`--allow-dir`).
    pub allow_dirs: Vec<PathBuf>,
    /// Trace exports and service-graph metrics to compare with the declarations
    /// (`--observed`), besides those found below the scanned paths.
    pub observed: Vec<PathBuf>,
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
    /// Services declared in .thrift files, with inherited methods.
    pub thrift: Vec<thrift::ThriftService>,
    pub openapi: Vec<openapi::OpenApiDoc>,
    pub asyncapi: Vec<asyncapi::AsyncApiDoc>,
    pub findings: Vec<Finding>,
    /// Canonical path of every file read, for resolving references between files.
    pub paths: HashMap<PathBuf, SourceId>,
    /// Files that were read but could not be used (already reported as CA001).
    pub broken: BTreeSet<SourceId>,
    /// Services whose manifest could not be read, by the name its `service:` line gives, so
    /// that references to them do not cascade into "unknown service" findings.
    pub unreadable_services: Vec<(String, Span)>,
    /// What was read from compose, Kubernetes, Backstage and application configuration files.
    pub imports: imports::Imports,
    /// The confined reader every file went through; configuration and baseline files are read
    /// with it too.
    pub reader: Reader,
    /// Files found but not understood (Helm templates, source code), for the coverage.
    pub skipped: skipped::Skipped,
    /// Observed traffic: trace exports and service-graph metrics.
    pub observed: Vec<observed::ObservedFile>,
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
    for path in options
        .paths
        .iter()
        .chain(&options.allow_dirs)
        .chain(&options.observed)
    {
        if !path.exists() {
            return Err(LoadError::PathNotFound(path.clone()));
        }
    }
    // A file named with `--observed` may be read wherever it is; nothing beside it may.
    let allowed: Vec<PathBuf> = options
        .allow_dirs
        .iter()
        .chain(&options.observed)
        .cloned()
        .collect();
    let reader = Reader::new(&options.paths, &allowed, options.max_file_bytes);
    let mut loader = Loader {
        loaded: Loaded {
            reader,
            ..Loaded::default()
        },
        proto_inputs: Vec::new(),
        proto_roots: Vec::new(),
        excludes: Excludes::default(),
        compose_files: Vec::new(),
        unreadable: Vec::new(),
        physical: HashMap::new(),
    };
    let mut candidates: Vec<Candidate> = Vec::new();
    for path in &options.paths {
        let walk = walk::walk(path, &loader.loaded.reader);
        candidates.extend(walk.files);
        loader.unreadable.extend(walk.problems);
        loader.loaded.skipped.append(walk.skipped);
    }
    let (projects, others): (Vec<_>, Vec<_>) = candidates.into_iter().partition(|c| {
        c.path
            .file_name()
            .is_some_and(|n| discover::PROJECT_FILES.iter().any(|p| n == *p))
    });
    loader.read_batch(projects, None);
    let mut extra = loader.apply_projects();
    let mut rest: Vec<Candidate> = others;
    rest.append(&mut extra);
    if !loader.excludes.is_empty() {
        let excludes = &loader.excludes;
        rest = rest
            .into_par_iter()
            .filter(|c| !excludes.matches(&canonical(&c.path)))
            .collect();
    }
    let all = rest.clone();
    loader.read_batch(rest, None);
    loader.load_config_repositories(&all);
    loader.read_observed(&options.observed);
    loader.report_unreadable();
    loader.load_references();
    let mut compose_files = options.compose_files.clone();
    compose_files.extend(loader.listed_compose_files());
    loader.assemble_imports(&compose_files);
    loader.compile_protos();
    thrift::inherit(&mut loader.loaded.thrift);

    let loaded = loader.loaded;
    let recognised = !loaded.imports.is_empty()
        || !loaded.projects.is_empty()
        || !loaded.manifests.is_empty()
        || !loaded.protos.is_empty()
        || !loaded.thrift.is_empty()
        || !loaded.openapi.is_empty()
        || !loaded.asyncapi.is_empty()
        || !loaded.skipped.templates.is_empty()
        || !loaded.skipped.unread.is_empty()
        || !loaded.findings.is_empty();
    if !recognised {
        return Err(LoadError::NoInputs(options.paths.clone()));
    }
    Ok(loaded)
}

/// The identity of a path: absolute and lexically cleaned (`.` and `..` removed). It does not
/// touch the file system, so later stages can compare paths without I/O.
pub fn canonical(path: &Path) -> PathBuf {
    let absolute = crate::source::absolute(path).unwrap_or_else(|_| path.to_path_buf());
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
    proto_inputs: Vec<proto::ProtoInput>,
    proto_roots: Vec<PathBuf>,
    excludes: Excludes,
    /// Compose files read, before they are grouped into projects and merged.
    compose_files: Vec<(SourceId, PathBuf, compose::ComposeFile)>,
    /// Folders and ignore files the walks could not read.
    unreadable: Vec<(PathBuf, ReadProblem)>,
    /// Physical path of every file read, so a file reached twice is read once.
    physical: HashMap<PathBuf, SourceId>,
}

/// A file a manifest, catalog or project file names, read as the kind it expects.
#[derive(Debug, Clone)]
struct Reference {
    kind: Kind,
    span: Span,
    /// The path as written.
    written: String,
    /// Where relative paths start from, for the help of a missing file.
    relative_to: &'static str,
}

/// A file read and parsed, before it is filed into [`Loaded`].
enum Parsed {
    Project(Box<ProjectFile>),
    Manifest(Box<ServiceManifest>),
    OpenApi(openapi::OpenApiDoc),
    AsyncApi(asyncapi::AsyncApiDoc),
    Proto,
    Thrift(Vec<thrift::ThriftService>),
    Compose(compose::ComposeFile),
    Kube(Box<kube::Kube>, importers::Declarations),
    /// What a registered importer read.
    Declared(importers::Declarations),
    Backstage(Vec<backstage::Entity>),
    AppConfig(appconfig::AppConfig),
    Observed(observed::ObservedFile, Vec<Finding>),
    Broken(Vec<Finding>),
}

impl Loader {
    /// Reads, classifies and parses a batch of files in parallel; files are filed in order.
    /// `forced` is the reference that names the files, whose kind they are read as.
    fn read_batch(&mut self, candidates: Vec<Candidate>, forced: Option<&Reference>) {
        /// A file read and classified: its kind, and the source to keep (none when the file
        /// is neither a known format nor a template).
        type Prepared = (Option<Kind>, Option<SourceFile>);
        type Read = (
            Candidate,
            PathBuf,
            Option<PathBuf>,
            Result<Prepared, ReadProblem>,
        );
        let reader = &self.loaded.reader;
        // Keys are made without the file system, so files already read cost a lookup here, and
        // a reference to one of them (thousands per organisation) never reaches the pool.
        let known = &self.loaded.paths;
        let fresh: Vec<(Candidate, PathBuf)> = candidates
            .into_par_iter()
            .map(|c| {
                let key = canonical(&c.path);
                (c, key)
            })
            .filter(|(_, key)| !known.contains_key(key))
            .collect();
        if fresh.is_empty() {
            return;
        }
        // Reading, classifying and indexing the lines of a file need nothing but the file, so
        // they run on every core; only numbering the sources is left to the loop below.
        let texts: Vec<Read> = fresh
            .into_par_iter()
            .map(|(c, key)| match reader.check_file(&c.path) {
                Ok(physical) => {
                    let prepared = reader.read_checked(&physical).map(|text| {
                        let kind = forced
                            .map(|r| r.kind)
                            .or_else(|| discover::sniff(&c.path, &text));
                        // Kept, unparsed, so the coverage and CA007 can point at it.
                        let template = kind.is_none() && discover::is_template(&text);
                        let file = (kind.is_some() || template).then(|| {
                            SourceFile::new(display_name(&c.path), c.path.clone(), text.into())
                        });
                        (kind, file)
                    });
                    (c, key, Some(physical), prepared)
                }
                Err(problem) => (c, key, None, Err(problem)),
            })
            .collect();

        let mut jobs: Vec<(SourceId, Kind, Candidate)> = Vec::new();
        for (candidate, key, physical, prepared) in texts {
            // One lookup per map and file: the entry found is the one filled.
            let slot = match self.loaded.paths.entry(key) {
                Entry::Occupied(_) => continue,
                Entry::Vacant(slot) => slot,
            };
            // A file reached twice (through a symbolic link inside the scanned folders) is
            // read once.
            let seen = match physical {
                Some(physical) => match self.physical.entry(physical) {
                    Entry::Occupied(first) => {
                        slot.insert(*first.get());
                        continue;
                    }
                    Entry::Vacant(seen) => Some(seen),
                },
                None => None,
            };
            match prepared {
                Ok((_, None)) => {}
                Ok((None, Some(file))) => {
                    let id = self.loaded.sources.push(file);
                    slot.insert(id);
                    self.loaded.skipped.templates.push(id);
                }
                Ok((Some(kind), Some(file))) => {
                    let id = self.loaded.sources.push(file);
                    slot.insert(id);
                    if let Some(seen) = seen {
                        seen.insert(id);
                    }
                    jobs.push((id, kind, candidate));
                }
                Err(problem) => {
                    let key = slot.into_key();
                    self.unreadable_file(&candidate, key, problem, forced);
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

    /// Reports a file that could not be read. A refused file named by a reference is
    /// reported at the reference; a file found by the walk, or one read and found unusable,
    /// at the file itself. Only files that look like inputs are reported.
    fn unreadable_file(
        &mut self,
        candidate: &Candidate,
        key: PathBuf,
        problem: ReadProblem,
        forced: Option<&Reference>,
    ) {
        let name = display_name(&candidate.path);
        if let Some(reference) = forced.filter(|_| problem.is_refusal()) {
            let finding = match &problem {
                ReadProblem::NotFound => Finding::new(
                    INVALID_INPUT,
                    format!(
                        "{} `{}` does not exist",
                        reference.kind.describe(),
                        reference.written
                    ),
                )
                .label("no file at this path")
                .help(format!(
                    "paths are relative to {}; fix the path or add the file",
                    reference.relative_to
                )),
                other => Finding::new(
                    INVALID_INPUT,
                    format!(
                        "{} `{}` was not read: {}",
                        reference.kind.describe(),
                        reference.written,
                        other.message()
                    ),
                )
                .label("refused")
                .help(other.help()),
            };
            self.loaded.findings.push(
                finding
                    .at(reference.span)
                    .about(Item::File(reference.span.source))
                    .about(Item::Key(reference.kind.describe().to_owned()))
                    .about(Item::Name(reference.written.clone())),
            );
            return;
        }
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
                    let head = self.loaded.reader.read_head(&candidate.path, 64 * 1024);
                    discover::sniff(&candidate.path, &head).is_some()
                }
                _ => true,
            };
        if !ours {
            return;
        }
        let id = self
            .loaded
            .sources
            .add(name, candidate.path.clone(), shown_text.into());
        self.loaded.paths.insert(key, id);
        self.loaded.broken.insert(id);
        let message = match &problem {
            ReadProblem::Io(_) | ReadProblem::NotFound => problem.message(),
            refused if refused.is_refusal() => {
                format!("this file was not read: {}", refused.message())
            }
            other => other.message(),
        };
        let mut finding = Finding::new(INVALID_INPUT, message)
            .at(Span::new(id, offset, 0))
            .about(Item::File(id))
            .about(Item::Key("unreadable".into()))
            .help(problem.help());
        if let Some(reference) = forced {
            finding = finding.related(reference.span, "referenced here");
        }
        self.loaded.findings.push(finding);
    }

    /// Reports the folders and ignore files the walks could not read, except excluded ones.
    fn report_unreadable(&mut self) {
        for (path, problem) in std::mem::take(&mut self.unreadable) {
            if self.excludes.matches(&canonical(&path)) {
                continue;
            }
            let what = if path.is_dir() { "folder" } else { "file" };
            let id = self
                .loaded
                .sources
                .add(display_name(&path), path.clone(), "".into());
            let message = match &problem {
                ReadProblem::Io(err) => {
                    format!("cannot read this {what}, so nothing below it was scanned: {err}")
                }
                other => format!("this {what} was not read: {}", other.message()),
            };
            self.loaded.findings.push(
                Finding::new(INVALID_INPUT, message)
                    .at(Span::file_start(id))
                    .about(Item::File(id))
                    .about(Item::Key(format!("unreadable {what}")))
                    .help(match problem {
                        ReadProblem::Io(_) => {
                            "give commaudit read access to it, or exclude it with `exclude:` in commaudit.yaml"
                        }
                        other => other.help(),
                    }),
            );
        }
    }

    fn file(&mut self, id: SourceId, candidate: Candidate, parsed: Parsed) {
        let dir = candidate
            .path
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        match parsed {
            Parsed::Project(mut file) => {
                for service in &mut file.services {
                    let found = numbers::bound(&mut service.value, id);
                    self.loaded.findings.extend(found);
                }
                self.loaded.projects.push(ProjectInput {
                    source: id,
                    dir,
                    file: *file,
                });
            }
            Parsed::Manifest(mut manifest) => {
                let found = numbers::bound(&mut manifest, id);
                self.loaded.findings.extend(found);
                self.loaded.manifests.push(ManifestInput {
                    source: id,
                    dir,
                    manifest: *manifest,
                });
            }
            Parsed::OpenApi(doc) => self.loaded.openapi.push(doc),
            Parsed::AsyncApi(doc) => self.loaded.asyncapi.push(doc),
            Parsed::Compose(file) => self.compose_files.push((id, candidate.path, file)),
            Parsed::Kube(mut objects, declared) => {
                if let Some(folder) = candidate.path.parent() {
                    objects.set_folder(folder);
                }
                self.loaded.imports.add_kube(*objects);
                self.add_declared(declared);
            }
            Parsed::Declared(declared) => self.add_declared(declared),
            Parsed::Observed(file, findings) => {
                self.loaded.findings.extend(findings);
                self.loaded.observed.push(file);
            }
            Parsed::Backstage(entities) => {
                self.loaded.imports.backstage.push(imports::BackstageFile {
                    source: id,
                    dir,
                    entities,
                    definitions: BTreeMap::new(),
                })
            }
            Parsed::AppConfig(config) => {
                self.loaded
                    .imports
                    .app_configs
                    .push(imports::AppConfigFile {
                        dir,
                        path: candidate.path.clone(),
                        config,
                    })
            }
            Parsed::Thrift(services) => self.loaded.thrift.extend(services),
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
        self.loaded.skipped.unread.append(&mut declared.unread);
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
            &self.loaded.reader,
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
