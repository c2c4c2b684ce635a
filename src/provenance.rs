//! Where each model item came from and how sure that makes it: one explicit type, so no code
//! has to guess "from a manifest" from a missing piece of evidence. It sits below the stages
//! (the model re-exports it) because findings carry it too: what a finding rests on.

use serde::Serialize;

/// How an item became known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// Declared in a native manifest (commaudit.yaml, a service manifest) or a contract it
    /// names: what a team wrote down for commaudit.
    Manifest,
    /// Declared in a catalog or deployment file commaudit imports: a compose service, a
    /// Kubernetes Deployment, a Backstage component or relation.
    Catalog,
    /// Inferred from deployment configuration: an address in an environment variable, a topic
    /// name in a setting.
    Inferred,
    /// Observed in telemetry: a trace export or service-graph metrics (`--observed`).
    Observed,
}

impl Origin {
    /// How far a conclusion resting on it can be trusted, higher is more.
    fn trust(self) -> u8 {
        match self {
            Origin::Manifest => 3,
            Origin::Catalog => 2,
            Origin::Observed => 1,
            Origin::Inferred => 0,
        }
    }

    /// Where exactly it came from: `manifest`, `catalog`, `inferred`, `observed`.
    pub fn source(self) -> &'static str {
        match self {
            Origin::Manifest => "manifest",
            Origin::Catalog => "catalog",
            Origin::Inferred => "inferred",
            Origin::Observed => "observed",
        }
    }

    /// The word the graph JSON's `origin` field has always used: `declared` for manifests and
    /// catalogs alike, `inferred`, `observed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Manifest | Origin::Catalog => "declared",
            Origin::Inferred => "inferred",
            Origin::Observed => "observed",
        }
    }
}

/// A provenance as the machine formats write it (scan JSON, SARIF properties): `origin` in the
/// graph JSON's words, `source` exactly, the confidence and the evidence.
#[derive(Debug, Clone, Serialize)]
pub struct ProvenanceOut<'a> {
    pub origin: &'static str,
    pub source: &'static str,
    pub confidence: Confidence,
    pub evidence: &'a [String],
}

impl Provenance {
    pub fn out(&self) -> ProvenanceOut<'_> {
        ProvenanceOut {
            origin: self.origin.as_str(),
            source: self.origin.source(),
            confidence: self.confidence,
            evidence: &self.evidence,
        }
    }
}

/// How sure commaudit is that the item exists as described.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Written down by its owners.
    Certain,
    /// Read from configuration that normally means it.
    Likely,
    /// Read from configuration that may mean something else.
    Possible,
}

/// An item's provenance: its origin, the evidence for it, and the confidence they give.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Provenance {
    pub origin: Origin,
    /// What showed it, first to last: `Kubernetes Deployment frontend`,
    /// `CART_SERVICE_ADDR=cartservice:7070`. Empty for a manifest alone; a manifest item that an
    /// import also describes lists the import.
    pub evidence: Vec<String>,
    pub confidence: Confidence,
}

impl Provenance {
    /// Written in a manifest.
    pub fn manifest() -> Provenance {
        Provenance {
            origin: Origin::Manifest,
            evidence: Vec::new(),
            confidence: Confidence::Certain,
        }
    }

    /// Declared by an imported catalog or deployment file, named by `evidence`.
    pub fn catalog(evidence: impl Into<String>) -> Provenance {
        Provenance {
            origin: Origin::Catalog,
            evidence: vec![evidence.into()],
            confidence: Confidence::Certain,
        }
    }

    /// Inferred from the setting `evidence` names.
    pub fn inferred(evidence: impl Into<String>) -> Provenance {
        Provenance {
            origin: Origin::Inferred,
            evidence: vec![evidence.into()],
            confidence: Confidence::Likely,
        }
    }

    /// Imported: declared by the import (`declared`), or inferred from its configuration.
    pub fn imported(declared: bool, evidence: impl Into<String>) -> Provenance {
        if declared {
            Provenance::catalog(evidence)
        } else {
            Provenance::inferred(evidence)
        }
    }

    pub fn is_manifest(&self) -> bool {
        self.origin == Origin::Manifest
    }

    pub fn is_inferred(&self) -> bool {
        self.origin == Origin::Inferred
    }

    /// What a conclusion drawn from all of `parts` rests on: the least trusted origin, the
    /// least confidence, and the evidence of the parts with that origin (at most five). `None`
    /// when there are no parts.
    pub fn weakest<'a>(parts: impl IntoIterator<Item = &'a Provenance>) -> Option<Provenance> {
        let parts: Vec<&Provenance> = parts.into_iter().collect();
        let origin = parts.iter().map(|p| p.origin).min_by_key(|o| o.trust())?;
        let confidence = parts.iter().map(|p| p.confidence).max()?;
        let mut evidence: Vec<String> = Vec::new();
        for e in parts
            .iter()
            .filter(|p| p.origin == origin)
            .flat_map(|p| &p.evidence)
        {
            if evidence.len() < 5 && !evidence.contains(e) {
                evidence.push(e.clone());
            }
        }
        Some(Provenance {
            origin,
            evidence,
            confidence,
        })
    }

    /// The evidence as one line, for the graph JSON's `evidence` field; `None` when there is
    /// none.
    pub fn evidence_text(&self) -> Option<String> {
        (!self.evidence.is_empty()).then(|| self.evidence.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_words_and_evidence_keep_their_old_meaning() {
        assert_eq!(Provenance::manifest().origin.as_str(), "declared");
        assert_eq!(Provenance::manifest().evidence_text(), None);
        let deployment = Provenance::catalog("Kubernetes Deployment frontend");
        assert_eq!(deployment.origin.as_str(), "declared");
        assert!(!deployment.is_manifest());
        let mut address = Provenance::inferred("CART_ADDR=cart:7070");
        assert_eq!(
            (address.origin.as_str(), address.confidence),
            ("inferred", Confidence::Likely)
        );
        address
            .evidence
            .push("allowed by NetworkPolicy cart".into());
        assert_eq!(
            address.evidence_text().as_deref(),
            Some("CART_ADDR=cart:7070; allowed by NetworkPolicy cart")
        );
    }

    #[test]
    fn a_conclusion_is_as_weak_as_its_weakest_part() {
        let manifest = Provenance::manifest();
        let deployment = Provenance::catalog("Kubernetes Deployment cart");
        let mut address = Provenance::inferred("CART_ADDR=cart:7070");
        address.confidence = Confidence::Possible;
        let both = Provenance::weakest([&manifest, &deployment, &address]).unwrap();
        assert_eq!(both.origin, Origin::Inferred);
        assert_eq!(both.confidence, Confidence::Possible);
        assert_eq!(both.evidence, vec!["CART_ADDR=cart:7070".to_owned()]);
        let declared = Provenance::weakest([&manifest, &deployment]).unwrap();
        assert_eq!(declared.origin, Origin::Catalog);
        assert_eq!(declared.confidence, Confidence::Certain);
        assert!(Provenance::weakest([]).is_none());
    }
}
