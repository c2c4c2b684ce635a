//! The importer registry: every format that commaudit reads from a repository besides its own
//! manifests and contracts, as an explicit list.
//!
//! # Adding an importer
//!
//! 1. Write one file (`src/load/importers/nginx.rs`) or folder (`.../nginx/mod.rs`) with a unit
//!    struct that implements [`Importer`]: say which files (or Kubernetes-style objects, or
//!    service settings) it reads, and turn each into [`Declarations`]: routes, environment,
//!    nodes, policies, channels, each with its span. Never resolve names yourself: write the
//!    target as the file writes it (`http://${CART_HOST}:8080/`, `reviews`, `lb://orders`);
//!    the model stage resolves hosts, owners and variables the same way for every format.
//! 2. Add one line to the `registry!` list below: `nginx::Nginx,`.
//! 3. Add a fixture folder under `tests/fixtures/imports/<case>/` and a section with an example
//!    to `docs/imports.md`.
//!
//! A problem in a file is a CA001 finding in [`Declarations::findings`], never a panic; a
//! construct read but deliberately not used is a note.

use std::path::Path;

use crate::source::SourceId;

use crate::yaml::Node;

pub mod declarations;
mod duration;
mod object;

pub use declarations::{
    AliasDecl, ChannelDecl, Declarations, EnvDecl, NodeDecl, NodeRole, Owner, PolicyDecl, RouteDecl,
};

/// One file handed to an importer.
#[derive(Debug, Clone, Copy)]
pub struct FileInput<'a> {
    pub source: SourceId,
    pub path: &'a Path,
    pub text: &'a str,
}

/// One service's settings, after the platform's own resolution (profiles, placeholders,
/// configuration servers): dotted key, value, position.
#[derive(Debug, Clone, Copy)]
pub struct SettingsInput<'a> {
    pub service: &'a str,
    pub settings: &'a [(String, String, crate::source::Span)],
}

/// A format read from repositories. Every method has a default that reads nothing, so an
/// importer implements only the entry points its format needs.
pub trait Importer: Sync {
    /// A short name for notes and documentation: `nginx`, `Dockerfile`.
    fn name(&self) -> &'static str;

    /// Whether discovery should look at a file it would otherwise skip: the names of formats
    /// whose extension commaudit does not read by default (`nginx.conf`, `Dockerfile`). YAML,
    /// JSON, `.proto`, `.thrift` and `.properties` files are always looked at.
    fn wants_file_name(&self, _file_name: &str) -> bool {
        false
    }

    /// Whether a file is in this format, from its path and text. Asked only for files that
    /// no built-in format (manifests, contracts, compose, Kubernetes, Backstage, application
    /// configuration) claims; the first importer in the list that claims a file reads it.
    fn claims_file(&self, _path: &Path, _text: &str) -> bool {
        false
    }

    /// Reads a file it claimed.
    fn read_file(&self, _file: FileInput<'_>, _out: &mut Declarations) {}

    /// Whether it reads Kubernetes-style objects of this `apiVersion` and `kind` (Istio
    /// `networking.istio.io/v1` `VirtualService`, `gateway.networking.k8s.io/v1` `HTTPRoute`).
    /// Every object of every multi-document file is offered, including the kinds the
    /// built-in Kubernetes reader also reads.
    fn reads_object(&self, _api_version: &str, _kind: &str) -> bool {
        false
    }

    /// Reads one object it said it reads.
    fn read_object(&self, _source: SourceId, _object: &Node, _out: &mut Declarations) {}

    /// Interprets one service's resolved settings (Spring Cloud Gateway routes, bindings).
    fn read_settings(&self, _settings: SettingsInput<'_>, _out: &mut Declarations) {}
}

/// Declares the importer modules and lists them, in the order they are asked.
macro_rules! registry {
    ($($module:ident :: $importer:ident),* $(,)?) => {
        $(mod $module;)*
        /// Every importer, in the order they are asked.
        pub static IMPORTERS: &[&dyn Importer] = &[$(&$module::$importer),*];
    };
}

registry! {
    dockerfile::Dockerfile,
    nginx::Nginx,
    ingress::Ingress,
    gateway_api::GatewayApi,
    istio::Istio,
    spring_gateway::SpringGateway,
    envoy::Envoy,
}

/// Whether any importer wants discovery to look at a file of this name.
pub fn wanted(file_name: &str) -> bool {
    IMPORTERS.iter().any(|i| i.wants_file_name(file_name))
}

/// The index of the first importer that claims a file.
pub fn claim(path: &Path, text: &str) -> Option<usize> {
    IMPORTERS.iter().position(|i| i.claims_file(path, text))
}

/// Reads a file with the importer at `index` (from [`claim`]).
pub fn read_file(index: usize, file: FileInput<'_>) -> Declarations {
    let mut out = Declarations::default();
    if let Some(importer) = IMPORTERS.get(index) {
        importer.read_file(file, &mut out);
    }
    out
}

/// Offers every object of a multi-document file to the importers that read its kind.
pub fn read_objects(source: SourceId, docs: &[Node]) -> Declarations {
    let mut out = Declarations::default();
    for doc in docs {
        let field = |key: &str| doc.get(key).and_then(Node::as_str).unwrap_or("");
        let (api_version, kind) = (field("apiVersion"), field("kind"));
        if kind == "List" {
            out.append(read_objects(
                source,
                doc.get("items").map(Node::items).unwrap_or_default(),
            ));
            continue;
        }
        for importer in IMPORTERS
            .iter()
            .filter(|i| i.reads_object(api_version, kind))
        {
            importer.read_object(source, doc, &mut out);
        }
    }
    out
}

/// Offers a service's resolved settings to every importer.
pub fn read_settings(settings: SettingsInput<'_>) -> Declarations {
    let mut out = Declarations::default();
    for importer in IMPORTERS {
        importer.read_settings(settings, &mut out);
    }
    out
}

/// The name of the importer at `index`, for messages.
pub fn name(index: usize) -> &'static str {
    IMPORTERS.get(index).map_or("import", |i| i.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn importer_names_are_unique() {
        let mut names: Vec<&str> = IMPORTERS.iter().map(|i| i.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "two importers share a name");
    }
}
