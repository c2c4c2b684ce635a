//! Where each model item came from and how sure that makes it: one explicit type, so no code
//! has to guess "from a manifest" from a missing piece of evidence.

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
    /// Observed in telemetry. Reserved: nothing records it yet.
    Observed,
}

impl Origin {
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
}
