//! The fuzz targets on stable: each target's body (`fuzz/src/lib.rs`, shared with the
//! cargo-fuzz binaries) runs over its seeds (`fuzz/seeds/<target>/`) and a bounded number of
//! deterministic mutations of them. Not a replacement for `cargo +nightly fuzz run` (no
//! coverage guidance), but it keeps every target compiling and every loader's promises
//! checked on every test run. `COMMAUDIT_FUZZ_EXECS` sets the executions per target.
#![allow(clippy::unwrap_used)]

#[path = "../../fuzz/src/lib.rs"]
mod targets;

use std::path::Path;

/// Executions per target when `COMMAUDIT_FUZZ_EXECS` is not set: a few seconds in all.
const DEFAULT_EXECS: usize = 300;

/// Fragments that tend to break parsers: nesting, anchors, quotes, escapes, huge and
/// non-finite numbers, control characters, climbing paths and interpolation.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ";",
    ":",
    ": ",
    "- ",
    "\n",
    "\n  ",
    "\t",
    "\r\n",
    "\"",
    "'",
    "\\",
    "&a ",
    "*a",
    "<<: *a",
    "!!binary ",
    "? ",
    "|\n",
    ">-\n",
    "---\n",
    "...\n",
    "#",
    "$",
    "${",
    "${A:-",
    "}",
    "1e308",
    "-1",
    ".nan",
    "-.inf",
    "99999999999999999999",
    "0x",
    "\u{0}",
    "\u{7f}",
    "\u{85}",
    "\u{202e}",
    "\u{feff}",
    "\u{fffe}",
    "../",
    "/etc/passwd",
    "option (",
    "{ a: ",
    "import \"",
    "rpc A(M) returns (stream M);",
    "location / {",
    "proxy_pass ",
    "=",
    "\\u0000",
    "\\ud800",
    "[[[[[[[[[[[[[[[[",
    "{{{{{{{{{{{{{{{{",
];

/// xorshift64*: deterministic, so a failure reproduces from its execution number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One to four random edits of `input`, each kept under 256 KiB.
fn mutate(rng: &mut Rng, input: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => out.insert(at, rng.next() as u8),
            2 => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at..end);
            }
            3 => {
                let end = (at + rng.below(128)).min(out.len());
                let copy = out[at..end].to_vec();
                for _ in 0..=rng.below(8) {
                    out.splice(at..at, copy.iter().copied());
                }
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let end = (from + rng.below(512)).min(other.len());
                out.splice(at..at, other[from..end].iter().copied());
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                out.splice(at..at, token.iter().copied());
            }
        }
        out.truncate(256 * 1024);
    }
    out
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

fn execs() -> usize {
    std::env::var("COMMAUDIT_FUZZ_EXECS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_EXECS)
}

/// Runs one target over its seeds and their mutations; says which input failed.
fn smoke(name: &str) {
    let (_, target) = targets::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no fuzz target `{name}`"));
    let seeds = seeds(name);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
    let total = execs();
    for exec in 0..total {
        let input = if exec < seeds.len() {
            seeds[exec].clone()
        } else {
            let base = &seeds[rng.below(seeds.len())];
            mutate(&mut rng, base, &seeds)
        };
        let outcome = std::panic::catch_unwind(|| target(&input));
        if outcome.is_err() {
            let saved = std::env::temp_dir().join(format!("commaudit-fuzz-{name}-{exec}"));
            std::fs::write(&saved, &input).unwrap();
            panic!(
                "fuzz target `{name}` failed on execution {exec}; input saved to {} (reproduce with `cargo +nightly fuzz run {name} {}`)",
                saved.display(),
                saved.display()
            );
        }
    }
    eprintln!("fuzz target `{name}`: {total} executions");
}

#[test]
fn every_target_has_a_smoke_test_and_seeds() {
    let names: Vec<&str> = targets::TARGETS.iter().map(|(n, _)| *n).collect();
    let source = include_str!("fuzz_smoke.rs");
    for name in &names {
        assert!(
            source.contains(&format!("smoke_target!({name});")),
            "fuzz target `{name}` has no smoke test here"
        );
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("fuzz/fuzz_targets/{name}.rs"))
                .is_file(),
            "fuzz target `{name}` has no cargo-fuzz binary"
        );
    }
}

macro_rules! smoke_target {
    ($name:ident) => {
        #[test]
        fn $name() {
            smoke(stringify!($name));
        }
    };
}

smoke_target!(manifest);
smoke_target!(compose);
smoke_target!(kubernetes);
smoke_target!(proto);
smoke_target!(thrift);
smoke_target!(openapi);
smoke_target!(asyncapi);
smoke_target!(spring_properties);
smoke_target!(spring_yaml);
smoke_target!(nginx);
smoke_target!(dotenv);
smoke_target!(baseline);
