//! The fleet lock's owner value and the waiters' poll interval.

use std::time::Duration;

use chacha20poly1305::aead::OsRng;
use chacha20poly1305::aead::rand_core::RngCore as _;

use super::key::hex;

/// A random lock owner (128 bits from the OS): only its holder's scripts release the lock.
pub(crate) fn new_owner() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// Pause between two looks at the store while another process fetches: 20–40 ms, jittered so
/// waiting processes do not poll in lockstep.
pub(crate) fn poll_interval() -> Duration {
    Duration::from_millis(20 + fastrand::u64(0..=20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_random_and_intervals_bounded() {
        assert_ne!(new_owner(), new_owner());
        assert_eq!(new_owner().len(), 32);
        for _ in 0..100 {
            let d = poll_interval();
            assert!(d >= Duration::from_millis(20) && d <= Duration::from_millis(40));
        }
    }
}
