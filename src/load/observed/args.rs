//! Reading the files named with `--observed`: wherever they are, each must be a trace export or
//! service-graph metrics; anything else is a CA001 finding, not a silent skip.

use std::path::{Path, PathBuf};

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::source::{Span, display_name};

use super::super::discover::Candidate;
use super::super::{Loader, canonical};

impl Loader {
    pub(in crate::load) fn read_observed(&mut self, files: &[PathBuf]) {
        for path in files {
            let key = canonical(path);
            if self.loaded.paths.contains_key(&key) {
                continue;
            }
            let candidate = Candidate {
                path: path.clone(),
                scan_root: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            };
            let read = self
                .loaded
                .reader
                .check_file(path)
                .and_then(|physical| self.loaded.reader.read_checked(&physical));
            let text = match read {
                Ok(text) => text,
                Err(problem) => {
                    self.unreadable_file(&candidate, key, problem, None);
                    continue;
                }
            };
            let name = display_name(path);
            let format = super::sniff(&name, &text);
            let id = self.loaded.sources.add(name, path.clone(), text.into());
            self.loaded.paths.insert(key, id);
            let Some(format) = format else {
                self.loaded.broken.insert(id);
                self.loaded.findings.push(
                    Finding::new(
                        INVALID_INPUT,
                        "this `--observed` file is neither a trace export nor service-graph metrics",
                    )
                    .at(Span::file_start(id))
                    .about(Item::File(id))
                    .about(Item::Key("not observed traffic".into()))
                    .help("pass OTLP JSON (`resourceSpans`), Jaeger or Zipkin v2 JSON, or Prometheus text with `traces_service_graph_request_total` or `istio_requests_total`"),
                );
                continue;
            };
            let (file, findings) = super::read(id, format, self.loaded.sources.get(id));
            self.loaded.findings.extend(findings);
            self.loaded.observed.push(file);
        }
    }
}
