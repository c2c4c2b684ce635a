//! Compiling in batches: each batch is whole packages and has its own compiler, so batches
//! run in parallel and a name defined twice in one package still meets itself in one compiler.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use protox::file::GoogleFileResolver;

use crate::source::{SourceId, Sources, Span};

use super::{ProtoMethod, ProtoService, Resolver, Shared, package_of};

/// Files one compiler compiles: whole packages, at least this many files unless fewer remain.
const BATCH_FILES: usize = 64;

/// The files to compile in batches of whole packages, in package order: the same batches
/// whatever the number of threads.
pub(super) fn batches(
    names: &[(String, SourceId)],
    sources: &Sources,
) -> Vec<Vec<(String, SourceId)>> {
    let mut by_package: BTreeMap<String, Vec<(String, SourceId)>> = BTreeMap::new();
    for (name, id) in names {
        let package = package_of(&sources.get(*id).text).unwrap_or_default();
        by_package
            .entry(package)
            .or_default()
            .push((name.clone(), *id));
    }
    let mut out = Vec::new();
    let mut current = Vec::new();
    for (_, files) in by_package {
        current.extend(files);
        if current.len() >= BATCH_FILES {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// What one batch's compiler found.
pub(super) struct Batch {
    pub failures: Vec<Failure>,
    pub services: Vec<ProtoService>,
}

/// A file that did not compile.
pub(super) struct Failure {
    /// The file the compiler was asked for (the error may be in one it imports).
    pub opened: SourceId,
    pub error: protox::Error,
    /// Files read from `proto_roots` since the previous failure.
    pub read_from_roots: Vec<(PathBuf, String)>,
}

/// Compiles one batch and reads the services of its own files.
pub(super) fn compile(
    batch: &[(String, SourceId)],
    shared: &Arc<Shared>,
    sources: &Sources,
) -> Batch {
    let read = Rc::new(RefCell::new(Vec::new()));
    let mut compiler = protox::Compiler::with_file_resolver(Resolver {
        shared: Arc::clone(shared),
        read_from_roots: Rc::clone(&read),
        google: GoogleFileResolver::new(),
    });
    compiler.include_source_info(true);
    let mut failures = Vec::new();
    for (name, source) in batch {
        if let Err(error) = compiler.open_file(name) {
            failures.push(Failure {
                opened: *source,
                error,
                read_from_roots: read.borrow_mut().drain(..).collect(),
            });
        }
    }
    // A batch reports the services of its own files; files it imported belong to another.
    let own: BTreeSet<&str> = batch.iter().map(|(n, _)| n.as_str()).collect();
    let mut services = Vec::new();
    let pool = compiler.descriptor_pool();
    for file in pool.files().filter(|f| own.contains(f.name())) {
        if let Some((source, _)) = shared.files.get(file.name()) {
            services.extend(services_of(&file, *source, sources));
        }
    }
    Batch { failures, services }
}

/// The gRPC services a compiled file declares, each at the line that names it.
fn services_of(
    file: &prost_reflect::FileDescriptor,
    source: SourceId,
    sources: &Sources,
) -> Vec<ProtoService> {
    let proto = file.file_descriptor_proto();
    let text = sources.get(source);
    let locate = |path: &[i32]| -> Span {
        proto
            .source_code_info
            .as_ref()
            .and_then(|info| info.location.iter().find(|l| l.path == path))
            .map_or(Span::file_start(source), |l| {
                let (line, col) = (l.span[0] as u32 + 1, l.span[1] as u32 + 1);
                let (end_line, end_col) = if l.span.len() == 4 {
                    (l.span[2] as u32 + 1, l.span[3] as u32 + 1)
                } else {
                    (line, l.span[2] as u32 + 1)
                };
                let start = text.offset_of(line, col);
                let end = text.offset_of(end_line, end_col).max(start);
                Span::new(source, start, end - start)
            })
    };
    file.services()
        .enumerate()
        .map(|(i, service)| {
            let i = i as i32;
            let methods = service
                .methods()
                .enumerate()
                .map(|(j, m)| ProtoMethod {
                    name: m.name().to_owned(),
                    span: locate(&[6, i, 2, j as i32, 1]),
                    client_streaming: m.is_client_streaming(),
                    server_streaming: m.is_server_streaming(),
                    input: m.input().full_name().to_owned(),
                    output: m.output().full_name().to_owned(),
                })
                .collect();
            ProtoService {
                full_name: service.full_name().to_owned(),
                span: locate(&[6, i, 1]),
                methods,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_is_never_split_between_batches() {
        let mut sources = Sources::default();
        let mut names = Vec::new();
        for (package, count) in [("a", 200), ("b", 300), ("c", 100), ("", 10)] {
            for i in 0..count {
                let text = format!("syntax = \"proto3\";\npackage {package};\n");
                let text = if package.is_empty() {
                    "syntax = \"proto3\";\n".to_owned()
                } else {
                    text
                };
                let name = format!("{package}/f{i}.proto");
                let id = sources.add(name.clone(), PathBuf::from(&name), text.into());
                names.push((name, id));
            }
        }
        let batches = batches(&names, &sources);
        let all: usize = batches.iter().map(Vec::len).sum();
        assert_eq!(all, names.len());
        for package in ["a/", "b/", "c/"] {
            let holding = batches
                .iter()
                .filter(|b| b.iter().any(|(n, _)| n.starts_with(package)))
                .count();
            assert_eq!(holding, 1, "{package}");
        }
        assert!(batches.len() > 1, "large inputs are compiled in parallel");
    }
}
