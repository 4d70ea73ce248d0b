//! The verdicts: each runtime figure judged against its target (met, missed, or missed by a
//! wide margin), the token-policy figures included.

use serde_json::Value;

use super::BenchError;

/// What "wide" means, as written into `BENCHMARKS.md`.
pub(super) const TARGETS_TEXT: &str = "A figure that misses its target is marked *missed*; the command exits non-zero only on a *wide* miss: \
throughput ratio below 0.90 (target 0.97), p99 more than +500 µs over raw at concurrency 64 (target +50 µs; at saturation p99 is queueing: the known gap of the generated code is +200 to +350 µs here, see the notes), \
any cold burst costing more than 1 token request (target exactly 1: each token is billed), more than windows + 2 \
token requests in the rotation run (target windows + 1), or a refresh p99 ratio above 1.5 (target 1.2). \
Token policy (default `RefreshPolicy`): more than windows + 2 token requests in its rotation scenario (target windows + 1), \
more calls waiting on the token endpoint after the cold start than there are workers (target 0), any expired token handed out \
or any caller error before the valid token's expiry minus the skew margin (target 0: these are correctness, not speed), \
or no token within 2 s of the end of an outage (target 1 s).";

/// How a figure fared against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The target is met.
    Met,
    /// The target is missed, within the wide margin: reported, not fatal.
    Missed,
    /// The target is missed by a wide margin: the command exits non-zero.
    WideMiss,
}

impl Outcome {
    /// The outcome as printed and written into `BENCHMARKS.md`.
    pub(super) fn label(self) -> &'static str {
        match self {
            Outcome::Met => "met",
            Outcome::Missed => "MISSED (within the wide margin)",
            Outcome::WideMiss => "WIDE MISS",
        }
    }

    /// [`Outcome::Met`] when `met`, else a wide miss when `wide`, else a miss.
    fn judge(met: bool, wide: bool) -> Outcome {
        match (met, wide) {
            (true, _) => Outcome::Met,
            (false, false) => Outcome::Missed,
            (false, true) => Outcome::WideMiss,
        }
    }
}

/// One figure judged against its target.
pub(super) struct Verdict {
    /// What the figure is.
    pub(super) name: String,
    /// The figure, formatted.
    pub(super) value: String,
    /// The target, formatted.
    pub(super) target: String,
    /// How the figure fared.
    pub(super) outcome: Outcome,
}

/// The number at the JSON `pointer` of `value`; an error when there is none.
fn number(value: &Value, pointer: &str) -> Result<f64, BenchError> {
    value
        .pointer(pointer)
        .and_then(Value::as_f64)
        .ok_or_else(|| BenchError::Figures(format!("no number at {pointer}")))
}

/// The index of the `/overhead` row for `concurrency`.
fn overhead_index(runtime: &Value, concurrency: u64) -> Result<usize, BenchError> {
    runtime
        .pointer("/overhead")
        .and_then(Value::as_array)
        .and_then(|rows| {
            rows.iter()
                .position(|row| row["concurrency"].as_u64() == Some(concurrency))
        })
        .ok_or_else(|| {
            BenchError::Figures(format!("no overhead row for concurrency {concurrency}"))
        })
}

/// Every verdict on the runtime figures: throughput, p99, token economy, then the token
/// policy. An error when a figure is missing.
pub(super) fn verdicts(runtime: &Value) -> Result<Vec<Verdict>, BenchError> {
    let mut verdicts = Vec::new();
    for concurrency in [1, 64] {
        let i = overhead_index(runtime, concurrency)?;
        let ratio = number(runtime, &format!("/overhead/{i}/rps_ratio"))?;
        verdicts.push(Verdict {
            name: format!("throughput ratio full/raw, concurrency {concurrency}"),
            value: format!("{ratio:.3}"),
            target: "≥ 0.97".into(),
            outcome: Outcome::judge(ratio >= 0.97, ratio < 0.90),
        });
    }
    let i = overhead_index(runtime, 64)?;
    let delta = number(runtime, &format!("/overhead/{i}/p99_delta_us"))?;
    verdicts.push(Verdict {
        name: "p99 full − raw, concurrency 64".into(),
        value: format!("{delta:+.1} µs"),
        target: "≤ +50 µs".into(),
        outcome: Outcome::judge(delta <= 50.0, delta > 500.0),
    });
    let burst = number(runtime, "/burst/token_requests")?;
    let calls = number(runtime, "/burst/calls")?;
    verdicts.push(Verdict {
        name: format!("token requests, cold burst of {calls:.0} calls"),
        value: format!("{burst:.0}"),
        target: "= 1".into(),
        outcome: Outcome::judge(burst == 1.0, burst != 1.0),
    });
    let tokens = number(runtime, "/rotation/token_requests")?;
    let windows = number(runtime, "/rotation/expiry_windows")?;
    verdicts.push(Verdict {
        name: format!("token requests, rotation run ({windows:.0} expiry windows)"),
        value: format!("{tokens:.0}"),
        target: format!("≤ {:.0}", windows + 1.0),
        outcome: Outcome::judge(tokens <= windows + 1.0, tokens > windows + 2.0),
    });
    let ratio = number(runtime, "/rotation/p99_ratio")?;
    verdicts.push(Verdict {
        name: "p99 during a refresh / p99 of all calls".into(),
        value: format!("{ratio:.3}"),
        target: "≤ 1.2".into(),
        outcome: Outcome::judge(ratio <= 1.2, ratio > 1.5 || ratio.is_nan()),
    });
    verdicts.extend(policy_verdicts(runtime)?);
    Ok(verdicts)
}

