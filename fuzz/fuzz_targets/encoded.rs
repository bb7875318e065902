//! Base64-encoded secrets (k8s Secret data, docker auths, Basic headers, npm `_auth`,
//! kubeconfig key data): `source::encoded::embedded` and `decode_text` on arbitrary bytes.
#![no_main]

use tokenscope::source::encoded::{decode_text, embedded};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for e in embedded(data) {
        assert!(
            e.start <= e.end && e.end <= data.len(),
            "span out of bounds"
        );
    }
    let _ = decode_text(data);
});
