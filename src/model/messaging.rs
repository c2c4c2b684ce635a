//! Resolving publications and subscriptions: which broker, which channel, and what the owning
//! service's AsyncAPI document adds (operations, `reply`).

use crate::diagnostics::catalog::{UNKNOWN_OPERATION, UNKNOWN_SERVICE};
use crate::diagnostics::{Finding, Item};
use crate::load::ManifestInput;
use crate::load::asyncapi::{Action, AsyncApiDoc};
use crate::load::manifest;
use crate::source::{SourceId, Span};
use crate::suggest;
use crate::yaml::located::Located;

use super::resolve::Resolver;
use super::{
    BrokerId, Channel, ChannelId, DeadLetter, Outbox, Protocol, Provenance, Publication,
    ReplyOrigin, ServiceId, Subscription, subject,
};

impl Resolver<'_> {
    /// Links AsyncAPI documents that name their owner (`x-service`) to that service.
    pub(super) fn adopt_owned_asyncapi(&mut self) {
        for (index, doc) in self.model.asyncapi.iter().enumerate() {
            let Some((owner, span)) = &doc.owner else {
                continue;
            };
            match self.model.service_named(owner) {
                Some(id) => {
                    let contracts = &mut self.model.services[id.index()].contracts;
                    if !contracts.asyncapi.contains(&index) {
                        contracts.asyncapi.push(index);
                    }
                }
                None => {
                    let names: Vec<&str> = self
                        .model
                        .services
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect();
                    let help = suggest::did_you_mean(owner, names.iter().copied())
                        .unwrap_or_else(|| "name a declared service in `x-service`".into());
                    self.findings.push(
                        Finding::new(
                            UNKNOWN_SERVICE,
                            format!("AsyncAPI document is owned by unknown service `{owner}`"),
                        )
                        .at(*span)
                        .about(Item::File(span.source))
                        .about(Item::Name(owner.clone()))
                        .label("not declared")
                        .help(help),
                    );
                }
            }
        }
    }

    pub(super) fn resolve_messaging(&mut self, service: ServiceId, input: &ManifestInput) {
        let source = input.source;
        let name = self.model.name(service).to_owned();
        let docs: Vec<usize> = self.model.services[service.index()]
            .contracts
            .asyncapi
            .clone();
        for publish in &input.manifest.publishes {
            let Some(broker) = self.broker_ref(
                &name,
                publish.broker.as_ref(),
                (publish.span(source), &publish.subject.value),
                source,
                None,
            ) else {
                continue;
            };
            self.check_against_docs(&name, &docs, &publish.subject, source, "publishes");
            let channel = self.channel(broker, &publish.subject.value);
            let value =
                |v: &Option<Located<f64>>| v.as_ref().map(|v| v.value).filter(|v| *v >= 0.0);
            let outbox = self.outbox(&name, publish.outbox.as_ref(), source);
            self.model.publications.push(Publication {
                service,
                channel,
                awaits_reply: publish.awaits_reply.as_ref().is_some_and(|a| a.value),
                reply_origin: publish
                    .awaits_reply
                    .as_ref()
                    .filter(|a| a.value)
                    .map(|_| ReplyOrigin::Manifest),
                reply_subject: publish.reply_subject.as_ref().map(|r| r.value.clone()),
                timeout_ms: value(&publish.timeout_ms),
                rate: value(&publish.rate),
                payload_bytes: value(&publish.payload_bytes),
                retention_hours: value(&publish.retention_hours),
                outbox,
                span: publish.span(source),
                provenance: Provenance::manifest(),
            });
        }
        for sub in &input.manifest.subscribes {
            let Some(broker) = self.broker_ref(
                &name,
                sub.broker.as_ref(),
                (sub.span(source), &sub.subject.value),
                source,
                None,
            ) else {
                continue;
            };
            self.check_against_docs(&name, &docs, &sub.subject, source, "subscribes to");
            let channel = self.channel(broker, &sub.subject.value);
            self.model.subscriptions.push(Subscription {
                service,
                channel,
                delivery: sub.delivery.as_ref().map(|d| d.value),
                idempotent: sub.idempotent.as_ref().map(|i| i.value),
                group: sub.group.as_ref().map(|g| g.value.clone()),
                replies: sub.replies.as_ref().is_some_and(|r| r.value),
                dlq: sub.dlq.as_ref().map(|d| DeadLetter {
                    subject: d.subject.value.clone(),
                    redrive: d.redrive.as_ref().map(|r| r.value),
                    max_deliveries: d.max_deliveries.as_ref().map(|m| m.value),
                    span: d.span(source),
                }),
                span: sub.span(source),
                provenance: Provenance::manifest(),
            });
        }
        for index in docs {
            self.add_doc_operations(service, index);
        }
    }

    /// Adds what an owned AsyncAPI document declares and the manifest does not.
    fn add_doc_operations(&mut self, service: ServiceId, index: usize) {
        let doc: AsyncApiDoc = self.model.asyncapi[index].clone();
        let name = self.model.name(service).to_owned();
        let protocol = doc
            .servers
            .iter()
            .map(|s| s.protocol.clone())
            .find(|p| !p.is_empty());
        for op in &doc.operations {
            let Some(broker) = self.broker_ref(
                &name,
                None,
                (op.span, &op.channel),
                doc.source,
                protocol.as_deref(),
            ) else {
                return;
            };
            let channel = self.channel(broker, &op.channel);
            match op.action {
                Action::Send => {
                    let existing = self
                        .model
                        .publications
                        .iter_mut()
                        .find(|p| p.service == service && p.channel == channel);
                    if let Some(p) = existing {
                        if let Some(reply) = &op.reply {
                            p.awaits_reply = true;
                            p.reply_origin.get_or_insert(ReplyOrigin::AsyncApi);
                            p.reply_subject =
                                p.reply_subject.take().or_else(|| reply.channel.clone());
                        }
                        continue;
                    }
                    self.model.publications.push(Publication {
                        service,
                        channel,
                        awaits_reply: op.reply.is_some(),
                        reply_origin: op.reply.as_ref().map(|_| ReplyOrigin::AsyncApi),
                        reply_subject: op.reply.as_ref().and_then(|r| r.channel.clone()),
                        timeout_ms: None,
                        rate: None,
                        payload_bytes: None,
                        retention_hours: None,
                        outbox: None,
                        span: op.span,
                        provenance: Provenance::manifest(),
                    });
                }
                Action::Receive => {
                    let existing = self
                        .model
                        .subscriptions
                        .iter_mut()
                        .find(|s| s.service == service && s.channel == channel);
                    if let Some(s) = existing {
                        s.replies |= op.reply.is_some();
                        continue;
                    }
                    self.model.subscriptions.push(Subscription {
                        service,
                        channel,
                        delivery: None,
                        idempotent: None,
                        group: None,
                        replies: op.reply.is_some(),
                        dlq: None,
                        span: op.span,
                        provenance: Provenance::manifest(),
                    });
                }
            }
        }
    }

    /// CA003 when a service with an AsyncAPI document uses a subject the document lacks.
    fn check_against_docs(
        &mut self,
        service: &str,
        docs: &[usize],
        subject_name: &Located<String>,
        source: SourceId,
        verb: &str,
    ) {
        if docs.is_empty() {
            return;
        }
        let channels: Vec<String> = docs
            .iter()
            .flat_map(|&i| {
                self.model.asyncapi[i]
                    .channels
                    .iter()
                    .map(|c| c.address.clone())
            })
            .collect();
        if channels
            .iter()
            .any(|c| subject::overlaps(c, &subject_name.value))
        {
            return;
        }
        let help = match suggest::closest(&subject_name.value, channels.iter().map(String::as_str))
        {
            Some(s) => format!(
                "did you mean `{s}`? otherwise add the channel to the service's AsyncAPI document"
            ),
            None => "add the channel to the service's AsyncAPI document, or fix the subject".into(),
        };
        let caller = self.service_item(service);
        self.findings.push(
            Finding::new(
                UNKNOWN_OPERATION,
                format!(
                    "`{service}` {verb} `{}`, which its AsyncAPI document does not declare",
                    subject_name.value
                ),
            )
            .at(subject_name.span(source))
            .about(caller)
            .about(Item::Key(verb.to_owned()))
            .about(Item::Name(subject_name.value.clone()))
            .label("not in the AsyncAPI document")
            .service(service)
            .operation(subject_name.value.clone())
            .help(help),
        );
    }

    /// The broker a publication or subscription uses: the one named, or the only one declared
    /// (of the AsyncAPI server's protocol, when there is one).
    fn broker_ref(
        &mut self,
        service: &str,
        written: Option<&Located<String>>,
        (fallback, subject): (Span, &str),
        source: SourceId,
        protocol: Option<&str>,
    ) -> Option<BrokerId> {
        if let Some(name) = written {
            if let Some(&id) = self.broker_names.get(&name.value) {
                return Some(id);
            }
            let known: Vec<String> = self.broker_names.keys().cloned().collect();
            self.unknown_declaration(service, "broker", name, source, &known);
            return None;
        }
        let matching: Vec<BrokerId> = self
            .model
            .brokers
            .iter()
            .enumerate()
            .filter(|(_, b)| protocol.is_none_or(|p| Protocol::of_broker(b.kind).as_str() == p))
            .map(|(i, _)| BrokerId(i as u32))
            .collect();
        if let [only] = matching.as_slice() {
            return Some(*only);
        }
        if self.model.brokers.len() == 1 {
            return Some(BrokerId(0));
        }
        let caller = self.service_item(service);
        let message = if self.model.brokers.is_empty() {
            format!("`{service}` sends or receives messages, but no broker is declared")
        } else {
            format!(
                "`{service}` does not say which of the {} declared brokers it uses",
                self.model.brokers.len()
            )
        };
        self.findings.push(
            Finding::new(UNKNOWN_SERVICE, message)
                .at(fallback)
                .about(caller)
                .about(Item::Key(format!("broker for {subject}")))
                .service(service)
                .help("declare the broker under `brokers:` in commaudit.yaml and name it with `broker:`"),
        );
        None
    }

    /// A publication's `outbox:`; a datastore it names must be declared (CA002 otherwise, and
    /// the outbox is kept, unnamed).
    fn outbox(
        &mut self,
        service: &str,
        written: Option<&Located<manifest::Outbox>>,
        source: SourceId,
    ) -> Option<Outbox> {
        let written = written?;
        match &written.value {
            manifest::Outbox::Enabled(false) => None,
            manifest::Outbox::Enabled(true) => Some(Outbox::Unnamed),
            manifest::Outbox::In(name) => match self.datastore_names.get(name) {
                Some(&d) => Some(Outbox::In(d)),
                None => {
                    let known: Vec<String> = self.datastore_names.keys().cloned().collect();
                    let name = Located {
                        value: name.clone(),
                        pos: written.pos,
                    };
                    self.unknown_declaration(service, "datastore", &name, source, &known);
                    Some(Outbox::Unnamed)
                }
            },
        }
    }

    pub(super) fn channel(&mut self, broker: BrokerId, subject_name: &str) -> ChannelId {
        let key = (broker, subject_name.to_owned());
        if let Some(&id) = self.channel_index.get(&key) {
            return id;
        }
        let id = ChannelId(self.model.channels.len() as u32);
        self.model.channels.push(Channel {
            broker,
            subject: subject_name.to_owned(),
        });
        self.channel_index.insert(key, id);
        id
    }
}
