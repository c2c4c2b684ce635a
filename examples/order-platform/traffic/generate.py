#!/usr/bin/env python3
"""Emits observed traffic for commaudit's examples and tests with the real OpenTelemetry SDK.

Each scenario below plays requests through the services it names: every service has its own
TracerProvider (its own `service.name` resource), a call is a CLIENT span in the caller with a
SERVER span under it in the callee, a message is a PRODUCER span with CONSUMER spans under it.
Times and ids are fixed (a seeded id generator, explicit start and end times), so the output is
the same on every run. The spans are serialised with the SDK's own OTLP encoder
(`opentelemetry.exporter.otlp.proto.common.trace_encoder.encode_spans`) and written in the OTLP
JSON encoding (protobuf JSON, hex trace and span ids, integer enums), as a collector's file
exporter writes them.

    python3 -m venv /tmp/otel && /tmp/otel/bin/pip install opentelemetry-sdk \
        opentelemetry-exporter-otlp-proto-common
    /tmp/otel/bin/python examples/order-platform/traffic/generate.py

Tests read the committed output; they never run Python.
"""

import json
import os
import random
import sys

from google.protobuf.json_format import MessageToDict
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import SpanKind, Status, StatusCode

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(ROOT, "..", "..", ".."))
START = 1_764_928_800_000_000_000  # 2025-12-05 10:00:00 UTC, in nanoseconds
MS = 1_000_000


class SeededIds(IdGenerator):
    def __init__(self, rng):
        self.rng = rng

    def generate_span_id(self):
        return self.rng.getrandbits(64) or 1

    def generate_trace_id(self):
        return self.rng.getrandbits(128) or 1


