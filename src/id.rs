//! Leaf module, identity: the newtypes that name the resolved model's items (indexes into its
//! tables). They live here, not in `model/`, so that a finding (a leaf) can say which items it
//! is about; `model` re-exports them.

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

id_type!(
    /// A service, gateway, client or external system.
    ServiceId,
    /// A synchronous call between two services.
    CallId,
    BrokerId,
    /// A subject, topic or queue on a broker.
    ChannelId,
    DatastoreId,
    /// A service publishing to a channel.
    PublicationId,
    /// A service subscribing to a channel.
    SubscriptionId
);
