//! Configuration-server repositories: a folder holding `application.yml` beside files named
//! after the applications it configures (`config-repo/orders.yml`, `orders-prod.yml`), as a
//! Spring Cloud Config Server serves them. Those files are read as application configuration
//! although their names are the applications' own; the model applies them to the services
//! they name.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::discover::{Candidate, Kind};
use super::{Loader, Reference, canonical};
use crate::source::Span;

impl Loader {
    /// Finds repository folders among the candidates and reads their files.
    pub(super) fn load_config_repositories(&mut self, candidates: &[Candidate]) {
        let mut names: BTreeSet<String> = self
            .loaded
            .imports
            .app_configs
            .iter()
            .filter_map(|f| f.config.name.as_ref().map(|(n, _)| n.to_ascii_lowercase()))
            .collect();
        names.extend(
            self.compose_files
                .iter()
                .flat_map(|(_, _, f)| f.services.iter().map(|s| s.name.to_ascii_lowercase())),
        );
        let folders: Vec<(PathBuf, Span)> = self
            .loaded
            .imports
            .app_configs
            .iter()
            .filter(|f| {
                let path = &self.loaded.sources.get(f.config.source).path;
                stem(path).is_some_and(|s| s == "application")
            })
            .map(|f| (f.dir.clone(), Span::file_start(f.config.source)))
            .collect();
        for (folder, span) in folders {
            let folder_key = canonical(&folder);
            let siblings: Vec<Candidate> = candidates
                .iter()
                .filter(|c| c.path.parent().is_some_and(|p| canonical(p) == folder_key))
                .filter(|c| stem(&c.path).is_some())
                .filter(|c| !self.loaded.paths.contains_key(&canonical(&c.path)))
                .cloned()
                .collect();
            let serves_an_application = siblings.iter().any(|c| {
                let s = stem(&c.path).unwrap_or_default().to_ascii_lowercase();
                names.iter().any(|n| {
                    s == *n
                        || s.strip_prefix(n.as_str())
                            .is_some_and(|r| r.starts_with('-'))
                })
            });
            if !serves_an_application {
                continue;
            }
            self.loaded.imports.config_repositories.push(folder_key);
            let reference = Reference {
                kind: Kind::AppConfig,
                span,
                written: folder.display().to_string(),
                relative_to: "the configuration repository",
            };
            self.read_batch(siblings, Some(&reference));
        }
    }
}

/// The name of a YAML or properties file without its extension.
fn stem(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    [".yml", ".yaml", ".properties"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .map(str::to_owned)
}
