//! The body of every fuzz target: one function per loader, each handed arbitrary bytes as the
//! content of one file of its format. A target fails by panicking, overflowing the stack or
//! hanging, or when the loader breaks a promise checked here: every finding points inside the
//! file it is about, and a baseline that reads reads back the same after it is written.
//!
//! The cargo-fuzz binaries in `fuzz_targets/` call these functions; the main test suite runs
//! them on stable over a seeded, mutated corpus (`tests/it/fuzz_smoke.rs`), so they always
//! compile and keep passing without nightly.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use commaudit::diagnostics::Finding;
use commaudit::gate::baseline::Baseline;
use commaudit::load::manifest::ServiceManifest;
use commaudit::load::read::{Reader, decode};
use commaudit::load::{
    appconfig, asyncapi, compose, importers, interpolate, kube, openapi, proto,
    thrift as thrift_idl,
};
use commaudit::load::{numbers, secrets};
use commaudit::source::{SourceId, Sources};
use commaudit::yaml;

/// A target's body: one file's bytes in, a panic on a broken promise.
pub type Target = fn(&[u8]);

/// Every target, by name, as the fuzz binaries and the smoke test know them.
pub const TARGETS: &[(&str, Target)] = &[
    ("manifest", manifest),
    ("compose", compose),
    ("kubernetes", kubernetes),
    ("proto", proto),
    ("thrift", thrift),
    ("openapi", openapi),
    ("asyncapi", asyncapi),
    ("spring_properties", spring_properties),
    ("spring_yaml", spring_yaml),
    ("nginx", nginx),
    ("dotenv", dotenv),
    ("baseline", baseline),
];

/// The bytes as commaudit's reader would turn them into text (BOM stripped, binary and UTF-16
/// refused), or `None` where it would refuse them.
fn text(data: &[u8]) -> Option<String> {
    decode(data.to_vec()).ok()
}

/// The one file every target reads, as source 0.
const SOURCE: SourceId = SourceId(0);

/// Every finding points inside the file: a span past its end would break every output.
fn check_spans(findings: &[Finding], text: &str) {
    for finding in findings {
        let spans = finding
            .span
            .iter()
            .chain(finding.related.iter().map(|r| &r.span));
        for span in spans {
            let end = span.offset as usize + span.len as usize;
            assert!(
                end <= text.len() && text.is_char_boundary(span.offset as usize),
                "span {span:?} outside a {}-byte file: {}",
                text.len(),
                finding.message
            );
        }
    }
}

/// A service manifest: typed YAML, then the range checks on its numbers.
pub fn manifest(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(mut manifest) = yaml::parse_typed::<ServiceManifest>(&text) {
        check_spans(&numbers::bound(&mut manifest, SOURCE), &text);
    } else {
        let _ = yaml::parse_node(&text);
    }
}

/// A compose file.
pub fn compose(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(root) = yaml::parse_node(&text) {
        let file = compose::read(SOURCE, &root);
        let _ = compose::merge(vec![file]);
    }
}

/// A multi-document Kubernetes manifest, with every importer that reads its objects.
pub fn kubernetes(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(docs) = yaml::parse_documents(&text) {
        let mut objects = kube::Kube::default();
        kube::read(SOURCE, &docs, &mut objects);
        check_spans(&importers::read_objects(SOURCE, &docs).findings, &text);
    }
}

/// An empty folder that proto imports may resolve against: nothing but the file itself and
/// the well-known types can be imported.
fn proto_root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("commaudit-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&root);
        root
    })
}

/// A .thrift file: its services, then inheritance across them.
pub fn thrift(data: &[u8]) {
    let Some(text) = text(data) else { return };
    match thrift_idl::read(SOURCE, "fuzz", &text) {
        Ok(mut services) => {
            for s in &services {
                let end = s.span.offset as usize + s.span.len as usize;
                assert!(end <= text.len(), "service span past the end: {:?}", s.span);
            }
            thrift_idl::inherit(&mut services);
        }
        Err(findings) => check_spans(&findings, &text),
    }
}

/// A .proto file, through the same bounds and compiler as a scan.
pub fn proto(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let root = proto_root();
    let reader = Reader::new(std::slice::from_ref(root), &[], 1 << 20);
    let path = root.join("fuzz.proto");
    let mut sources = Sources::default();
    let source = sources.add("fuzz.proto".into(), path.clone(), text.as_str().into());
    let input = proto::ProtoInput {
        source,
        path,
        scan_root: root.clone(),
    };
    let mut findings = Vec::new();
    let _ = proto::compile(&[input], &[], &mut sources, &reader, &mut findings);
    check_spans(&findings, &text);
}

/// An OpenAPI document (YAML or JSON).
pub fn openapi(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(root) = yaml::parse_node(&text)
        && let Err(findings) = openapi::read(SOURCE, &root)
    {
        check_spans(&findings, &text);
    }
}

/// An AsyncAPI document (YAML or JSON).
pub fn asyncapi(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(root) = yaml::parse_node(&text)
        && let Err(findings) = asyncapi::read(SOURCE, &root)
    {
        check_spans(&findings, &text);
    }
}

/// A Spring `application.properties`.
pub fn spring_properties(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let config = appconfig::read_properties(SOURCE, &text);
    let _ = config.values().count();
}

/// A Spring `application.yaml`, one document per profile.
pub fn spring_yaml(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(docs) = yaml::parse_documents(&text) {
        let config = appconfig::read_yaml(SOURCE, &docs);
        let _ = config.values().count();
    }
}

/// An nginx configuration, read by the nginx importer.
pub fn nginx(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let path = Path::new("nginx.conf");
    let Some(index) =
        (0..importers::IMPORTERS.len()).find(|&i| importers::name(i) == "nginx configuration")
    else {
        panic!("the nginx importer is no longer registered under its name");
    };
    let file = importers::FileInput {
        source: SOURCE,
        path,
        text: &text,
    };
    check_spans(&importers::read_file(index, file).findings, &text);
}

/// A `.env` file: its entries, the masked text shown in snippets, and its values substituted
/// into itself (references between variables, defaults, errors).
pub fn dotenv(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let dotenv = interpolate::parse_dotenv(&text);
    for (_, _, offset) in interpolate::dotenv_entries(&text) {
        assert!(offset <= text.len(), "entry offset {offset} past the end");
    }
    let masked = secrets::masked_env(&text);
    assert_eq!(
        masked.lines().count(),
        text.lines().count(),
        "masking changed the lines"
    );
    let _ = interpolate::interpolate(&text, &|name| dotenv.vars.get(name).cloned());
}

/// A baseline file: whatever reads must be written so that it reads back the same.
pub fn baseline(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(read) = Baseline::parse(&text, SOURCE) else {
        return;
    };
    let written = read.render();
    let again = Baseline::parse(&written, SOURCE)
        .unwrap_or_else(|e| panic!("a written baseline does not read back: {}", e.message));
    assert_eq!(
        again.render(),
        written,
        "the baseline changed on a round trip"
    );
}
