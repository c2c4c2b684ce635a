//! What project files and manifests ask the loader to read besides the scanned paths: proto
//! roots, excludes, included paths, inline services, compose file lists, and the specs and
//! protos that manifests point at.

use std::path::{Path, PathBuf};

use crate::diagnostics::Finding;
use crate::diagnostics::catalog::INVALID_INPUT;
use crate::source::Span;

use super::discover::{self, Candidate, Kind};
use super::{Loader, ManifestInput, canonical};

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
                    .help("write a glob such as `generated/**` or `*.gen.yaml`"),
                );
            }
            for root in &project.file.proto_roots {
                let path = project.dir.join(&root.value);
                if path.is_dir() {
                    self.proto_roots.push(path);
                } else {
                    self.loaded.findings.push(
                        Finding::new(
                            INVALID_INPUT,
                            format!("proto root `{}` is not a folder", root.value),
                        )
                        .at(root.span(source))
                        .help("give a folder relative to commaudit.yaml"),
                    );
                }
            }
            for include in &project.file.include {
                let path = project.dir.join(&include.value);
                if path.exists() {
                    extra.extend(discover::walk(&path));
                } else {
                    self.loaded.findings.push(
                        Finding::new(
                            INVALID_INPUT,
                            format!("included path `{}` does not exist", include.value),
                        )
                        .at(include.span(source))
                        .help("give a file or folder relative to commaudit.yaml"),
                    );
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
        let mut wanted: Vec<(PathBuf, Kind, Span, String)> = Vec::new();
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
                );
            for (kind, path) in refs {
                wanted.push((
                    input.dir.join(&path.value),
                    kind,
                    path.span(input.source),
                    path.value.clone(),
                ));
            }
        }
        for (path, kind, span, written) in wanted {
            if self.loaded.paths.contains_key(&canonical(&path)) {
                continue;
            }
            if !path.is_file() {
                self.loaded.findings.push(
                    Finding::new(
                        INVALID_INPUT,
                        format!("{} `{written}` does not exist", kind.describe()),
                    )
                    .at(span)
                    .label("no file at this path")
                    .help(
                        "paths are relative to the manifest's folder; fix the path or add the file",
                    ),
                );
                continue;
            }
            let scan_root = path.parent().unwrap_or(Path::new(".")).to_path_buf();
            self.read_batch(vec![Candidate { path, scan_root }], Some((kind, span)));
        }
    }
}