class Traffic:
    """Services with their tracers, and the spans they finished."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.ids = SeededIds(self.rng)
        self.exporter = InMemorySpanExporter()
        self.tracers = {}

    def tracer(self, service):
        if service not in self.tracers:
            provider = TracerProvider(
                # Not Resource.create: it adds a random service.instance.id.
                resource=Resource(
                    {"service.name": service, "k8s.deployment.name": service,
                     "telemetry.sdk.name": "opentelemetry", "telemetry.sdk.language": "python"}
                ),
                id_generator=self.ids,
            )
            provider.add_span_processor(SimpleSpanProcessor(self.exporter))
            self.tracers[service] = provider.get_tracer("commaudit-example", "1.0.0")
        return self.tracers[service]

    def serve(self, service, name, start, duration, parent=None, attributes=None):
        """A SERVER span of `service`, under `parent` (a client span) or as a root."""
        context = trace.set_span_in_context(parent) if parent else None
        span = self.tracer(service).start_span(
            name, context=context, kind=SpanKind.SERVER, start_time=start,
            attributes=attributes or {},
        )
        return Open(span, start + duration)

    def call(self, caller, callee, name, start, duration, protocol="http", server=True,
             error=False, within=None):
        """A CLIENT span of `caller.service` under `caller`, and the callee's SERVER span."""
        attributes = {"server.address": f"{callee}.shop.svc.cluster.local", "server.port": 8080}
        if protocol == "grpc":
            attributes.update({"rpc.system": "grpc", "rpc.service": name.split("/")[0],
                               "rpc.method": name.split("/")[-1]})
        else:
            method, _, route = name.partition(" ")
            attributes.update({"http.request.method": method, "url.path": route})
        context = trace.set_span_in_context(caller.span)
        client = self.tracer(caller.service).start_span(
            name, context=context, kind=SpanKind.CLIENT, start_time=start, attributes=attributes,
        )
        end = start + duration
        if server:
            served = self.serve(callee, name, start + MS // 2, duration - MS, parent=client)
            if error:
                served.span.set_status(Status(StatusCode.ERROR))
            (within or (lambda s: None))(served)
            served.end()
        if error:
            client.set_status(Status(StatusCode.ERROR))
        client.end(end_time=end)
        return end

    def publish(self, producer, subject, start, consumers, system="nats"):
        """A PRODUCER span under `producer`, and a CONSUMER span per (service, delay, duration)."""
        attributes = {"messaging.system": system, "messaging.destination.name": subject,
                      "messaging.operation.type": "publish"}
        span = self.tracer(producer.service).start_span(
            f"publish {subject}", context=trace.set_span_in_context(producer.span),
            kind=SpanKind.PRODUCER, start_time=start, attributes=attributes,
        )
        span.end(end_time=start + MS)
        ends = []
        for service, delay, duration in consumers:
            consumer = self.tracer(service).start_span(
                f"process {subject}", context=trace.set_span_in_context(span),
                kind=SpanKind.CONSUMER, start_time=start + delay,
                attributes={"messaging.system": system, "messaging.destination.name": subject,
                            "messaging.operation.type": "process"},
            )
            consumer.end(end_time=start + delay + duration)
            ends.append(start + delay + duration)
        return max(ends, default=start + MS)

    def write(self, path):
        request = encode_spans(self.exporter.get_finished_spans())
        doc = MessageToDict(request, use_integers_for_enums=True)
        for resource_spans in doc.get("resourceSpans", []):
            for scope in resource_spans.get("scopeSpans", []):
                for span in scope.get("spans", []):
                    for key in ("traceId", "spanId", "parentSpanId"):
                        if key in span:
                            span[key] = hex_id(span[key])
                    for link in span.get("links", []):
                        for key in ("traceId", "spanId"):
                            link[key] = hex_id(link[key])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            json.dump(doc, out, indent=1, sort_keys=True)
            out.write("\n")
        print(f"wrote {os.path.relpath(path, REPO)}: {len(self.exporter.get_finished_spans())} spans")


class Open:
    """A span still open, with the time it will end."""

    def __init__(self, span, end):
        self.span = span
        self.end_time = end
        self.service = span.resource.attributes["service.name"]

    def end(self):
        self.span.end(end_time=self.end_time)


def hex_id(b64):
    """Protobuf JSON writes bytes as base64; OTLP JSON writes ids as hex."""
    import base64
    return base64.b64decode(b64).hex()


def ms(rng, low, high):
    return int(rng.uniform(low, high) * MS)


def order_platform_before(path):
    """The reference platform before its migration, as it ran for 24 seconds. Planted drift:
    storefront calls pricing (undeclared); checkout never calls invoicing (declared); checkout
    waits for notifications (declared needs_response: false); payments reaches orders over gRPC
    (declared REST); inventory answers pricing slower than pricing's 200 ms timeout."""
    t = Traffic(seed=16)
    rng = t.rng
    requests = 96
    for i in range(requests):
        at = START + i * 250 * MS + ms(rng, 0, 200)
        kind = i % 12
        if kind < 8:  # product pages: stock, prices, maybe an order
            root = t.serve("storefront", "GET /products/{sku}", at, 0)
            cursor = at + 2 * MS
            cursor = t.call(root, "inventory", "GET /inventory/{sku}", cursor, ms(rng, 8, 40))
            cursor = t.call(root, "pricing", "GET /prices/{sku}", cursor, ms(rng, 5, 30))
            if kind % 2 == 0:
                cursor = t.call(root, "orders", "GET /orders/{orderId}", cursor, ms(rng, 20, 80))
            root.end_time = cursor + 3 * MS
            root.end()
        elif kind < 10:  # checkout through the web shop
            root = t.serve("storefront", "POST /checkout", at, 0)

            def checkout(served):
                c = served.span.start_time + 2 * MS

                def priced(pricing):
                    slow = rng.random() < 0.2
                    t.call(pricing, "inventory", "GET /inventory/{sku}",
                           pricing.span.start_time + MS,
                           ms(rng, 210, 290) if slow else ms(rng, 20, 60))
                c = t.call(served, "pricing", "POST /quotes", c, 300 * MS, within=priced)
                c = t.call(served, "inventory", "POST /reservations", c, ms(rng, 20, 60))

                def paid(payments):
                    t.call(payments, "orders", "orders.v1.OrderService/MarkPaid",
                           payments.span.start_time + 40 * MS, ms(rng, 10, 30), protocol="grpc")
                c = t.call(served, "payments", "POST /payments", c, ms(rng, 150, 400), within=paid)

                def placed(orders):
                    o = orders.span.start_time + MS
                    o = t.call(orders, "pricing", "GET /prices/{sku}", o, ms(rng, 5, 30))
                    o = t.publish(orders, "fraud.check", o, [("fraud", 2 * MS, ms(rng, 40, 90))])
                    o = t.call(orders, "payments", "GET /payments/{id}", o, ms(rng, 20, 50))
                    t.publish(orders, "orders.completed", o, [("analytics", 30 * MS, 5 * MS)])
                    # The index is updated without waiting: the request ends first.
                    t.call(orders, "search-indexer", "PUT /index/orders/{id}", o + MS, 200 * MS)
                    orders.end_time = o + 5 * MS
                c = t.call(served, "orders", "POST /orders", c, 250 * MS, within=placed)
                c = t.call(served, "notifications", "POST /emails", c, ms(rng, 80, 160))
                served.end_time = c + 2 * MS
            end = t.call(root, "checkout", "POST /checkouts", at + 2 * MS, 1400 * MS,
                         within=checkout)
            root.end_time = end + 3 * MS
            root.end()
        else:  # the mobile API and the partner API
            root = t.serve("mobile-api", "GET /v1/orders/{id}", at, 0)
            c = t.call(root, "orders", "GET /orders/{orderId}", at + MS, ms(rng, 20, 80))
            c = t.call(root, "inventory", "GET /inventory/{sku}", c, ms(rng, 8, 40))
            if kind == 10:
                c = t.call(root, "checkout", "POST /checkouts", c, ms(rng, 100, 200),
                           server=False)
            root.end_time = c + 2 * MS
            root.end()
            partner = t.serve("partner-api", "GetOrder", at + 100 * MS, 0)
            p = t.call(partner, "orders", "orders.v1.OrderService/GetOrder", at + 101 * MS,
                       ms(rng, 20, 60), protocol="grpc")
            p = t.call(partner, "inventory", "GET /inventory/{sku}", p, ms(rng, 8, 40))
            partner.end_time = p + MS
            partner.end()
    t.write(path)


def single_pair(path):
    """One storefront -> pricing call and nothing else."""
    t = Traffic(seed=1)
    root = t.serve("storefront", "GET /products/{sku}", START, 0)
    root.end_time = t.call(root, "pricing", "GET /prices/{sku}", START + MS, 20 * MS) + MS
    root.end()
    t.write(path)


def rule_case(path, calls, messages=(), repeat=20):
    """`repeat` requests of one caller making `calls` in turn: (caller, callee, name, ms,
    protocol, waited). A call not waited for ends after its caller's request."""
    t = Traffic(seed=5)
    for i in range(repeat):
        at = START + i * 1000 * MS
        roots = {}
        cursor = at + MS
        for caller, callee, name, duration, protocol, waited in calls:
            if caller not in roots:
                roots[caller] = t.serve(caller, "handle", at, 0)
            end = t.call(roots[caller], callee, name, cursor, duration * MS, protocol=protocol)
            if waited:
                cursor = end
        for caller, subject, consumer, waited in messages:
            if caller not in roots:
                roots[caller] = t.serve(caller, "handle", at, 0)
            end = t.publish(roots[caller], subject, cursor, [(consumer, 2 * MS, 50 * MS)])
            if waited:
                cursor = end
        for root in roots.values():
            root.end_time = cursor + MS
            root.end()
    t.write(path)


def main():
    order_platform_before(os.path.join(ROOT, "before.otlp.json"))
    single_pair(os.path.join(REPO, "tests/fixtures/observed/storefront-pricing.otlp.json"))
    rules = os.path.join(REPO, "tests/fixtures/rules")
    cases = {
        "CA501/fires-call-nobody-declared": [("web", "prices", "GET /prices", 10, "http", True),
                                             ("web", "stock", "GET /stock", 10, "http", True)],
        "CA501/quiet-declared-call": [("web", "stock", "GET /stock", 10, "http", True)],
        "CA502/fires-declared-call-never-made": [("web", "stock", "GET /stock", 10, "http", True)],
        "CA502/quiet-caller-not-traced": [("stock", "prices", "GET /prices", 10, "http", True)],
        "CA503/fires-caller-waits-for-side-effect": [
            ("web", "email", "POST /emails", 80, "http", True)],
        "CA503/quiet-side-effect-not-awaited": [
            ("web", "email", "POST /emails", 80, "http", False)],
        "CA504/fires-rest-declared-grpc-observed": [
            ("web", "stock", "stock.v1.Stock/Get", 10, "grpc", True)],
        "CA504/quiet-same-protocol": [("web", "stock", "GET /stock", 10, "http", True)],
        "CA505/fires-p99-above-timeout": [("web", "stock", "GET /stock", 250, "http", True)],
        "CA505/quiet-p99-within-timeout": [("web", "stock", "GET /stock", 150, "http", True)],
    }
    for case, calls in cases.items():
        rule_case(os.path.join(rules, case, "traffic.otlp.json"), calls)
    # One message case, read against different declarations: the same traffic file in each.
    for case in ["CA503/fires-publisher-waits-for-consumer", "CA501/fires-message-nobody-declared",
                 "CA501/quiet-declared-messages", "CA502/fires-declared-topic-never-seen",
                 "CA502/quiet-publisher-not-traced"]:
        rule_case(os.path.join(rules, case, "traffic.otlp.json"),
                  [], messages=[("orders", "orders.placed", "billing", True)])


if __name__ == "__main__":
    sys.exit(main())
