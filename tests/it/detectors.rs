//! Runs every detector's `examples` and `negative_examples`, and checks the rule files' shape.

use tokenscope::decode;
use tokenscope::detect::Detectors;

#[test]
fn every_rule_finds_its_examples_and_not_its_negative_examples() {
    let det = Detectors::builtin();
    let mut failures = Vec::new();
    for (i, rule) in det.rules.iter().enumerate() {
        for ex in &rule.def.examples {
            let hits = det
                .scan(ex.as_bytes())
                .into_iter()
                .filter(|m| m.rule == i)
                .count();
            if hits != 1 {
                failures.push(format!("{}: example gave {hits} matches: {ex}", rule.id()));
            }
        }
        for ex in &rule.def.negative_examples {
            if det.scan(ex.as_bytes()).iter().any(|m| m.rule == i) {
                failures.push(format!("{}: negative example matched: {ex}", rule.id()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn rules_name_existing_decoders_and_have_help_text() {
    let det = Detectors::builtin();
    for r in &det.rules {
        if let Some(d) = &r.def.decoder {
            assert!(decode::exists(d), "{}: unknown decoder {d}", r.id());
        }
        assert!(
            r.def.description.len() > 20,
            "{}: description too short",
            r.id()
        );
        assert!(
            r.def.remediation.len() > 20,
            "{}: remediation too short",
            r.id()
        );
    }
}
