//! The machine the benchmark ran on: CPUs, CPU model, rustc, OS and the date.

use std::process::Command;
use std::time::SystemTime;

/// The machine the figures were measured on.
pub(super) struct Machine {
    /// Available parallelism (1 when unknown).
    pub(super) cpus: usize,
    /// The CPU model from `/proc/cpuinfo`, or `unknown`.
    pub(super) cpu_model: String,
    /// `rustc --version` (`$RUSTC` when set), or `unknown`.
    pub(super) rustc: String,
    /// OS and architecture.
    pub(super) os: String,
    /// When the benchmark started, as [`utc_now`] writes it.
    pub(super) date: String,
}

impl Machine {
    /// One `key: value` line per field, for the terminal.
    pub(super) fn lines(&self) -> String {
        format!(
            "cpus: {}\ncpu: {}\nrustc: {}\nos: {}\ndate: {}",
            self.cpus, self.cpu_model, self.rustc, self.os, self.date
        )
    }
}

/// Describes this machine.
pub(super) fn machine() -> Machine {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let rustc = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map_or_else(|| "unknown".into(), |v| v.trim().to_owned());
    Machine {
        cpus,
        cpu_model,
        rustc,
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        date: utc_now(),
    }
}

/// `YYYY-MM-DD HH:MM UTC` from the system clock (days to a civil date by the usual
/// era/day-of-era arithmetic of the proleptic Gregorian calendar).
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let (hour, minute) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}
