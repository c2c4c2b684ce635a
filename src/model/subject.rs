//! Subject and topic matching: NATS wildcards (`*` one token, `>` the rest) and AsyncAPI
//! parameters (`orders.{id}.status`), on either side.

/// Whether a message published on `a` can reach a subscription on `b` (or the other way round:
/// the relation is symmetric, so either side may hold wildcards or parameters).
pub fn overlaps(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (mut left, mut right) = (a.split('.'), b.split('.'));
    loop {
        match (left.next(), right.next()) {
            (None, None) => return true,
            (Some(">"), Some(_)) | (Some(_), Some(">")) => return true,
            (Some(x), Some(y)) if x == y || is_any(x) || is_any(y) => {}
            _ => return false,
        }
    }
}

/// A token that stands for any one token.
fn is_any(token: &str) -> bool {
    token == "*" || (token.starts_with('{') && token.ends_with('}'))
}

/// NATS request/reply inboxes: a publisher listening on one waits for an answer.
pub fn is_inbox(subject: &str) -> bool {
    subject == "_INBOX" || subject.starts_with("_INBOX.")
}

/// Whether the subject holds a wildcard or a parameter.
pub fn is_pattern(subject: &str) -> bool {
    subject.split('.').any(|t| t == ">" || is_any(t))
}

/// Channels by broker, for finding which channels overlap a subject without comparing every
/// pair: exact subjects are looked up, only wildcard subjects are scanned.
#[derive(Debug, Default)]
pub struct SubjectIndex {
    brokers: std::collections::BTreeMap<super::BrokerId, Bucket>,
}

#[derive(Debug, Default)]
struct Bucket {
    exact: std::collections::HashMap<String, Vec<super::ChannelId>>,
    patterns: Vec<(String, super::ChannelId)>,
}

impl SubjectIndex {
    pub fn new<'a>(
        channels: impl IntoIterator<Item = (super::BrokerId, &'a str, super::ChannelId)>,
    ) -> Self {
        let mut index = SubjectIndex::default();
        for (broker, subject, id) in channels {
            let bucket = index.brokers.entry(broker).or_default();
            if is_pattern(subject) {
                bucket.patterns.push((subject.to_owned(), id));
            } else {
                bucket.exact.entry(subject.to_owned()).or_default().push(id);
            }
        }
        index
    }

    /// Channels on `broker` whose subject overlaps `subject`, sorted and without repeats.
    pub fn overlapping(&self, broker: super::BrokerId, subject: &str) -> Vec<super::ChannelId> {
        let Some(bucket) = self.brokers.get(&broker) else {
            return Vec::new();
        };
        let mut found: Vec<super::ChannelId> = if is_pattern(subject) {
            bucket
                .exact
                .iter()
                .filter(|(s, _)| overlaps(s, subject))
                .flat_map(|(_, ids)| ids.iter().copied())
                .collect()
        } else {
            bucket.exact.get(subject).cloned().unwrap_or_default()
        };
        found.extend(
            bucket
                .patterns
                .iter()
                .filter(|(s, _)| overlaps(s, subject))
                .map(|(_, id)| *id),
        );
        found.sort();
        found.dedup();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nats_wildcards() {
        assert!(overlaps("orders.completed", "orders.*"));
        assert!(overlaps("orders.eu.completed", "orders.>"));
        assert!(!overlaps("orders", "orders.>"));
        assert!(!overlaps("orders.eu.completed", "orders.*"));
        assert!(overlaps("a.b", "a.b"));
        assert!(!overlaps("a.b", "a.c"));
    }

    #[test]
    fn asyncapi_parameters() {
        assert!(overlaps("orders.{orderId}.status", "orders.42.status"));
        assert!(overlaps("orders.*.status", "orders.{id}.status"));
        assert!(!overlaps("orders.{orderId}.status", "orders.42.total"));
    }

    #[test]
    fn the_index_finds_exact_and_wildcard_overlaps() {
        use super::super::{BrokerId, ChannelId};
        let b = BrokerId(0);
        let index = SubjectIndex::new([
            (b, "orders.completed", ChannelId(0)),
            (b, "orders.*", ChannelId(1)),
            (BrokerId(1), "orders.completed", ChannelId(2)),
            (b, "payments.settled", ChannelId(3)),
        ]);
        assert_eq!(
            index.overlapping(b, "orders.completed"),
            vec![ChannelId(0), ChannelId(1)]
        );
        assert_eq!(
            index.overlapping(b, "orders.>"),
            vec![ChannelId(0), ChannelId(1)]
        );
        assert!(index.overlapping(b, "shipping.done").is_empty());
    }

    #[test]
    fn inboxes() {
        assert!(is_inbox("_INBOX.abc"));
        assert!(!is_inbox("inbox.abc"));
        assert!(is_pattern("a.*") && is_pattern("a.{x}") && !is_pattern("a.b"));
    }
}
