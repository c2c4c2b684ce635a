//! Kubernetes label selectors answered by lookup: the Services that select a workload, the
//! workloads a NetworkPolicy selects, the ConfigMap a workload reads. Each object is filed once
//! under its labels, so an organisation of thousands of workloads costs its objects plus the
//! matches, not workloads times Services.

use std::collections::HashMap;

use crate::load::kube::{self, ConfigMap, Kube, KubeService, Workload};

/// (namespace, label, value).
type Pair<'k> = (&'k str, &'k str, &'k str);

/// The Services of a deployment, each filed under the pair of its selector the fewest other
/// Services share: a workload's labels hold that pair when the Service selects it, and a pair
/// every Service carries (`part-of: shop`) does not make each workload look at all of them.
pub struct Services<'k> {
    services: &'k [KubeService],
    filed: HashMap<Pair<'k>, Vec<usize>>,
}

impl<'k> Services<'k> {
    pub fn new(services: &'k [KubeService]) -> Services<'k> {
        let pairs = |s: &'k KubeService| {
            s.selector
                .iter()
                .map(move |(k, v)| (s.namespace.as_str(), k.as_str(), v.as_str()))
        };
        let mut sharing: HashMap<Pair<'k>, usize> = HashMap::new();
        for s in services {
            for pair in pairs(s) {
                *sharing.entry(pair).or_default() += 1;
            }
        }
        let mut filed: HashMap<Pair<'k>, Vec<usize>> = HashMap::new();
        for (i, s) in services.iter().enumerate() {
            // The first of the rarest pairs, so the filing does not depend on hash order.
            if let Some(pair) = pairs(s).min_by_key(|p| sharing[p]) {
                filed.entry(pair).or_default().push(i);
            }
        }
        Services { services, filed }
    }

    /// The Services that select `w`, in the order they were read.
    pub fn selecting(&self, w: &Workload) -> Vec<&'k KubeService> {
        let mut found: Vec<usize> = w
            .labels
            .iter()
            .filter_map(|(k, v)| {
                self.filed
                    .get(&(w.namespace.as_str(), k.as_str(), v.as_str()))
            })
            .flatten()
            .copied()
            .filter(|&i| kube::selects(&self.services[i].selector, &w.labels))
            .collect();
        // A Service is filed under one pair, so it is found at most once.
        found.sort_unstable();
        found.into_iter().map(|i| &self.services[i]).collect()
    }
}

/// Workloads filed under every label they carry.
pub struct Workloads<'k> {
    workloads: &'k [Workload],
    filed: HashMap<Pair<'k>, Vec<usize>>,
}

