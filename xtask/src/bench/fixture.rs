//! Test figures shared by the tests of the verdicts and of the token-policy section.

use serde_json::{Value, json};

/// Token-policy figures as the bench binary writes them; `recovery_60s` and `early` vary.
pub(super) fn policy(recovery_60s: Value, early: u64) -> Value {
    let outage = |key: &str, title: &str, ms: u64, recovery: Value| {
        json!({
            "key": key, "title": title, "clock": if ms == 60_000 { "paused" } else { "real" },
            "lifetime_secs": 3600, "run_secs": (ms + 3000) as f64 / 1000.0, "workers": 8,
            "expiry_windows": 1, "outage_after_ms": 0, "outage_ms": ms, "margin_ms": 5000,
            "token_requests": 8, "refused_token_requests": 7, "refused_per_s": 1.75,
            "calls": 20_000, "p50_us": 0.3, "p99_us": 0.9, "max_us": 812_000.0,
            "over_5ms": 9, "errors": 15_000, "expired": 0, "first_fail_ms": 300.0,
            "last_fail_ms": 910.0, "waits": 9, "waits_after_first_token": 0,
            "errors_before_margin": null, "first_fail_from_expiry_ms": null,
            "recovery_ms": recovery,
        })
    };
    json!({"policy": {
        "policy": "defaults", "token_delay_ms": 20, "workers": 8, "slow_ms": 5,
        "scenarios": [
            {
                "key": "rotation", "title": "rotation, 2 s tokens", "clock": "real",
                "lifetime_secs": 2, "run_secs": 20.0, "workers": 8, "expiry_windows": 10,
                "outage_after_ms": null, "outage_ms": null, "margin_ms": 40,
                "token_requests": 11, "refused_token_requests": 0, "refused_per_s": null,
                "calls": 150_000, "p50_us": 0.3, "p99_us": 0.8, "max_us": 21_500.0,
                "over_5ms": 8, "errors": 0, "expired": 0, "first_fail_ms": null,
                "last_fail_ms": null, "waits": 8, "waits_after_first_token": 0,
                "errors_before_margin": null, "first_fail_from_expiry_ms": null,
                "recovery_ms": null,
            },
            {
                "key": "outage_with_token", "title": "4 s outage, token valid",
                "clock": "real", "lifetime_secs": 4, "run_secs": 9.5, "workers": 8,
                "expiry_windows": 3, "outage_after_ms": 3500, "outage_ms": 4000,
                "margin_ms": 80, "token_requests": 9, "refused_token_requests": 7,
                "refused_per_s": 1.75, "calls": 60_000, "p50_us": 0.3, "p99_us": 0.9,
                "max_us": 500_000.0, "over_5ms": 16, "errors": 20_000, "expired": 0,
                "first_fail_ms": 420.0, "last_fail_ms": 950.0, "waits": 16,
                "waits_after_first_token": 8, "errors_before_margin": early,
                "first_fail_from_expiry_ms": 4.2, "recovery_ms": 951.0,
            },
            outage("outage_4s", "4 s outage, no token", 4000, json!(905.0)),
            outage("outage_60s", "60 s outage, no token", 60_000, recovery_60s),
        ],
    }})
}
