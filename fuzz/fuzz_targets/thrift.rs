#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| commaudit_fuzz::thrift(data));
