//! What a finding is about, typed: the model items it concerns, by ID, or the file, name or key
//! it concerns when it is about no model item. The CI gate derives a finding's fingerprint from
//! its subject, so a finding keeps its identity however its message is worded, and one finding
//! never borrows another's.

use crate::id::{
    BrokerId, CallId, ChannelId, DatastoreId, PublicationId, ServiceId, SubscriptionId,
};
use crate::source::SourceId;

/// One thing a finding concerns.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Item {
    Service(ServiceId),
    Call(CallId),
    Publication(PublicationId),
    Subscription(SubscriptionId),
    Channel(ChannelId),
    Broker(BrokerId),
    Datastore(DatastoreId),
    /// A file, for problems with the file itself or found before there is a model.
    File(SourceId),
    /// A name as written that resolves to no model item: an unknown service, an unset
    /// variable, an operation a contract lacks.
    Name(String),
    /// A key that tells apart findings about the same items: a setting's name, a path, the
    /// kind of problem.
    Key(String),
}

/// The items a finding is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// Nothing yet; every finding a rule emits must say what it is about (a test checks).
    #[default]
    Unset,
    /// Items that together identify the finding, most important first.
    Items(Vec<Item>),
    /// One cause shared by many members (every gRPC server behind plain L4 Services; one unset
    /// variable used in many places). The cause identifies the finding, so a member that joins
    /// or leaves does not make it a new finding.
    Group {
        cause: Vec<Item>,
        members: Vec<Item>,
    },
}

impl Subject {
    /// A group: `cause` identifies it, `members` are where it shows.
    pub fn group(cause: Vec<Item>, members: Vec<Item>) -> Subject {
        Subject::Group { cause, members }
    }

    /// The items that identify the finding: all of them, or a group's cause.
    pub fn identity(&self) -> &[Item] {
        match self {
            Subject::Unset => &[],
            Subject::Items(items) => items,
            Subject::Group { cause, .. } => cause,
        }
    }

    /// Every item the finding concerns, identity first.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        let members: &[Item] = match self {
            Subject::Group { members, .. } => members,
            _ => &[],
        };
        self.identity().iter().chain(members)
    }

    pub fn is_set(&self) -> bool {
        !self.identity().is_empty()
    }

    /// Adds an item to the identity (a group's cause).
    pub(super) fn push(&mut self, item: Item) {
        match self {
            Subject::Unset => *self = Subject::Items(vec![item]),
            Subject::Items(items) | Subject::Group { cause: items, .. } => items.push(item),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_identified_by_its_cause() {
        let cause = vec![Item::Key("l4-balancer".into())];
        let two = Subject::group(
            cause.clone(),
            vec![Item::Service(ServiceId(1)), Item::Service(ServiceId(2))],
        );
        let three = Subject::group(
            cause.clone(),
            vec![
                Item::Service(ServiceId(1)),
                Item::Service(ServiceId(2)),
                Item::Service(ServiceId(3)),
            ],
        );
        assert_eq!(two.identity(), three.identity());
        assert_eq!(three.items().count(), 4);
        let mut items = Subject::Unset;
        assert!(!items.is_set());
        items.push(Item::Service(ServiceId(0)));
        items.push(Item::Call(CallId(4)));
        assert_eq!(items.identity().len(), 2);
    }
}
