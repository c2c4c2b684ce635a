//! The `commaudit` binary: parse the command line, run the library, map the outcome to an exit
//! code (0 clean, 1 findings at or above the fail level, 2 usage or input error, 101 a bug).

/// The allocator: many small allocations per file, on every core; mimalloc measured faster
/// than the system allocator on the generated organisation (docs/scale.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    commaudit::cli::main()
}
