//! Deployable units from Kubernetes workloads and compose services, and the table of host
//! names that reach them: Kubernetes Service names in every form
//! (`svc`, `svc.ns`, `svc.ns.svc.cluster.local`), compose service names, aliases and published
//! ports on `localhost`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use crate::load::imports::Imports;
use crate::load::kube::{self, KubeService};
use crate::model::{LoadBalancer, Protocol};
use crate::source::Span;

use crate::load::importers::{self, Declarations};

use super::classify::{self, Role};
use super::selectors::{ConfigMaps, Services};
use super::spring;

/// A workload that runs: a Kubernetes Deployment (and friends) or a compose service.
#[derive(Debug, Clone)]
pub struct Unit {
    pub name: String,
    pub role: Role,
    pub span: Span,
    /// `Deployment frontend`, `compose service api`.
    pub evidence: String,
    /// Environment variables with their values resolved (ConfigMaps followed).
    pub env: Vec<(String, String, Span)>,
    /// Reachable from outside: a LoadBalancer or NodePort Service, an Ingress, a published port.
    pub published: bool,
    /// Published only by a compose host port, which developers publish for every service they
    /// want to reach from their machine: public only when no service of the system calls it.
    pub host_port_only: bool,
    /// Something can call it: a Service selects it, or it is a compose service with ports.
    pub addressable: bool,
    pub load_balancer: Option<LoadBalancer>,
    pub build_context: Option<PathBuf>,
    /// The Dockerfile's folder inside the build context (compose `build.dockerfile`).
    pub dockerfile_dir: Option<PathBuf>,
    /// Files and folders of the repository mounted into it (compose bind mounts).
    pub mounts: Vec<PathBuf>,
    /// A reverse proxy, ingress or API gateway declared by an importer.
    pub gateway: bool,
    /// Compose `depends_on`: what it waits for at start, with the line that says so.
    pub depends_on: Vec<(String, Span)>,
    /// Its application settings after Spring's resolution (profiles, configuration server,
    /// placeholders): dotted key, value, position.
    pub settings: Vec<(String, String, Span)>,
    /// It runs in a container or pod, where `localhost` is itself.
    pub container: bool,
    /// Ports it serves, with the protocol their names say (`grpc`, `http-web`, `appProtocol`).
    pub ports: BTreeMap<u16, Option<Protocol>>,
    /// How deep in the repository the file that places it lies: a workload several variants
    /// define (`kubernetes-manifests/`, `extras/cloudsql/kubernetes-manifests/`) is placed at
    /// the shallowest definition, the main one.
    pub depth: usize,
    /// The repository names of the images it runs, without registry or tag
    /// (`springcommunity/spring-petclinic-config-server:3.1` gives
    /// `spring-petclinic-config-server`): build tools name images after the module they build.
    pub images: Vec<String>,
}

impl Unit {
    /// A workload known by name and role, with nothing else said yet.
    pub fn new(name: String, role: Role, span: Span, evidence: String) -> Unit {
        Unit {
            name,
            role,
            span,
            evidence,
            env: Vec::new(),
            published: false,
            host_port_only: false,
            addressable: false,
            load_balancer: None,
            build_context: None,
            dockerfile_dir: None,
            mounts: Vec::new(),
            gateway: false,
            depends_on: Vec::new(),
            settings: Vec::new(),
            container: true,
            ports: BTreeMap::new(),
            depth: usize::MAX,
            images: Vec::new(),
        }
    }
}

/// Where a host name leads.
#[derive(Debug, Clone)]
pub struct Target {
    /// Index into the units, or `None` for an ExternalName Service (see `external`).
    pub unit: Option<usize>,
    pub external: Option<String>,
    /// Service port -> (container port, protocol named by the port).
    pub ports: BTreeMap<u16, (u16, Option<Protocol>)>,
}

#[derive(Debug, Default)]
pub struct Units {
    pub units: Vec<Unit>,
    pub hosts: BTreeMap<String, Target>,
    /// `localhost` ports published by compose services: port -> unit.
    pub localhost: BTreeMap<u16, usize>,
    pub notes: Vec<String>,
    /// What Spring's resolution found besides the settings.
    pub spring: spring::Resolution,
    /// What importers read from the services' resolved settings (`read_settings`).
    pub from_settings: Vec<Declarations>,
    /// Kubernetes workloads by (namespace, name): the unit each one is part of.
    pub workloads: BTreeMap<(String, String), usize>,
    /// Services only compose overlays that were not merged define: name -> the file.
    pub unmerged: BTreeMap<String, String>,
    /// Each unit's index by name (the first unit of a name), kept by [`Units::add`].
    names: HashMap<String, usize>,
}

