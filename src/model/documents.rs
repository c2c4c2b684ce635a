//! The contract documents the scan read (gRPC services, OpenAPI, AsyncAPI and Thrift), found by
//! the file they came from or by the folder they lie in, so linking thousands of imported
//! services to their contracts costs the documents each one has, not a pass over all of them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::source::{SourceId, Sources};

use super::Model;

/// Which list of the model a document is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Grpc,
    OpenApi,
    AsyncApi,
    Thrift,
}

pub struct Documents {
    by_source: HashMap<SourceId, Vec<(Kind, usize)>>,
    /// Every document by its file's path (absolute, cleaned), in path order: the documents
    /// below a folder are one run of it.
    by_path: Vec<(PathBuf, Kind, usize)>,
}

impl Documents {
    pub fn new(model: &Model, sources: &Sources) -> Documents {
        let all = model
            .grpc
            .iter()
            .enumerate()
            .map(|(i, d)| (Kind::Grpc, i, d.span.source))
            .chain(
                model
                    .openapi
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (Kind::OpenApi, i, d.source)),
            )
            .chain(
                model
                    .asyncapi
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (Kind::AsyncApi, i, d.source)),
            )
            .chain(
                model
                    .thrift
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (Kind::Thrift, i, d.span.source)),
            );
        let mut by_source: HashMap<SourceId, Vec<(Kind, usize)>> = HashMap::new();
        let mut paths: HashMap<SourceId, PathBuf> = HashMap::new();
        let mut by_path = Vec::new();
        for (kind, i, source) in all {
            by_source.entry(source).or_default().push((kind, i));
            let path = paths
                .entry(source)
                .or_insert_with(|| crate::load::canonical(&sources.get(source).path));
            by_path.push((path.clone(), kind, i));
        }
        by_path.sort_by(|a, b| a.0.cmp(&b.0));
        Documents { by_source, by_path }
    }

    /// The documents of `kind` read from any of `files`, by their index in the model's list,
    /// ascending and once each.
    pub fn in_files(&self, files: &[SourceId], kind: Kind) -> Vec<usize> {
        let mut found: Vec<usize> = files
            .iter()
            .filter_map(|f| self.by_source.get(f))
            .flatten()
            .filter(|(k, _)| *k == kind)
            .map(|&(_, i)| i)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The first document of `kind` read from `file`, by its index in the model's list.
    pub fn first_in(&self, file: SourceId, kind: Kind) -> Option<usize> {
        self.by_source
            .get(&file)?
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|&(_, i)| i)
    }

    /// The documents of `kind` in files below the folder `dir` (absolute, cleaned), ascending.
    pub fn below(&self, dir: &Path, kind: Kind) -> Vec<usize> {
        // Paths order component by component, so those starting with `dir` follow each other.
        let start = self.by_path.partition_point(|(p, _, _)| p.as_path() < dir);
        let mut found: Vec<usize> = self.by_path[start..]
            .iter()
            .take_while(|(p, _, _)| p.starts_with(dir))
            .filter(|(_, k, _)| *k == kind)
            .map(|&(_, _, i)| i)
            .collect();
        found.sort_unstable();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::openapi::OpenApiDoc;

    #[test]
    fn documents_are_found_by_file_and_below_a_folder() {
        let mut sources = Sources::default();
        let mut model = Model::default();
        for path in [
            "/r/b/api.yaml",
            "/r/a/x/api.yaml",
            "/r/ab/api.yaml",
            "/r/a/api.yaml",
        ] {
            let id = sources.add(path.into(), path.into(), "openapi: 3.0.0\n".into());
            model.openapi.push(OpenApiDoc {
                source: id,
                version: "3.0.0".into(),
                title: None,
                servers: Vec::new(),
                operations: Vec::new(),
            });
        }
        let docs = Documents::new(&model, &sources);
        assert_eq!(docs.below(Path::new("/r/a"), Kind::OpenApi), [1, 3]);
        assert_eq!(docs.below(Path::new("/r"), Kind::OpenApi), [0, 1, 2, 3]);
        assert!(docs.below(Path::new("/r/a"), Kind::Grpc).is_empty());
        assert!(docs.below(Path::new("/s"), Kind::OpenApi).is_empty());
        assert_eq!(
            docs.in_files(&[SourceId(2), SourceId(0), SourceId(2)], Kind::OpenApi),
            [0, 2]
        );
        assert_eq!(docs.first_in(SourceId(3), Kind::OpenApi), Some(3));
        assert_eq!(docs.first_in(SourceId(3), Kind::AsyncApi), None);
    }
}
