//! Offline decoder (stub: to be implemented).

use super::DecodeInput;
use crate::signals::Signals;

pub fn decode(input: &DecodeInput) -> Signals {
    let _ = input;
    Signals::default()
}
