//! The detector matcher (`Detectors::builtin().scan`): prefilter windows, every rule's regex,
//! checksum and entropy gates, companions and overlap resolution on arbitrary bytes.
#![no_main]

use tokenscope::detect::Detectors;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let det = Detectors::builtin();
    for m in det.scan(data) {
        assert!(
            m.start <= m.end && m.end <= data.len(),
            "match out of bounds"
        );
        assert!(m.rule < det.rules.len());
    }
});
