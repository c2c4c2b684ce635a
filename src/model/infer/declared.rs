//! What the registered importers declared (`load::importers`), resolved like everything else:
//! their nodes join the units, their environment joins the owner's, and the owner of a proxy's
//! routes is a gateway (`routes` turns the routes into calls).

use std::collections::BTreeMap;
use std::path::Path;

use crate::load::importers::{Declarations, NodeRole, Owner};
use crate::load::manifest::Exposure;

use super::classify::Role;
use super::routes;
use super::units::{Target, Unit, Units};

impl Units {
    /// Nodes and environment declared by importers.
    pub(super) fn add_declared(&mut self, declared: &[Declarations]) {
        for node in declared.iter().flat_map(|d| &d.nodes) {
            if let NodeRole::External = node.role {
                for host in std::iter::once(&node.name).chain(&node.hosts) {
                    self.hosts
                        .entry(host.to_ascii_lowercase())
                        .or_insert_with(|| Target {
                            unit: None,
                            external: Some(node.name.clone()),
                            ports: BTreeMap::new(),
                        });
                }
                continue;
            }
            let index = match self.index_of(&node.name) {
                Some(i) => i,
                None => {
                    let role = match &node.role {
                        NodeRole::Datastore(kind) => Role::Datastore(kind.clone()),
                        NodeRole::Broker(kind) => Role::Broker(*kind),
                        _ => Role::Service,
                    };
                    self.add(Unit {
                        addressable: true,
                        ..Unit::new(node.name.clone(), role, node.span, node.evidence.clone())
                    })
                }
            };
            let unit = &mut self.units[index];
            unit.gateway |= node.role == NodeRole::Gateway;
            unit.published |= node.exposure == Some(Exposure::Public);
            unit.host_port_only &= node.exposure != Some(Exposure::Public);
            for host in &node.hosts {
                self.hosts
                    .entry(host.to_ascii_lowercase())
                    .or_insert_with(|| Target {
                        unit: Some(index),
                        external: None,
                        ports: BTreeMap::new(),
                    });
            }
        }
        for decl in declared.iter().flat_map(|d| &d.env) {
            let Some(index) = self.owner(&decl.owner) else {
                continue;
            };
            let unit = &mut self.units[index];
            for (key, value, span) in &decl.vars {
                // The deployment's own environment wins over an image's defaults.
                if !unit.env.iter().any(|(k, _, _)| k == key) {
                    unit.env.push((key.clone(), value.clone(), *span));
                }
            }
        }
        self.add_route_owners(declared);
    }

    /// The owner of a proxy's routes is a gateway. A proxy configuration no workload runs
    /// (no mount, build context or folder names one) is a gateway of its own, named after the
    /// folder that holds it.
    fn add_route_owners(&mut self, declared: &[Declarations]) {
        for owner in routes::route_owners(declared) {
            let index = match (self.owner(owner), owner) {
                (Some(i), _) => i,
                (None, Owner::File(path)) => {
                    let Some((name, span)) = gateway_name(path).zip(first_span(declared, owner))
                    else {
                        continue;
                    };
                    self.add(Unit {
                        mounts: vec![path.clone()],
                        gateway: true,
                        ..Unit::new(
                            name.clone(),
                            Role::Service,
                            span,
                            format!("proxy configuration {}", path.display()),
                        )
                    })
                }
                (None, Owner::Node(_)) => continue,
            };
            self.units[index].gateway = true;
        }
    }

    /// The unit a declaration belongs to.
    pub fn owner(&self, owner: &Owner) -> Option<usize> {
        match owner {
            Owner::Node(name) => self.index_of(name),
            Owner::File(path) => self.owner_of_file(path),
        }
    }

    /// The workload that runs a file: the one that mounts it (or a folder holding it), else the
    /// one whose build context holds it (the deepest), else one named like its folders.
    pub fn owner_of_file(&self, path: &Path) -> Option<usize> {
        self.owner_by_context(path)
            .or_else(|| self.owner_by_folder(path))
    }

