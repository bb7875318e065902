//! `read::classify_and_decode`: binary sniffing and UTF-16 decoding of file contents.
#![no_main]

use tokenscope::source::read::{classify_and_decode, ReadError};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut buf = data.to_vec();
    match classify_and_decode(&mut buf) {
        Ok(()) => {}
        Err(ReadError::Skip(_, detail)) => assert!(!detail.is_empty()),
    }
});
