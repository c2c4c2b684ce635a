//! What project files and manifests ask the loader to read besides the scanned paths: proto
//! roots, excludes, included paths, inline services, compose file lists, and the specs and
//! protos that manifests point at.

use std::path::{Path, PathBuf};

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};

use super::discover::{Candidate, Kind};
use super::read::ReadProblem;
use super::{Loader, ManifestInput, Reference, canonical};

impl Loader {
    /// Files the project files' settings: proto roots, excludes, included paths and inline
    /// services. Returns the files below `include:` paths.
    pub(super) fn apply_projects(&mut self) -> Vec<Candidate> {
        let mut extra = Vec::new();
        for project in &self.loaded.projects {
            let source = project.source;
            if let Some(version) = project.file.version.as_ref().filter(|v| v.value != 1) {
                self.loaded.findings.push(
                    Finding::new(
                        INVALID_INPUT,
                        format!("project file version {} is not supported", version.value),
                    )
                    .at(version.span(source))
                    .about(Item::File(source))
                    .about(Item::Key("version".into()))
                    .help("write `version: 1`, the only version there is"),
                );
            }
            let patterns: Vec<String> = project
                .file
                .exclude
                .iter()
                .map(|e| e.value.clone())
                .collect();
            for (i, err) in self.excludes.add(&canonical(&project.dir), &patterns) {
                self.loaded.findings.push(
                    Finding::new(
                        INVALID_INPUT,
                        format!("invalid exclude pattern `{}`: {err}", patterns[i]),
                    )
                    .at(project.file.exclude[i].span(source))
                    .about(Item::File(source))
                    .about(Item::Key("exclude".into()))
                    .about(Item::Name(patterns[i].clone()))
                    .help("write a glob such as `generated/**` or `*.gen.yaml`"),
                );
            }
            for root in &project.file.proto_roots {
                let path = project.dir.join(&root.value);
                match self.loaded.reader.resolve_dir(&path) {
                    Ok(_) => self.proto_roots.push(path),
                    Err(problem) => self.loaded.findings.push(
                        folder_problem("proto root", &root.value, &problem)
                            .at(root.span(source))
                            .about(Item::File(source)),
                    ),
                }
            }
            for include in &project.file.include {
                let path = project.dir.join(&include.value);
                let found = match self.loaded.reader.resolve(&path) {
                    Ok(_) => Ok(super::walk::walk(&path, &self.loaded.reader)),
                    Err(problem) => Err(problem),
                };
                match found {
                    Ok(walk) => {
                        extra.extend(walk.files);
                        self.unreadable.extend(walk.problems);
                        self.loaded.skipped.append(walk.skipped);
                    }
                    Err(problem) => self.loaded.findings.push(
                        folder_problem("included path", &include.value, &problem)
                            .at(include.span(source))
                            .about(Item::File(source)),
                    ),
                }
            }
            for service in &project.file.services {
                self.loaded.manifests.push(ManifestInput {
                    source,
                    dir: project.dir.clone(),
                    manifest: service.value.clone(),
                });
            }
        }
        extra
    }

    /// Compose files that project files list under `compose.files`, in order.
    pub(super) fn listed_compose_files(&self) -> Vec<PathBuf> {
        self.loaded
            .projects
            .iter()
            .flat_map(|p| {
                p.file
                    .compose
                    .iter()
                    .flat_map(|c| c.files.iter())
                    .map(|f| p.dir.join(&f.value))
            })
            .collect()
    }

    /// Loads the files that manifests name (specs and protos), reporting missing ones.
    pub(super) fn load_references(&mut self) {
        let mut wanted: Vec<(PathBuf, Reference)> = Vec::new();
        for input in &self.loaded.manifests {
            let Some(provides) = &input.manifest.provides else {
                continue;
            };
            let refs = provides
                .openapi
                .iter()
                .map(|c| (Kind::OpenApi, &c.spec))
                .chain(provides.asyncapi.iter().map(|c| (Kind::AsyncApi, &c.spec)))
                .chain(
                    provides
                        .grpc
                        .iter()
                        .filter_map(|c| c.proto.as_ref().map(|p| (Kind::Proto, p))),
                )
                .chain(
                    provides
                        .thrift
                        .iter()
                        .filter_map(|c| c.idl.as_ref().map(|p| (Kind::Thrift, p))),
                );
            for (kind, path) in refs {
                wanted.push((
                    input.dir.join(&path.value),
                    Reference {
                        kind,
                        span: path.span(input.source),
                        written: path.value.clone(),
                        relative_to: "the manifest's folder",
                    },
                ));
            }
        }
        for (path, reference) in wanted {
            let scan_root = path.parent().unwrap_or(Path::new(".")).to_path_buf();
            self.read_batch(vec![Candidate { path, scan_root }], Some(&reference));
        }
    }
}

/// A `proto_roots:` or `include:` entry that cannot be used: missing, not a folder, or
/// outside the scanned repositories without `--allow-dir`.
fn folder_problem(what: &str, written: &str, problem: &ReadProblem) -> Finding {
    let finding = match problem {
        ReadProblem::NotFound => Finding::new(
            INVALID_INPUT,
            if what == "proto root" {
                format!("{what} `{written}` is not a folder")
            } else {
                format!("{what} `{written}` does not exist")
            },
        )
        .help(if what == "proto root" {
            "give a folder relative to commaudit.yaml"
        } else {
            "give a file or folder relative to commaudit.yaml"
        }),
        ReadProblem::Outside => Finding::new(
            INVALID_INPUT,
            format!("{what} `{written}` is outside the scanned folders, so it was not read"),
        )
        .help(format!(
            "pass `--allow-dir {written}` (relative to commaudit.yaml's folder) to let commaudit read it, or move it into the repository"
        )),
        other => Finding::new(
            INVALID_INPUT,
            format!("{what} `{written}` was not read: {}", other.message()),
        )
        .help(other.help()),
    };
    let finding = finding
        .about(Item::Key(what.to_owned()))
        .about(Item::Name(written.to_owned()));
    if *problem == ReadProblem::NotFound {
        finding
    } else {
        finding.label("refused")
    }
}
