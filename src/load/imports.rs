//! What a repository declares without commaudit's help: compose projects (overlays merged,
//! `.env` and `env_file` read), Kubernetes objects, Backstage catalogs (API definitions loaded)
//! and application configuration files. Assembled here once every file has been read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::catalog::{INVALID_INPUT, UNRESOLVED_VARIABLE};
use crate::diagnostics::{Finding, Item, Subject};
use crate::source::{SourceId, Span, display_name};

use super::backstage::{self, Definition};
use super::compose::{self, ComposeProject};
use super::discover::{self, Candidate, Kind};
use super::interpolate::{self, Problem};
use super::kube::Kube;
use super::read::ReadProblem;
use super::{Loader, Reference, appconfig, canonical};

#[derive(Debug, Clone, Default)]
pub struct Imports {
    pub kube: Kube,
    pub compose: Vec<ComposeProject>,
    pub backstage: Vec<BackstageFile>,
    pub app_configs: Vec<AppConfigFile>,
    /// Folders a configuration server serves (`config-repo/`), canonical: their files apply to
    /// the applications they are named after.
    pub config_repositories: Vec<PathBuf>,
    /// What the registered importers read (`importers::IMPORTERS`), one entry per file.
    pub declared: Vec<super::importers::Declarations>,
    /// Things read but deliberately not used, said plainly in the summary.
    pub notes: Vec<String>,
    /// Services only compose overlays nobody asked to merge define: name -> the file's name.
    pub unmerged: BTreeMap<String, String>,
}

impl Imports {
    pub fn is_empty(&self) -> bool {
        self.kube.workloads.is_empty()
            && self.kube.services.is_empty()
            && self.compose.is_empty()
            && self.backstage.is_empty()
            && self.app_configs.is_empty()
            && self.declared.is_empty()
    }

    pub(super) fn add_kube(&mut self, objects: Kube) {
        let k = &mut self.kube;
        k.workloads.extend(objects.workloads);
        k.services.extend(objects.services);
        k.config_maps.extend(objects.config_maps);
        k.policies.extend(objects.policies);
        k.ingress_backends.extend(objects.ingress_backends);
        k.meshed_namespaces.extend(objects.meshed_namespaces);
    }
}

#[derive(Debug, Clone)]
pub struct BackstageFile {
    pub source: SourceId,
    pub dir: PathBuf,
    pub entities: Vec<backstage::Entity>,
    /// API entity name -> the file its definition was read from.
    pub definitions: BTreeMap<String, SourceId>,
}

#[derive(Debug, Clone)]
pub struct AppConfigFile {
    /// The folder of the file, for finding the service that owns it.
    pub dir: PathBuf,
    /// The file itself: its name says which profile or application it is for.
    pub path: PathBuf,
    pub config: appconfig::AppConfig,
}

impl Loader {
    /// Groups compose files into projects and merges them; loads Backstage API definitions.
    pub(super) fn assemble_imports(&mut self, chosen: &[PathBuf]) {
        self.assemble_compose(chosen);
        self.load_backstage_definitions();
    }

    fn assemble_compose(&mut self, chosen: &[PathBuf]) {
        let files = std::mem::take(&mut self.compose_files);
        let chosen: Vec<PathBuf> = chosen.iter().map(|p| canonical(p)).collect();
        let mut by_dir: BTreeMap<PathBuf, Vec<(SourceId, PathBuf, compose::ComposeFile)>> =
            BTreeMap::new();
        for (id, path, file) in files {
            let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
            by_dir.entry(dir).or_default().push((id, path, file));
        }
        for (dir, mut group) in by_dir {
            let name = |p: &Path| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            let listed: Vec<usize> = chosen
                .iter()
                .filter_map(|c| group.iter().position(|(_, p, _)| canonical(p) == *c))
                .collect();
            group.sort_by_key(|g| name(&g.1));
            let order = if listed.is_empty() {
                self.default_compose_order(&group)
            } else {
                // Positions were taken before sorting; find the listed files again.
                chosen
                    .iter()
                    .filter_map(|c| group.iter().position(|(_, p, _)| canonical(p) == *c))
                    .collect()
            };
            // What the files left out define is named when something refers to it.
            for (i, (_, path, file)) in group.iter().enumerate() {
                if order.contains(&i) {
                    continue;
                }
                for service in &file.services {
                    self.loaded
                        .imports
                        .unmerged
                        .entry(service.name.to_ascii_lowercase())
                        .or_insert_with(|| display_name(path));
                }
            }
            let sources: Vec<SourceId> = order.iter().map(|&i| group[i].0).collect();
            let mut dotenv = match self.loaded.reader.read_text(&dir.join(".env")) {
                Ok(text) => interpolate::parse_dotenv(&text),
                Err(ReadProblem::NotFound) => Default::default(),
                Err(problem) => {
                    let at = sources.first().map_or(group[0].0, |&id| id);
                    self.loaded.findings.push(
                        Finding::new(
                            INVALID_INPUT,
                            format!(
                                "`{}` was not read: {}",
                                display_name(&dir.join(".env")),
                                problem.message()
                            ),
                        )
                        .at(Span::file_start(at))
                        .about(Item::File(at))
                        .about(Item::Key("unreadable .env".into()))
                        .label("its variables are interpolated here")
                        .help(problem.help()),
                    );
                    Default::default()
                }
            };
            // Compose runs in the project's folder: `$PWD` is that folder unless `.env` says
            // otherwise (the shell's environment is not read, so scans are reproducible).
            dotenv
                .vars
                .entry("PWD".to_owned())
                .or_insert_with(|| canonical(&dir).display().to_string());
            let mut picked: Vec<Option<compose::ComposeFile>> = group
                .iter_mut()
                .map(|(_, _, f)| Some(std::mem::take(f)))
                .collect();
            let merged = compose::merge(order.iter().filter_map(|&i| picked[i].take()).collect());
            let env_files = self.read_env_files(&dir, &merged);
            let (project, problems) = compose::resolve(&dir, sources, merged, &dotenv, &env_files);
            let at = project.files.first().copied();
            self.loaded
                .findings
                .extend(unresolved_findings(&dir, at, problems));
            self.loaded.imports.compose.push(project);
        }
    }