impl Units {
    /// `declared`: the services the manifests name, which configuration files may belong to.
    pub fn build(imports: &Imports, declared: &BTreeSet<String>) -> Units {
        let mut out = Units {
            unmerged: imports.unmerged.clone(),
            ..Units::default()
        };
        out.add_kube(&imports.kube);
        out.add_compose(imports);
        out.add_declared(&imports.declared);
        out.spring = spring::resolve(imports, &mut out, declared);
        let from_settings: Vec<Declarations> = out
            .units
            .iter()
            .filter(|u| !u.settings.is_empty())
            .map(|u| {
                importers::read_settings(importers::SettingsInput {
                    service: &u.name,
                    settings: &u.settings,
                })
            })
            .filter(|d| !d.is_empty())
            .collect();
        out.add_declared(&from_settings);
        out.from_settings = from_settings;
        out.classify_by_use();
        out
    }

    /// The first unit named `name`. Looked up, not searched: an organisation runs thousands
    /// of workloads, and every one of them asks.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.get(name).copied()
    }

    /// Adds a unit (units are only ever added through here) and returns its index.
    pub fn add(&mut self, unit: Unit) -> usize {
        let index = self.units.len();
        self.names.entry(unit.name.clone()).or_insert(index);
        self.units.push(unit);
        index
    }

    fn add_kube(&mut self, k: &kube::Kube) {
        let services = Services::new(&k.services);
        let config_maps = ConfigMaps::new(k);
        let routed: HashSet<(&str, &str)> = k
            .ingress_backends
            .iter()
            .map(|(ns, name)| (ns.as_str(), name.as_str()))
            .collect();
        let meshed_namespaces: HashSet<&str> =
            k.meshed_namespaces.iter().map(String::as_str).collect();
        for w in &k.workloads {
            let running = || w.containers.iter().filter(|c| !c.init);
            let server_role = classify::of_workload(&classify::Signals {
                name: &w.name,
                images: running().filter_map(|c| c.image.as_deref()).collect(),
                commands: running().filter_map(|c| c.command.as_deref()).collect(),
                env_keys: running()
                    .flat_map(|c| c.env.iter().map(|e| e.name.as_str()))
                    .collect(),
                ports: running()
                    .flat_map(|c| c.ports.iter().map(|p| p.port))
                    .collect(),
                data_dirs: running()
                    .flat_map(|c| c.mounts.iter().map(String::as_str))
                    .collect(),
            });
            // A Job runs to completion: with a datastore's or broker's image it is a task that
            // sets one up (creates a schema, loads data), not the server callers reach.
            let image_role = match server_role {
                Role::Datastore(_) | Role::Broker(_)
                    if matches!(w.kind.as_str(), "Job" | "CronJob") =>
                {
                    Role::Infrastructure(classify::Infra::SetupTask)
                }
                role => role,
            };
            let mut env = Vec::new();
            for c in &w.containers {
                for cm_name in &c.env_from {
                    if let Some(cm) = config_maps.of(cm_name, &w.namespace, &w.folder) {
                        env.extend(cm.data.iter().cloned());
                    }
                }
                for e in &c.env {
                    let value = e.value.clone().or_else(|| {
                        let (cm_name, key) = e.config_map_ref.as_ref()?;
                        config_maps
                            .of(cm_name, &w.namespace, &w.folder)
                            .and_then(|m| m.data.iter().find(|(k, _, _)| k == key))
                            .map(|(_, v, _)| v.clone())
                    });
                    if let Some(v) = value {
                        env.push((e.name.clone(), v, e.span));
                    }
                }
            }
            let selecting: Vec<&KubeService> = services.selecting(w);
            let meshed = w.meshed
                || selecting.iter().any(|s| s.meshed)
                || meshed_namespaces.contains(w.namespace.as_str());
            let load_balancer = if meshed {
                Some(LoadBalancer::Mesh)
            } else if selecting.iter().any(|s| s.headless) {
                Some(LoadBalancer::Client)
            } else if selecting.is_empty() {
                None
            } else {
                Some(LoadBalancer::L4)
            };
            let published = selecting
                .iter()
                .any(|s| matches!(s.kind.as_str(), "LoadBalancer" | "NodePort"))
                || selecting
                    .iter()
                    .any(|s| routed.contains(&(w.namespace.as_str(), s.name.as_str())));
            let name = node_name(w, &selecting);
            let depth = w.folder.components().count();
            let images: Vec<String> = w
                .containers
                .iter()
                .filter(|c| !c.init)
                .filter_map(|c| c.image.as_deref().map(image_repository))
                .collect();
            let index = match self.index_of(&name) {
                // Versions of one application (reviews-v1, reviews-v2) behind one Service are
                // one node, named after the Service callers dial.
                Some(i) => {
                    let unit = &mut self.units[i];
                    unit.env.extend(env);
                    unit.published |= published;
                    unit.host_port_only &= !published;
                    unit.addressable |= !selecting.is_empty();
                    unit.load_balancer = unit.load_balancer.or(load_balancer);
                    if unit.role == Role::Service {
                        unit.role = image_role;
                    }
                    if depth < unit.depth {
                        unit.span = w.span;
                        unit.depth = depth;
                    }
                    unit.images.extend(images.iter().cloned());
                    i
                }
                None => self.add(Unit {
                    env,
                    published,
                    addressable: !selecting.is_empty(),
                    load_balancer,
                    depth,
                    images: images.clone(),
                    ..Unit::new(
                        name.clone(),
                        image_role,
                        w.span,
                        format!("Kubernetes {} {}", w.kind, w.name),
                    )
                }),
            };
            self.workloads
                .insert((w.namespace.clone(), w.name.clone()), index);
            let container_ports: BTreeMap<String, u16> = w
                .containers
                .iter()
                .flat_map(|c| c.ports.iter())
                .filter_map(|p| Some((p.name.clone()?, p.port)))
                .collect();
            for p in w.containers.iter().flat_map(|c| c.ports.iter()) {
                let named = p.name.as_deref().and_then(classify::protocol_of_port_name);
                let slot = self.units[index].ports.entry(p.port).or_default();
                *slot = slot.clone().or(named);
            }
            for s in selecting {
                let ports = s
                    .ports
                    .iter()
                    .map(|p| {
                        let target = match p.target.as_deref() {
                            Some(t) => t
                                .parse()
                                .ok()
                                .or_else(|| container_ports.get(t).copied())
                                .unwrap_or(p.port),
                            None => p.port,
                        };
                        let named = p
                            .app_protocol
                            .as_deref()
                            .or(p.name.as_deref())
                            .and_then(classify::protocol_of_port_name)
                            .or_else(|| self.units[index].ports.get(&target).cloned().flatten());
                        (p.port, (target, named))
                    })
                    .collect::<BTreeMap<u16, (u16, Option<Protocol>)>>();
                for (target, named) in ports.values() {
                    let slot = self.units[index].ports.entry(*target).or_default();
                    *slot = slot.clone().or(named.clone());
                }
                self.add_kube_host(s, Some(index), None, ports);
            }
        }
        let mut unselected = Vec::new();
        for s in &k.services {
            if let Some(external) = &s.external_name {
                self.add_kube_host(s, None, Some(external.clone()), BTreeMap::new());
            } else if !s.selector.is_empty() && !self.hosts.contains_key(&s.name) {
                unselected.push(s.name.as_str());
            }
        }
        // One cause (workloads in files the scan could not read, or never written), one note.
        unselected.sort_unstable();
        unselected.dedup();
        let shown = |names: &[&str]| {
            let listed: Vec<String> = names.iter().take(8).map(|n| format!("`{n}`")).collect();
            match names.len().saturating_sub(8) {
                0 => listed.join(", "),
                more => format!("{} and {more} more", listed.join(", ")),
            }
        };
        match unselected.len() {
            0 => {}
            1 => self.notes.push(format!(
                "Kubernetes Service {} selects no workload the scan read; calls to it are reported as unknown",
                shown(&unselected)
            )),
            n => self.notes.push(format!(
                "{n} Kubernetes Services select no workload the scan read ({}); calls to them are reported as unknown",
                shown(&unselected)
            )),
        }
    }

    fn add_kube_host(
        &mut self,
        s: &KubeService,
        unit: Option<usize>,
        external: Option<String>,
        ports: BTreeMap<u16, (u16, Option<Protocol>)>,
    ) {
        let ns = &s.namespace;
        for name in [
            s.name.clone(),
            format!("{}.{ns}", s.name),
            format!("{}.{ns}.svc", s.name),
            format!("{}.{ns}.svc.cluster.local", s.name),
        ] {
            self.hosts.entry(name).or_insert_with(|| Target {
                unit,
                external: external.clone(),
                ports: ports.clone(),
            });
        }
    }

    fn add_compose(&mut self, imports: &Imports) {
        for project in &imports.compose {
            for svc in &project.services {
                let role = classify::of_workload(&classify::Signals {
                    name: &svc.name,
                    images: svc.image.as_deref().into_iter().collect(),
                    commands: svc.command.as_deref().into_iter().collect(),
                    env_keys: svc.env.iter().map(|e| e.name.as_str()).collect(),
                    ports: svc.container_ports.clone(),
                    data_dirs: svc.data_dirs.iter().map(String::as_str).collect(),
                });
                let env: Vec<(String, String, Span)> = svc
                    .env
                    .iter()
                    .filter_map(|e| Some((e.name.clone(), e.value.clone()?, e.span)))
                    .collect();
                let index = match self.index_of(&svc.name) {
                    // The same service deployed by Kubernetes and run by compose: one node.
                    Some(i) => {
                        self.units[i].env.extend(env);
                        self.units[i]
                            .depends_on
                            .extend(svc.depends_on.iter().cloned());
                        i
                    }
                    None => self.add(Unit {
                        env,
                        published: !svc.published.is_empty(),
                        host_port_only: !svc.published.is_empty(),
                        addressable: !svc.container_ports.is_empty(),
                        build_context: svc.build_context.clone(),
                        dockerfile_dir: svc.dockerfile_dir.clone(),
                        mounts: svc.mounts.clone(),
                        depends_on: svc.depends_on.clone(),
                        container: !svc.host_network,
                        ports: svc.container_ports.iter().map(|&p| (p, None)).collect(),
                        images: svc
                            .image
                            .as_deref()
                            .map(image_repository)
                            .into_iter()
                            .collect(),
                        ..Unit::new(
                            svc.name.clone(),
                            role,
                            svc.span,
                            format!("compose service {}", svc.name),
                        )
                    }),
                };
                let ports: BTreeMap<u16, (u16, Option<Protocol>)> = svc
                    .container_ports
                    .iter()
                    .map(|&p| (p, (p, None)))
                    .collect();
                for host in std::iter::once(&svc.name).chain(&svc.hostnames) {
                    self.hosts
                        .entry(host.to_ascii_lowercase())
                        .or_insert_with(|| Target {
                            unit: Some(index),
                            external: None,
                            ports: ports.clone(),
                        });
                }
                for &(host_port, _) in &svc.published {
                    self.localhost.entry(host_port).or_insert(index);
                }
            }
        }
    }
}

