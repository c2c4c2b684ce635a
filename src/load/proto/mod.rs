//! `.proto` files, compiled with protox (no protoc needed): gRPC services, their methods and
//! streaming kinds, each with the line it is declared on.
//!
//! Imports resolve, in order, from: files found by the scan (by the name they are imported
//! under), the declared `proto_roots`, the well-known types, and lenient stand-ins for
//! `google/api/*` annotations. Each file gets one canonical import name, so a file opened by the
//! scan and imported by another is compiled once.

mod batch;
mod bounds;
mod errors;
mod google_api;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use rayon::prelude::*;

use protox::file::{File, FileResolver, GoogleFileResolver};

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::source::{SourceId, Sources, Span};

use super::read::{ReadProblem, Reader};

/// A gRPC service declared in a .proto file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoService {
    /// `package.Service`.
    pub full_name: String,
    pub span: Span,
    pub methods: Vec<ProtoMethod>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtoMethod {
    pub name: String,
    pub span: Span,
    pub client_streaming: bool,
    pub server_streaming: bool,
    pub input: String,
    pub output: String,
}

impl ProtoMethod {
    /// `unary`, `server-streaming`, `client-streaming` or `bidi-streaming`.
    pub fn streaming_kind(&self) -> &'static str {
        match (self.client_streaming, self.server_streaming) {
            (false, false) => "unary",
            (false, true) => "server-streaming",
            (true, false) => "client-streaming",
            (true, true) => "bidi-streaming",
        }
    }
}

/// A .proto file found by the scan.
#[derive(Debug, Clone)]
pub struct ProtoInput {
    pub source: SourceId,
    pub path: PathBuf,
    /// The scanned path it was found under, the fallback import root.
    pub scan_root: PathBuf,
}

/// Compiles every discovered .proto file and returns the gRPC services they declare.
pub fn compile(
    inputs: &[ProtoInput],
    roots: &[PathBuf],
    sources: &mut Sources,
    reader: &Reader,
    findings: &mut Vec<Finding>,
) -> Vec<ProtoService> {
    let imports = collect_imports(inputs, sources);
    let mut by_name: BTreeMap<String, SourceId> = BTreeMap::new();
    let mut names: Vec<(String, SourceId)> = Vec::new();
    // Files refused before compiling: an import of one fails, without reading it.
    let mut refused: BTreeSet<String> = BTreeSet::new();
    for input in inputs {
        let name = canonical_name(input, roots, &imports, sources);
        if let Some(&first) = by_name.get(&name) {
            let other = sources.get(first).name.clone();
            findings.push(
                Finding::new(
                    INVALID_INPUT,
                    format!("two .proto files share the import name `{name}`"),
                )
                .at(Span::file_start(input.source))
                .about(Item::File(input.source))
                .about(Item::Key("proto import name".into()))
                .about(Item::Name(name.clone()))
                .label("second file with this name")
                .related(Span::file_start(first), format!("first one: {other}"))
                .help("give each file a distinct path below its import root, or set proto_roots in commaudit.yaml"),
            );
            continue;
        }
        by_name.insert(name.clone(), input.source);
        if let Some(refusal) = bounds::check(&sources.get(input.source).text) {
            findings.push(
                Finding::new(
                    INVALID_INPUT,
                    format!("invalid .proto: {}", refusal.message),
                )
                .at(Span::new(
                    input.source,
                    refusal.offset as u32,
                    refusal.len as u32,
                ))
                .about(Item::File(input.source))
                .label("refused")
                .help(refusal.help),
            );
            refused.insert(name);
            continue;
        }
        names.push((name, input.source));
    }

    let shared = Arc::new(Shared {
        files: by_name
            .iter()
            .map(|(n, &id)| (n.clone(), (id, Arc::clone(&sources.get(id).text))))
            .collect(),
        roots: roots.to_vec(),
        refused,
        reader: reader.clone(),
    });
    // Batches compile in parallel, each with its own compiler; a batch is whole packages, so
    // two definitions of one name meet in one compiler, which reports them.
    let view: &Sources = sources;
    let outcomes: Vec<batch::Batch> = batch::batches(&names, view)
        .par_iter()
        .map(|b| batch::compile(b, &shared, view))
        .collect();

    let mut reported: Vec<(String, String)> = Vec::new();
    let mut added: BTreeSet<PathBuf> = BTreeSet::new();
    let mut services = Vec::new();
    for outcome in outcomes {
        for failure in outcome.failures {
            // Files read from proto_roots become sources, so errors in them can be shown.
            for (path, text) in failure.read_from_roots {
                if added.insert(path.clone()) {
                    let shown = crate::source::display_name(&path);
                    sources.add(shown, path, text.into());
                }
            }
            let finding =
                errors::proto_error(&failure.error, failure.opened, sources, &shared.files);
            let key = (
                finding
                    .span
                    .map(|s| sources.get(s.source).name.clone())
                    .unwrap_or_default(),
                finding.message.clone(),
            );
            if !reported.contains(&key) {
                reported.push(key);
                findings.push(finding);
            }
        }
        services.extend(outcome.services);
    }
    services.sort_by(|a, b| {
        (&a.full_name, a.span.source.0, a.span.offset).cmp(&(
            &b.full_name,
            b.span.source.0,
            b.span.offset,
        ))
    });
    services
}