    /// Compose's default for a folder: its base file, then its override. Other overlays are
    /// only read when asked for, and the summary says so. A folder with overlays only merges
    /// them in name order.
    fn default_compose_order(
        &mut self,
        group: &[(SourceId, PathBuf, compose::ComposeFile)],
    ) -> Vec<usize> {
        let name = |i: usize| {
            group[i]
                .1
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let base = (0..group.len()).find(|&i| discover::is_compose_base(&name(i)));
        let Some(base) = base else {
            return (0..group.len()).collect();
        };
        let mut order = vec![base];
        for (i, (_, path, _)) in group.iter().enumerate() {
            if i == base {
                continue;
            }
            if name(i).contains(".override.") {
                order.push(i);
            } else {
                self.loaded.imports.notes.push(format!(
                    "{} was not merged: compose reads it only when asked; list it under `compose.files` in commaudit.yaml or pass --compose-file",
                    display_name(path)
                ));
            }
        }
        order
    }

    /// Reads every `env_file` the services name; returns entries by the path as written.
    fn read_env_files(
        &mut self,
        dir: &Path,
        services: &[compose::RawService],
    ) -> BTreeMap<String, Vec<(String, String, Span)>> {
        let mut out = BTreeMap::new();
        for (written, span) in services.iter().flat_map(|s| s.env_files.iter()) {
            if out.contains_key(written) {
                continue;
            }
            let path = dir.join(written);
            match self.loaded.reader.read_text(&path) {
                Ok(text) => {
                    let id = self.loaded.sources.add(
                        display_name(&path),
                        path.clone(),
                        super::secrets::masked_env(&text).into(),
                    );
                    let entries = interpolate::dotenv_entries(&text)
                        .into_iter()
                        .map(|(k, v, offset)| (k, v, Span::new(id, offset as u32, 0)))
                        .collect();
                    out.insert(written.clone(), entries);
                }
                Err(problem) => {
                    let help = match problem {
                        ReadProblem::NotFound => {
                            "fix the path (it is relative to the compose file) or create the file"
                        }
                        ref other => other.help(),
                    };
                    self.loaded.findings.push(
                        Finding::new(
                            INVALID_INPUT,
                            format!("env_file `{written}` was not read: {}", problem.message()),
                        )
                        .at(*span)
                        .about(Item::File(span.source))
                        .about(Item::Key("env_file".into()))
                        .about(Item::Name(written.clone()))
                        .help(help),
                    );
                    out.insert(written.clone(), Vec::new());
                }
            }
        }
        out
    }

    /// Loads the OpenAPI, AsyncAPI and .proto files that Backstage APIs point at (`$text`), and
    /// inline OpenAPI and AsyncAPI definitions as sources of their own.
    fn load_backstage_definitions(&mut self) {
        let mut files = std::mem::take(&mut self.loaded.imports.backstage);
        for file in &mut files {
            for entity in file
                .entities
                .iter()
                .filter(|e| e.kind.eq_ignore_ascii_case("API"))
            {
                let kind = match entity.spec_type.as_deref() {
                    Some("openapi") => Kind::OpenApi,
                    Some("asyncapi") => Kind::AsyncApi,
                    Some("grpc") => Kind::Proto,
                    _ => continue,
                };
                match &entity.definition {
                    Some(Definition::Reference(path, span)) if path.contains("://") => {
                        self.loaded.imports.notes.push(format!(
                            "API `{}` points at {path}, which is not fetched; commit the definition next to the catalog file to check calls against it",
                            entity.name
                        ));
                        let _ = span;
                    }
                    Some(Definition::Reference(path, span)) => {
                        let full = file.dir.join(path);
                        let reference = Reference {
                            kind,
                            span: *span,
                            written: path.clone(),
                            relative_to: "the catalog file's folder (`$text`)",
                        };
                        let scan_root = full.parent().unwrap_or(Path::new(".")).to_path_buf();
                        self.read_batch(
                            vec![Candidate {
                                path: full.clone(),
                                scan_root,
                            }],
                            Some(&reference),
                        );
                        if let Some(&id) = self.loaded.paths.get(&canonical(&full)) {
                            file.definitions.insert(entity.name.clone(), id);
                        }
                    }
                    Some(Definition::Inline(text, _)) if kind != Kind::Proto => {
                        let source_name = format!(
                            "{}#{}",
                            self.loaded.sources.get(file.source).name,
                            entity.name
                        );
                        let path = file
                            .dir
                            .join(format!("{}#{}", entity.name, kind.describe()));
                        let id = self
                            .loaded
                            .sources
                            .add(source_name, path, text.clone().into());
                        let parsed = super::parse::parse(id, kind, text, &self.loaded.sources);
                        self.file(
                            id,
                            Candidate {
                                path: file.dir.clone(),
                                scan_root: file.dir.clone(),
                            },
                            parsed,
                        );
                        file.definitions.insert(entity.name.clone(), id);
                    }
                    _ => {}
                }
            }
        }
        self.loaded.imports.backstage = files;
    }
}

/// One CA006 finding per variable and kind of problem in a compose project, at its first use,
/// with every other use as a related place: one unset variable is one thing to fix, however
/// many services use it.
fn unresolved_findings(
    dir: &Path,
    project: Option<SourceId>,
    problems: Vec<compose::Unresolved>,
) -> Vec<Finding> {
    // (kind of problem, variable) -> its uses; a `${` left open is never grouped.
    type Group = (Option<(&'static str, String)>, Vec<compose::Unresolved>);
    let mut groups: Vec<Group> = Vec::new();
    for u in problems {
        let key = match &u.problem {
            Problem::Unset(name) => Some(("unset", name.clone())),
            Problem::Required(name, _) => Some(("required", name.clone())),
            Problem::NotInDotenv(name) => Some(("not in .env", name.clone())),
            Problem::Unclosed => None,
        };
        match groups.iter_mut().find(|(k, _)| key.is_some() && *k == key) {
            Some((_, uses)) => uses.push(u),
            None => groups.push((key, vec![u])),
        }
    }
    let mut out = Vec::new();
    for (key, mut uses) in groups {
        uses.sort_by_key(|u| (u.span.source, u.span.offset));
        let Some((first, rest)) = uses.split_first() else {
            continue;
        };
        let mut services: Vec<String> = Vec::new();
        for u in &uses {
            if !services.contains(&u.service) {
                services.push(u.service.clone());
            }
        }
        let more = if rest.is_empty() {
            String::new()
        } else {
            format!(" (used in {} places)", uses.len())
        };
        let service = &first.service;
        let (message, help) = match &first.problem {
            Problem::Unset(name) => (
                format!("`{service}` uses `${{{name}}}`, which has no value and no default{more}"),
                format!(
                    "set {name} in {}/.env, or give it a default: `${{{name}:-value}}`",
                    display_name(dir)
                ),
            ),
            Problem::Required(name, msg) => (
                format!("`{service}` requires `{name}`: {msg}{more}"),
                format!("set {name} in {}/.env", display_name(dir)),
            ),
            Problem::NotInDotenv(name) => (
                format!(
                    "`{service}` passes `{name}` through from the environment, but `.env` does not set it{more}"
                ),
                format!(
                    "set {name} in {}/.env, or write its value here: `{name}=value`",
                    display_name(dir)
                ),
            ),
            Problem::Unclosed => (
                format!("`{service}` has a `${{` with no closing `}}`"),
                "close the variable reference, or write `$$` for a literal dollar sign".into(),
            ),
        };
        let mut finding = Finding::new(UNRESOLVED_VARIABLE, message)
            .at(first.span)
            .services(services.clone())
            .help(help);
        finding = match key {
            // The variable and the project identify the finding; the services using it are
            // its members, so one more user keeps its fingerprint.
            Some((kind, name)) => finding.subject(Subject::group(
                project
                    .map(Item::File)
                    .into_iter()
                    .chain([Item::Name(format!("${name}")), Item::Key(kind.into())])
                    .collect(),
                services.iter().map(|s| Item::Name(s.clone())).collect(),
            )),
            None => finding
                .about(Item::Name(service.clone()))
                .about(Item::Key("unclosed ${".into())),
        };
        for u in rest.iter().filter(|u| u.span != first.span) {
            finding = finding.related(u.span, format!("also used by `{}`", u.service));
        }
        out.push(finding);
    }
    out
}