/// The name callers know a workload by: the most general Service that selects it (fewest
/// selector labels; its own name first), else its application label, else its own name.
fn node_name(w: &kube::Workload, selecting: &[&KubeService]) -> String {
    if let Some(s) = selecting.iter().min_by_key(|s| {
        (
            s.selector.len(),
            s.name != w.name,
            s.name.len(),
            s.name.clone(),
        )
    }) {
        return s.name.clone();
    }
    ["app.kubernetes.io/name", "app", "service", "k8s-app"]
        .iter()
        .find_map(|k| w.labels.get(*k))
        .cloned()
        .unwrap_or_else(|| w.name.clone())
}

/// The last part of an image's repository, without registry, tag or digest, lower case:
/// `ghcr.io/acme/orders-service:1.4@sha256:ab` is `orders-service`.
pub fn image_repository(image: &str) -> String {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    last.split(':').next().unwrap_or(last).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::image_repository;

    #[test]
    fn an_image_s_repository_has_no_registry_tag_or_digest() {
        for (image, repository) in [
            ("orders", "orders"),
            ("acme/Orders:1.4", "orders"),
            ("registry.acme.dev:5000/acme/orders:1.4@sha256:ab", "orders"),
            ("localhost:5000/orders", "orders"),
        ] {
            assert_eq!(image_repository(image), repository, "{image}");
        }
    }
}