/// Every `import "..."` string in the discovered files, for naming files the way they are
/// imported.
fn collect_imports(inputs: &[ProtoInput], sources: &Sources) -> Vec<String> {
    let mut imports: Vec<String> = inputs
        .iter()
        .flat_map(|i| {
            sources
                .get(i.source)
                .text
                .lines()
                .filter_map(import_of)
                .collect::<Vec<_>>()
        })
        .collect();
    imports.sort();
    imports.dedup();
    imports
}

fn import_of(line: &str) -> Option<String> {
    let rest = line.trim_start().strip_prefix("import")?;
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix("public")
        .or_else(|| rest.strip_prefix("weak"))
        .unwrap_or(rest)
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let inner = &rest[1..];
    inner.find(quote).map(|end| inner[..end].to_owned())
}

fn package_of(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("package")?;
        let name = rest.trim().trim_end_matches(';').trim();
        (!name.is_empty()).then(|| name.to_owned())
    })
}

/// The import name of a file: relative to a declared root; else the longest import string it
/// ends with; else from its package when its folders spell the package; else relative to the
/// scanned path.
fn canonical_name(
    input: &ProtoInput,
    roots: &[PathBuf],
    imports: &[String],
    sources: &Sources,
) -> String {
    let slash = |p: &Path| {
        p.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    for root in roots {
        if let Ok(rel) = input.path.strip_prefix(root) {
            return slash(rel);
        }
    }
    let full = slash(&input.path);
    if let Some(name) = imports
        .iter()
        .filter(|imp| full == **imp || full.ends_with(&format!("/{imp}")))
        .max_by_key(|imp| imp.len())
    {
        return name.clone();
    }
    if let Some(package) = package_of(&sources.get(input.source).text) {
        let dir = package.replace('.', "/");
        let file = input
            .path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parent = input.path.parent().map(slash).unwrap_or_default();
        if parent == dir || parent.ends_with(&format!("/{dir}")) {
            return format!("{dir}/{file}");
        }
    }
    input
        .path
        .strip_prefix(&input.scan_root)
        .map(slash)
        .unwrap_or(full)
}

/// What every batch's resolver shares.
struct Shared {
    /// Discovered files by canonical name: their source and text.
    files: BTreeMap<String, (SourceId, Arc<str>)>,
    roots: Vec<PathBuf>,
    /// Import names of discovered files [`bounds::check`] refused.
    refused: BTreeSet<String>,
    reader: Reader,
}

struct Resolver {
    shared: Arc<Shared>,
    /// Files read from `proto_roots` during compilation, to add to the sources.
    read_from_roots: Rc<RefCell<Vec<(PathBuf, String)>>>,
    google: GoogleFileResolver,
}

impl FileResolver for Resolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        if self.shared.refused.contains(name) {
            return Err(protox::Error::new(format!(
                "import `{}` was not compiled: it was refused (see its own finding)",
                crate::escape::line(name)
            )));
        }
        if let Some((_, text)) = self.shared.files.get(name) {
            return File::from_source(name, text);
        }
        let reader = &self.shared.reader;
        for root in &self.shared.roots {
            let path = root.join(name);
            match reader.read_text(&path) {
                Ok(text) => {
                    if let Some(refusal) = bounds::check(&text) {
                        return Err(protox::Error::new(format!(
                            "import `{}` was not compiled: {}",
                            crate::escape::line(name),
                            refusal.message
                        )));
                    }
                    let file = File::from_source(name, &text)?;
                    self.read_from_roots.borrow_mut().push((path, text));
                    return Ok(file);
                }
                Err(ReadProblem::NotFound) => {}
                Err(problem) => {
                    return Err(protox::Error::new(format!(
                        "import `{name}` was not read: {}",
                        problem.message()
                    )));
                }
            }
        }
        match self.google.open_file(name) {
            Ok(file) => Ok(file),
            Err(_) if name.starts_with("google/api/") => File::from_source(name, google_api::STUB),
            Err(err) => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_read_from_lines() {
        assert_eq!(
            import_of(r#"import "a/b.proto";"#).as_deref(),
            Some("a/b.proto")
        );
        assert_eq!(
            import_of(r#"  import public 'c.proto';"#).as_deref(),
            Some("c.proto")
        );
        assert_eq!(import_of("important = 1;"), None);
    }

    #[test]
    fn packages_are_read() {
        assert_eq!(
            package_of("syntax = \"proto3\";\npackage orders.v1;\n").as_deref(),
            Some("orders.v1")
        );
    }
}