/// The keys of the token-policy scenarios, in their order.
const POLICY_SCENARIOS: [&str; 4] = ["rotation", "outage_with_token", "outage_4s", "outage_60s"];

/// The figures of the token-policy scenario `key`.
fn scenario<'a>(runtime: &'a Value, key: &str) -> Result<&'a Value, BenchError> {
    runtime
        .pointer("/policy/scenarios")
        .and_then(Value::as_array)
        .and_then(|rows| rows.iter().find(|row| row["key"] == key))
        .ok_or_else(|| BenchError::Figures(format!("no token-policy scenario {key}")))
}

/// Verdicts on the token-policy scenarios (default `RefreshPolicy`).
fn policy_verdicts(runtime: &Value) -> Result<Vec<Verdict>, BenchError> {
    let rotation = scenario(runtime, "rotation")?;
    let tokens = number(rotation, "/token_requests")?;
    let windows = number(rotation, "/expiry_windows")?;
    let waits = number(rotation, "/waits_after_first_token")?;
    let workers = number(rotation, "/workers")?;
    let mut verdicts = vec![
        Verdict {
            name: format!("policy: token requests, rotation ({windows:.0} expiry windows)"),
            value: format!("{tokens:.0}"),
            target: format!("≤ {:.0}", windows + 1.0),
            outcome: Outcome::judge(tokens <= windows + 1.0, tokens > windows + 2.0),
        },
        Verdict {
            name: "policy: calls waiting on the token endpoint after the cold start, rotation"
                .into(),
            value: format!("{waits:.0}"),
            target: "= 0".into(),
            outcome: Outcome::judge(waits == 0.0, waits > workers),
        },
    ];
    let mut expired = 0.0;
    for key in POLICY_SCENARIOS {
        expired += number(scenario(runtime, key)?, "/expired")?;
    }
    verdicts.push(Verdict {
        name: format!(
            "policy: expired tokens handed out, {} scenarios",
            POLICY_SCENARIOS.len()
        ),
        value: format!("{expired:.0}"),
        target: "= 0".into(),
        outcome: Outcome::judge(expired == 0.0, expired > 0.0),
    });
    let with_token = scenario(runtime, "outage_with_token")?;
    let early = number(with_token, "/errors_before_margin")?;
    let margin = number(with_token, "/margin_ms")?;
    verdicts.push(Verdict {
        name: format!(
            "policy: caller errors before expiry − {margin:.0} ms, outage while a token is valid"
        ),
        value: format!("{early:.0}"),
        target: "= 0".into(),
        outcome: Outcome::judge(early == 0.0, early > 0.0),
    });
    for key in ["outage_4s", "outage_60s"] {
        let row = scenario(runtime, key)?;
        let recovery = row["recovery_ms"].as_f64();
        verdicts.push(Verdict {
            name: format!(
                "policy: first token after the end of a {:.0} s outage ({} clock)",
                number(row, "/outage_ms")? / 1000.0,
                row["clock"].as_str().unwrap_or("?")
            ),
            value: recovery.map_or_else(|| "none".into(), |ms| format!("{ms:+.0} ms")),
            target: "≤ +1000 ms".into(),
            outcome: recovery.map_or(Outcome::WideMiss, |ms| {
                Outcome::judge(ms <= 1000.0, ms > 2000.0)
            }),
        });
    }
    Ok(verdicts)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::bench::fixture::policy;

    /// The value and outcome of each policy verdict.
    fn outcomes(runtime: &Value) -> Vec<(String, Outcome)> {
        policy_verdicts(runtime)
            .unwrap()
            .into_iter()
            .map(|v| (v.value, v.outcome))
            .collect()
    }

    #[test]
    fn policy_figures_on_target_are_met() {
        let got = outcomes(&policy(json!(930.0), 0));
        let values: Vec<&str> = got.iter().map(|(value, _)| value.as_str()).collect();
        assert_eq!(values, ["11", "0", "0", "0", "+905 ms", "+930 ms"]);
        assert!(got.iter().all(|(_, outcome)| *outcome == Outcome::Met));
    }

    #[test]
    fn policy_misses_are_judged() {
        // A slow recovery is reported; none at all, or an early error, is a wide miss.
        let got = outcomes(&policy(json!(1200.0), 0));
        assert_eq!(got[5], ("+1200 ms".into(), Outcome::Missed));
        let got = outcomes(&policy(Value::Null, 2));
        assert_eq!(got[3], ("2".into(), Outcome::WideMiss));
        assert_eq!(got[5], ("none".into(), Outcome::WideMiss));
    }

    #[test]
    fn missing_policy_figures_are_an_error() {
        let error = policy_verdicts(&json!({})).err().unwrap();
        assert!(
            error
                .to_string()
                .contains("no token-policy scenario rotation")
        );
    }
}
