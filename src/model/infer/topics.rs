//! Subjects, topics, queues and exchanges named in settings and environment variables, on the
//! broker the service connects to, published or consumed as the configuration says:
//!
//! 1. the words of the key (`ORDERS_OUT_TOPIC`, `...bindings.orders-out-0.destination`,
//!    `spring.kafka.template.default-topic`, `spring.rabbitmq.listener...queue`);
//! 2. for a Spring Cloud Stream binding, its other settings (`group` and `consumer.*` only make
//!    sense on an input, `producer.*` only on an output);
//! 3. the service's client settings as a whole (producer settings and no consumer ones);
//! 4. the other services that name the same subject on the same broker (a subject one service
//!    publishes and another names is the other one's input).
//!
//! What none of these settles is left out of the graph and said in the summary.

use std::collections::{BTreeMap, BTreeSet};

use crate::load::manifest::BrokerKind;
use crate::source::Span;

use super::address;
use super::classify::Role;
use super::units::Units;
use super::{ITopic, Inferred};

/// Last words of a key that names a subject.
const SUBJECT_WORDS: &[&str] = &[
    "topic",
    "topics",
    "subject",
    "subjects",
    "queue",
    "queues",
    "stream",
    "channel",
    "destination",
    "exchange",
];

const PUBLISH_WORDS: &[&str] = &[
    "out",
    "output",
    "producer",
    "produce",
    "publish",
    "publisher",
    "send",
    "sender",
    "emit",
    "outbound",
    "template",
];

const CONSUME_WORDS: &[&str] = &[
    "in",
    "input",
    "consumer",
    "consume",
    "subscribe",
    "subscriber",
    "subscription",
    "listen",
    "listener",
    "receive",
    "receiver",
    "inbound",
];

