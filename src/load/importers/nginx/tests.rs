use super::*;

fn read(text: &str) -> Declarations {
    let mut out = Declarations::default();
    Nginx.read_file(
        FileInput {
            source: SourceId(0),
            path: Path::new("/repo/web/default.conf.template"),
            text,
        },
        &mut out,
    );
    out
}

/// `path -> target [protocol timeout retries breaker]` per route.
fn routes(out: &Declarations) -> Vec<String> {
    out.routes
        .iter()
        .map(|r| {
            format!(
                "{} -> {} [{} {:?} {:?} {}]",
                r.paths.first().map_or("-", String::as_str),
                r.target,
                r.protocol.as_deref().unwrap_or("-"),
                r.timeout_ms,
                r.retries,
                r.circuit_breaker
            )
        })
        .collect()
}

#[test]
fn locations_pass_requests_to_their_targets() {
    let out = read(
        "server {\n  listen 8080;\n  proxy_read_timeout 30s;\n  location / { root /usr/share/nginx/html; }\n  location /api/cart/ {\n    proxy_pass http://${CART_HOST}:8080/;\n  }\n  location ~ ^/api/(users|login) {\n    proxy_read_timeout 1m30s;\n    proxy_next_upstream_tries 3;\n    proxy_pass http://users:80;\n  }\n  location /rpc/ { grpc_pass grpc://orders:50051; }\n  location /nginx_status { stub_status on; }\n  location /self { proxy_pass http://127.0.0.1:9000; }\n}\n",
    );
    assert_eq!(
        routes(&out),
        vec![
            "/api/cart/ -> http://${CART_HOST}:8080/ [- Some(30000.0) None false]",
            "~ ^/api/(users|login) -> http://users:80 [- Some(90000.0) Some(2) false]",
            "/rpc/ -> grpc://orders:50051 [grpc None None false]",
        ]
    );
    assert_eq!(
        out.routes[0].evidence,
        "nginx location /api/cart/ proxy_pass http://${CART_HOST}:8080/"
    );
    assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
    assert!(out.findings.is_empty());
}

#[test]
fn upstreams_are_aliases_and_their_health_checks_eject() {
    let out = read(
        "http {\n  upstream api { server api-1:8080 max_fails=3 fail_timeout=10s; server api-2:8080; server unix:/tmp/s; }\n  upstream web { server web:80; }\n  server { location / { proxy_pass http://web; } location /api { proxy_pass http://api/v1; } }\n}\n",
    );
    let aliases: Vec<(String, Vec<String>)> = out
        .aliases
        .iter()
        .map(|a| (a.name.clone(), a.targets.clone()))
        .collect();
    assert_eq!(
        aliases,
        vec![
            ("api".into(), vec!["api-1:8080".into(), "api-2:8080".into()]),
            ("web".into(), vec!["web:80".into()]),
        ]
    );
    assert_eq!(
        routes(&out),
        vec![
            "/ -> http://web [- None None false]",
            "/api -> http://api/v1 [- None None true]",
        ]
    );
}

#[test]
fn nginx_variables_are_filled_or_left_out() {
    let out = read(
        "server {\n  set $backend http://catalog:8080;\n  location /a { proxy_pass $backend; }\n  location /b { proxy_pass http://$host$request_uri; }\n  location /c { proxy_pass http://search:9200$request_uri; }\n  location /d { proxy_pass http://$SEARCH_HOST:9200; }\n}\n",
    );
    assert_eq!(
        routes(&out),
        vec![
            "/a -> http://catalog:8080 [- None None false]",
            "/c -> http://search:9200 [- None None false]",
            "/d -> http://$SEARCH_HOST:9200 [- None None false]",
        ]
    );
}

#[test]
fn stream_servers_proxy_tcp() {
    let out = read("stream { server { listen 5432; proxy_pass db:5432; } }");
    assert_eq!(routes(&out), vec!["- -> db:5432 [tcp None None false]"]);
}

#[test]
fn malformed_files_are_one_located_finding() {
    let out = read("server {\n  location /a { proxy_pass http://a:1; }\n  location /b {\n");
    assert_eq!(routes(&out), vec!["/a -> http://a:1 [- None None false]"]);
    assert_eq!(out.findings.len(), 1);
    let f = &out.findings[0];
    assert_eq!(
        f.message,
        "invalid nginx configuration: block `location` is not closed by `}`"
    );
    assert_eq!(f.span.map(|s| s.offset), Some(52));
}

#[test]
fn files_are_claimed_by_name_and_content() {
    let p = |name: &str| Path::new(name).to_path_buf();
    assert!(Nginx.claims_file(&p("nginx.conf"), "events {}\nhttp {\n}\n"));
    assert!(Nginx.claims_file(
        &p("default.conf.template"),
        "server {\n listen 80;\n}\n"
    ));
    assert!(Nginx.claims_file(&p("api.conf"), "location /api/ {\n proxy_pass http://api;\n}\n"));
    assert!(!Nginx.claims_file(&p("redis.conf"), "bind 0.0.0.0\nport 6379\n"));
    assert!(!Nginx.claims_file(&p("supervisord.conf"), "[program:web]\ncommand=run\n"));
    assert!(!Nginx.claims_file(&p("notes.md"), "server {\n}\n"));
}

#[test]
fn durations() {
    assert_eq!(duration_ms("30s"), Some(30_000.0));
    assert_eq!(duration_ms("60"), Some(60_000.0));
    assert_eq!(duration_ms("500ms"), Some(500.0));
    assert_eq!(duration_ms("1m30s"), Some(90_000.0));
    assert_eq!(duration_ms("1h"), Some(3_600_000.0));
    assert_eq!(duration_ms("soon"), None);
}