    /// The workload that mounts a file or builds from a folder holding it (the deepest).
    pub fn owner_by_context(&self, path: &Path) -> Option<usize> {
        let file = crate::load::canonical(path);
        let deepest = |paths: &dyn Fn(&Unit) -> Vec<std::path::PathBuf>| {
            self.units
                .iter()
                .enumerate()
                .filter_map(|(i, u)| {
                    paths(u)
                        .iter()
                        .map(|p| crate::load::canonical(p))
                        .filter(|p| file.starts_with(p))
                        .map(|p| p.components().count())
                        .max()
                        .map(|depth| (depth, std::cmp::Reverse(i)))
                })
                .max()
                .map(|(_, std::cmp::Reverse(i))| i)
        };
        deepest(&|u| u.mounts.clone()).or_else(|| {
            deepest(&|u| {
                u.build_context
                    .iter()
                    .chain(&u.dockerfile_dir)
                    .cloned()
                    .collect()
            })
        })
    }

    /// The one workload whose image is named `module` (build tools name a module's image after
    /// it: `spring-petclinic-config-server`), if exactly one is.
    pub fn owner_by_image(&self, module: &str) -> Option<usize> {
        let module = module.to_ascii_lowercase();
        let mut found = self
            .units
            .iter()
            .enumerate()
            .filter(|(_, u)| u.images.contains(&module))
            .map(|(i, _)| i);
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// The workload named like one of a file's folders, the nearest first.
    pub fn owner_by_folder(&self, path: &Path) -> Option<usize> {
        nearest_folder(path, |n| self.index_of(n))
    }
}

/// What `find` makes of the nearest of the folders holding `path` that it knows
/// (`src/cart/api/openapi.yml`: `api`, then `cart`, then `src`, ...).
pub fn nearest_folder<T>(path: &Path, find: impl Fn(&str) -> Option<T>) -> Option<T> {
    crate::load::canonical(path)
        .ancestors()
        .skip(1)
        .filter_map(|a| a.file_name().and_then(|n| n.to_str()))
        .find_map(find)
}

/// A folder name that says what the configuration is for, not whose it is.
const GENERIC_FOLDERS: [&str; 14] = [
    "conf",
    "conf.d",
    "config",
    "configs",
    "etc",
    "templates",
    "sites-enabled",
    "sites-available",
    "http.d",
    "nginx",
    "envoy",
    "proxy",
    "docker",
    "deploy",
];

/// The name of the gateway a proxy configuration nobody runs stands for: its nearest folder
/// whose name is not generic, else the nearest folder, else the file's stem.
fn gateway_name(path: &Path) -> Option<String> {
    let folders: Vec<&str> = path
        .ancestors()
        .skip(1)
        .filter_map(|a| a.file_name()?.to_str())
        .collect();
    folders
        .iter()
        .find(|f| !GENERIC_FOLDERS.contains(&f.to_ascii_lowercase().as_str()))
        .or(folders.first())
        .map(|f| (*f).to_owned())
        .or_else(|| Some(path.file_stem()?.to_str()?.to_owned()))
}

/// Where the first route of an owner is written.
fn first_span(declared: &[Declarations], owner: &Owner) -> Option<crate::source::Span> {
    declared
        .iter()
        .flat_map(|d| &d.routes)
        .find(|r| &r.from == owner)
        .map(|r| r.span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orphan_proxies_are_named_after_their_folder() {
        let name = |p: &str| gateway_name(Path::new(p));
        assert_eq!(name("/repo/edge/nginx.conf").as_deref(), Some("edge"));
        assert_eq!(
            name("/repo/storefront/nginx/conf.d/default.conf").as_deref(),
            Some("storefront")
        );
        assert_eq!(name("/nginx/nginx.conf").as_deref(), Some("nginx"));
        assert_eq!(name("envoy.yaml").as_deref(), Some("envoy"));
    }
}