/// The words of a key, lower case: split at punctuation and at camelCase humps
/// (`messageProcessor-in-0` gives `message processor in 0`).
pub fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// What the words say about direction: `Some(true)` publishes, `Some(false)` consumes.
fn direction_of(words: &[String]) -> Option<bool> {
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    match (has(PUBLISH_WORDS), has(CONSUME_WORDS)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// The broker kind a word names (`kafka`, `rabbit`, `amqp`, `nats`).
fn kind_of_word(word: &str) -> Option<BrokerKind> {
    match word {
        "kafka" | "redpanda" => Some(BrokerKind::Kafka),
        "rabbit" | "rabbitmq" | "amqp" => Some(BrokerKind::Rabbitmq),
        "nats" | "jetstream" => Some(BrokerKind::Nats),
        _ => None,
    }
}

/// Whether two broker kinds speak to the same clients.
fn same_family(a: BrokerKind, b: BrokerKind) -> bool {
    let family = |k: BrokerKind| match k {
        BrokerKind::Kafka | BrokerKind::Redpanda => 0,
        BrokerKind::Nats | BrokerKind::NatsJetstream => 1,
        BrokerKind::Rabbitmq => 2,
        _ => 3,
    };
    family(a) == family(b)
}

/// The Spring Cloud Stream binding a key belongs to: `spring.cloud.stream.bindings.X.destination`
/// and `spring.cloud.stream.kafka.bindings.X.consumer.enableDlq` both give `X`.
fn binding_of(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("spring.cloud.stream.")?;
    let (_, after) = rest.split_once("bindings.")?;
    Some(after.split('.').next().unwrap_or(after))
}

/// Finds the subjects one service names and adds them to `out.topics`, with their direction
/// when the configuration says it (`None` otherwise, settled by [`resolve`]).
pub fn add(units: &Units, service: &str, settings: &[(String, String, Span)], out: &mut Inferred) {
    let brokers: Vec<(&str, BrokerKind)> = units
        .units
        .iter()
        .filter_map(|u| match u.role {
            Role::Broker(kind) => Some((u.name.as_str(), kind)),
            _ => None,
        })
        .collect();
    if brokers.is_empty() {
        return;
    }
    let connected: Vec<(&str, BrokerKind)> = brokers
        .iter()
        .copied()
        .filter(|(b, _)| {
            settings.iter().any(|(k, v, _)| {
                address::parse(k, v).iter().any(|a| {
                    a.host == *b
                        || units
                            .hosts
                            .get(&a.host)
                            .and_then(|t| t.unit)
                            .is_some_and(|i| units.units[i].name == *b)
                })
            })
        })
        .collect();
    let lookup = |key: &str| {
        settings
            .iter()
            .find(|(k, _, _)| normal(k) == normal(key))
            .map(|(_, v, _)| v.as_str())
    };
    let default_binder = lookup("spring.cloud.stream.default-binder")
        .and_then(|v| words(v).iter().find_map(|w| kind_of_word(w)));
    let service_direction = service_direction(settings);
    for (key, value, span) in settings {
        let key_words = words(key);
        if !key_words
            .last()
            .is_some_and(|w| SUBJECT_WORDS.contains(&w.as_str()))
            || value.contains("://")
            || value.trim().is_empty()
        {
            continue;
        }
        let binding = binding_of(key);
        let mut publish = direction_of(&key_words);
        if publish.is_none() {
            publish = binding.and_then(|b| binding_direction(settings, b));
        }
        let publish = publish.or(service_direction);
        // The broker: named by the key or the binding's binder, else the only one it connects
        // to, else the only one there is.
        let binder = binding
            .and_then(|b| lookup(&format!("spring.cloud.stream.bindings.{b}.binder")))
            .and_then(|v| words(v).iter().find_map(|w| kind_of_word(w)));
        let kind = key_words
            .iter()
            .find_map(|w| kind_of_word(w))
            .or(binder)
            .or(binding.and(default_binder));
        let pick = |list: &[(&str, BrokerKind)]| -> Option<String> {
            let fitting: Vec<&str> = list
                .iter()
                .filter(|(_, k)| kind.is_none_or(|want| same_family(*k, want)))
                .map(|(n, _)| *n)
                .collect();
            match fitting.as_slice() {
                [one] => Some((*one).to_owned()),
                _ => None,
            }
        };
        let Some(broker) = pick(&connected).or_else(|| pick(&brokers)) else {
            continue;
        };
        // A subject is a name: one that holds a control character or a space is no subject.
        let subjects = value.split(',').map(str::trim).filter(|s| {
            !s.is_empty() && !s.contains(' ') && crate::escape::name_problem(s).is_none()
        });
        for subject in subjects {
            out.topics.push(ITopic {
                service: service.to_owned(),
                broker: broker.clone(),
                subject: subject.to_owned(),
                publish,
                span: *span,
                evidence: format!("{key}={subject}"),
            });
        }
    }
}

/// Spring's relaxed names: `defaultBinder`, `default-binder` and `default_binder` are one key.
fn normal(key: &str) -> String {
    key.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What a binding's other settings say: a consumer group or consumer properties make it an
/// input, producer properties an output.
fn binding_direction(settings: &[(String, String, Span)], binding: &str) -> Option<bool> {
    let mut consume = false;
    let mut publish = false;
    for (key, _, _) in settings {
        if binding_of(key) != Some(binding) {
            continue;
        }
        let Some((_, tail)) = key.split_once(&format!("bindings.{binding}.")) else {
            continue;
        };
        let first = tail.split('.').next().unwrap_or(tail);
        match normal(first).as_str() {
            "group" | "consumer" => consume = true,
            "producer" => publish = true,
            _ => {}
        }
    }
    match (publish, consume) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// What a service's client settings say as a whole: producer settings only
/// (`spring.kafka.producer.*`, `KAFKA_PRODUCER_ACKS`, a RabbitMQ template) make it a publisher,
/// consumer settings only (`spring.kafka.consumer.group-id`, `KAFKA_GROUP_ID`, a listener) a
/// consumer.
fn service_direction(settings: &[(String, String, Span)]) -> Option<bool> {
    let mut publish = false;
    let mut consume = false;
    for (key, _, _) in settings {
        let w = words(key);
        if w.iter().any(|w| SUBJECT_WORDS.contains(&w.as_str())) || binding_of(key).is_some() {
            continue;
        }
        let broker_setting = w.iter().any(|w| kind_of_word(w).is_some());
        if !broker_setting {
            continue;
        }
        let has = |a: &str| w.iter().any(|x| x == a);
        if has("producer") || has("template") || has("publisher") {
            publish = true;
        }
        if has("consumer") || has("listener") || (has("group") && has("id")) || has("subscriber") {
            consume = true;
        }
    }
    match (publish, consume) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// Settles the direction of the subjects no setting gave one: a subject that others publish on
/// the same broker is consumed (one producer and many consumers is the common shape), one that
/// others only consume is published. The rest are left out
/// and counted in a note.
pub fn resolve(out: &mut Inferred) {
    let mut sides: BTreeMap<(String, String), BTreeSet<(String, bool)>> = BTreeMap::new();
    for t in &out.topics {
        if let Some(p) = t.publish {
            sides
                .entry((t.broker.clone(), t.subject.clone()))
                .or_default()
                .insert((t.service.clone(), p));
        }
    }
    let mut unknown = BTreeSet::new();
    for t in out.topics.iter_mut().filter(|t| t.publish.is_none()) {
        let others: Vec<bool> = sides
            .get(&(t.broker.clone(), t.subject.clone()))
            .into_iter()
            .flatten()
            .filter(|(s, _)| *s != t.service)
            .map(|(_, p)| *p)
            .collect();
        let published = others.iter().any(|p| *p);
        let consumed = others.iter().any(|p| !*p);
        t.publish = match (published, consumed) {
            (true, _) => Some(false),
            (false, true) => Some(true),
            (false, false) => None,
        };
        if t.publish.is_some() {
            t.evidence.push_str(" (direction from the other side)");
        } else {
            unknown.insert(format!("{} `{}`", t.service, t.subject));
        }
    }
    out.topics.retain(|t| t.publish.is_some());
    if !unknown.is_empty() {
        let list: Vec<String> = unknown.into_iter().collect();
        out.notes.push(format!(
            "{} subject{} named without saying whether {} sent or received, left out of the graph: {}",
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            if list.len() == 1 { "it is" } else { "they are" },
            list.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_punctuation_and_humps() {
        assert_eq!(
            words("spring.cloud.stream.bindings.messageProcessor-in-0.destination"),
            [
                "spring",
                "cloud",
                "stream",
                "bindings",
                "message",
                "processor",
                "in",
                "0",
                "destination"
            ]
        );
        assert_eq!(words("ORDERS_OUT_TOPIC"), ["orders", "out", "topic"]);
        assert_eq!(words("defaultTopic"), ["default", "topic"]);
    }

    #[test]
    fn binding_names_give_direction() {
        let d = |k: &str| direction_of(&words(k));
        assert_eq!(
            d("spring.cloud.stream.bindings.products-out-0.destination"),
            Some(true)
        );
        assert_eq!(
            d("spring.cloud.stream.bindings.input.destination"),
            Some(false)
        );
        assert_eq!(d("spring.kafka.template.default-topic"), Some(true));
        assert_eq!(d("app.orders.topic"), None);
    }

    #[test]
    fn a_binding_with_a_group_is_an_input() {
        let s = |k: &str, v: &str| {
            (
                k.to_owned(),
                v.to_owned(),
                Span::file_start(crate::source::SourceId(0)),
            )
        };
        let settings = [
            s("spring.cloud.stream.bindings.orders.destination", "orders"),
            s("spring.cloud.stream.bindings.orders.group", "billing"),
            s("spring.cloud.stream.bindings.audit.destination", "audit"),
            s(
                "spring.cloud.stream.kafka.bindings.audit.producer.sync",
                "true",
            ),
        ];
        assert_eq!(binding_direction(&settings, "orders"), Some(false));
        assert_eq!(binding_direction(&settings, "audit"), Some(true));
    }

    #[test]
    fn client_settings_give_a_service_its_side() {
        let s = |k: &str| {
            (
                k.to_owned(),
                "x".to_owned(),
                Span::file_start(crate::source::SourceId(0)),
            )
        };
        assert_eq!(
            service_direction(&[s("spring.kafka.consumer.group-id")]),
            Some(false)
        );
        assert_eq!(service_direction(&[s("KAFKA_GROUP_ID")]), Some(false));
        assert_eq!(
            service_direction(&[s("spring.kafka.producer.acks")]),
            Some(true)
        );
        assert_eq!(
            service_direction(&[
                s("spring.kafka.producer.acks"),
                s("spring.kafka.consumer.group-id")
            ]),
            None
        );
    }
}
