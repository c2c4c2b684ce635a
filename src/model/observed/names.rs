//! Which declared service an observed name stands for: the `observed: { names: }` mapping of
//! commaudit.yaml first, then the name itself, then the Kubernetes workload names the spans
//! carry, then the host part of an address (`pricing.shop.svc.cluster.local` is `pricing`).

use std::collections::BTreeMap;

use crate::load::observed::host_name;

use super::super::Model;
use super::Peer;

/// The configured mapping from observed names to declared ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Names {
    pub map: BTreeMap<String, String>,
}

impl Names {
    pub fn resolve(&self, model: &Model, raw: &str, aliases: &[String]) -> Peer {
        let mapped = self.map.get(raw).map(String::as_str);
        let candidates = mapped
            .into_iter()
            .chain(std::iter::once(raw))
            .chain(aliases.iter().map(String::as_str));
        for name in candidates {
            if let Some(id) = model.service_named(name) {
                return Peer::Service(id);
            }
        }
        let host = host_name(raw);
        if let Some(id) = self
            .map
            .get(&host)
            .and_then(|m| model.service_named(m))
            .or_else(|| model.service_named(&host))
        {
            return Peer::Service(id);
        }
        Peer::Unknown(mapped.unwrap_or(raw).to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Service, ServiceId};
    use crate::source::{SourceId, Span};

    #[test]
    fn mapping_then_name_then_workload_then_host() {
        let span = Span::file_start(SourceId(0));
        let model = Model {
            services: vec![
                Service::named("cart", span),
                Service::named("pricing", span),
            ],
            ..Model::default()
        };
        let names = Names {
            map: [("cartservice".to_owned(), "cart".to_owned())].into(),
        };
        let pricing = Peer::Service(ServiceId(1));
        assert_eq!(
            names.resolve(&model, "cartservice", &[]),
            Peer::Service(ServiceId(0))
        );
        assert_eq!(names.resolve(&model, "pricing", &[]), pricing);
        assert_eq!(
            names.resolve(&model, "pricing-v2", &["pricing".into()]),
            pricing
        );
        assert_eq!(names.resolve(&model, "pricing.shop.svc:80", &[]), pricing);
        assert_eq!(
            names.resolve(&model, "ledger", &[]),
            Peer::Unknown("ledger".into())
        );
    }
}