impl<'k> Workloads<'k> {
    pub fn new(workloads: &'k [Workload]) -> Workloads<'k> {
        let mut filed: HashMap<Pair<'k>, Vec<usize>> = HashMap::new();
        for (i, w) in workloads.iter().enumerate() {
            for (k, v) in &w.labels {
                filed
                    .entry((w.namespace.as_str(), k.as_str(), v.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        Workloads { workloads, filed }
    }

    /// The workloads of `namespace` that `selector` selects, in the order they were read;
    /// none for an empty selector (as [`kube::selects`] says).
    pub fn selected(
        &self,
        namespace: &str,
        selector: &std::collections::BTreeMap<String, String>,
    ) -> Vec<&'k Workload> {
        let lists: Option<Vec<&Vec<usize>>> = selector
            .iter()
            .map(|(k, v)| self.filed.get(&(namespace, k.as_str(), v.as_str())))
            .collect();
        // The shortest list holds every match: a match carries all the pairs.
        let Some(shortest) = lists.and_then(|l| l.into_iter().min_by_key(|l| l.len())) else {
            return Vec::new();
        };
        shortest
            .iter()
            .map(|&i| &self.workloads[i])
            .filter(|w| kube::selects(selector, &w.labels))
            .collect()
    }
}

/// ConfigMaps by (name, namespace), in the order they were read.
pub struct ConfigMaps<'k> {
    by_name: HashMap<(&'k str, &'k str), Vec<&'k ConfigMap>>,
}

impl<'k> ConfigMaps<'k> {
    pub fn new(kube: &'k Kube) -> ConfigMaps<'k> {
        let mut by_name: HashMap<(&str, &str), Vec<&ConfigMap>> = HashMap::new();
        for m in &kube.config_maps {
            by_name
                .entry((m.name.as_str(), m.namespace.as_str()))
                .or_default()
                .push(m);
        }
        ConfigMaps { by_name }
    }

    /// The ConfigMap `name` a workload in `namespace` and `folder` reads: when several files
    /// define it (variants of one deployment), the first of those closest to the workload's
    /// folder.
    pub fn of(
        &self,
        name: &str,
        namespace: &str,
        folder: &std::path::Path,
    ) -> Option<&'k ConfigMap> {
        let shared = |m: &ConfigMap| {
            m.folder
                .components()
                .zip(folder.components())
                .take_while(|(a, b)| a == b)
                .count()
        };
        let mut best: Option<&ConfigMap> = None;
        for &m in self.by_name.get(&(name, namespace))? {
            if best.is_none_or(|b| shared(m) > shared(b)) {
                best = Some(m);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    use crate::source::{SourceId, Span};

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn workload(name: &str, namespace: &str, pairs: &[(&str, &str)]) -> Workload {
        Workload {
            kind: "Deployment".into(),
            name: name.into(),
            namespace: namespace.into(),
            span: Span::file_start(SourceId(0)),
            labels: labels(pairs),
            meshed: false,
            containers: Vec::new(),
            folder: "k8s".into(),
        }
    }

    fn service(name: &str, namespace: &str, pairs: &[(&str, &str)]) -> KubeService {
        KubeService {
            name: name.into(),
            namespace: namespace.into(),
            span: Span::file_start(SourceId(0)),
            selector: labels(pairs),
            kind: "ClusterIP".into(),
            headless: false,
            external_name: None,
            ports: Vec::new(),
            meshed: false,
        }
    }

    /// What a scan of every object answers, for comparing with the lookups.
    fn scanned<'k>(services: &'k [KubeService], w: &Workload) -> Vec<&'k KubeService> {
        services
            .iter()
            .filter(|s| s.namespace == w.namespace && kube::selects(&s.selector, &w.labels))
            .collect()
    }

    #[test]
    fn lookups_answer_what_a_scan_of_every_object_answers() {
        let services = vec![
            service("a", "shop", &[("app", "a")]),
            service("all", "shop", &[("part-of", "shop")]),
            service("a-v2", "shop", &[("app", "a"), ("version", "v2")]),
            service("other-ns", "admin", &[("app", "a")]),
            service("none", "shop", &[]),
            service("b", "shop", &[("part-of", "shop"), ("app", "b")]),
        ];
        let workloads = vec![
            workload(
                "a-v1",
                "shop",
                &[("app", "a"), ("part-of", "shop"), ("version", "v1")],
            ),
            workload(
                "a-v2",
                "shop",
                &[("app", "a"), ("part-of", "shop"), ("version", "v2")],
            ),
            workload("b", "shop", &[("app", "b"), ("part-of", "shop")]),
            workload("admin-a", "admin", &[("app", "a")]),
            workload("bare", "shop", &[]),
        ];
        let index = Services::new(&services);
        for w in &workloads {
            let names = |found: Vec<&KubeService>| -> Vec<String> {
                found.iter().map(|s| s.name.clone()).collect()
            };
            assert_eq!(
                names(index.selecting(w)),
                names(scanned(&services, w)),
                "{}",
                w.name
            );
        }
        let filed = Workloads::new(&workloads);
        let names = |found: Vec<&Workload>| -> Vec<String> {
            found.iter().map(|w| w.name.clone()).collect()
        };
        assert_eq!(
            names(filed.selected("shop", &labels(&[("app", "a")]))),
            ["a-v1", "a-v2"]
        );
        assert_eq!(
            names(filed.selected("shop", &labels(&[("part-of", "shop"), ("version", "v2")]))),
            ["a-v2"]
        );
        assert!(filed.selected("shop", &labels(&[])).is_empty());
        assert!(
            filed
                .selected("shop", &labels(&[("app", "zzz")]))
                .is_empty()
        );
    }

    #[test]
    fn the_closest_config_map_is_read() {
        let map = |folder: &str, value: &str| ConfigMap {
            name: "settings".into(),
            namespace: "shop".into(),
            data: vec![("URL".into(), value.into(), Span::file_start(SourceId(0)))],
            folder: folder.into(),
        };
        let kube = Kube {
            config_maps: vec![map("k8s/base", "base"), map("extras/k8s", "extra")],
            ..Kube::default()
        };
        let maps = ConfigMaps::new(&kube);
        let read = |folder: &str| maps.of("settings", "shop", std::path::Path::new(folder));
        assert_eq!(
            read("extras/k8s").map(|m| m.data[0].1.as_str()),
            Some("extra")
        );
        assert_eq!(read("k8s/base").map(|m| m.data[0].1.as_str()), Some("base"));
        assert!(
            maps.of("settings", "admin", std::path::Path::new("k8s"))
                .is_none()
        );
    }
}
