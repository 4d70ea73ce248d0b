//! The fleet section of `cargo xtask bench`: token requests of 1, 4 and 16 real processes with
//! and without a shared Redis cache, side by side in one run; what that means per day for 50
//! replicas with one-hour tokens; the hot path's cost with a shared cache configured vs not;
//! and a chart of token requests over time. Needs `redis-server` on PATH and the
//! `nxtsoft-fleet-worker` binary built in the same profile (`cargo xtask bench` builds both).
//!
//! `fleet_bench [--quick] [--markdown BENCHMARKS.md] [--svg docs/fleet-token-requests.svg]`
#![forbid(unsafe_code)]

#[path = "../tests/fleet_support/mod.rs"]
mod fleet_support;

use std::error::Error;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fleet_support::{
    CLIENT_ID, Fleet, REFRESH_FRACTION, RedisServer, SECRET, TokenServer, windows,
};
use nxtsoft_auth::{Authenticator, Credentials, SharedCache};
use plotters::prelude::*;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

const LIFETIME: Duration = Duration::from_secs(2);
const WORKERS: usize = 4;

struct Row {
    processes: usize,
    without: u64,
    with: u64,
    errors: u64,
}

struct Options {
    quick: bool,
    markdown: Option<PathBuf>,
    svg: PathBuf,
}

fn options() -> Result<Options> {
    let mut options = Options {
        quick: false,
        markdown: None,
        svg: PathBuf::from("docs/fleet-token-requests.svg"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--markdown" => options.markdown = Some(args.next().ok_or("--markdown PATH")?.into()),
            "--svg" => options.svg = args.next().ok_or("--svg PATH")?.into(),
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    Ok(options)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let options = options()?;
    let duration = if options.quick {
        Duration::from_secs(3)
    } else {
        Duration::from_secs(8)
    };
    let windows = windows(duration, LIFETIME);
    let redis = RedisServer::start();

    println!(
        "== Fleet token economy: {WORKERS} workers per process, {} s, {} s tokens ({windows} refresh windows) ==",
        duration.as_secs(),
        LIFETIME.as_secs()
    );
    let mut rows = Vec::new();
    let mut series = (Vec::new(), Vec::new());
    for processes in [1, 4, 16] {
        let alone = TokenServer::start(LIFETIME).await;
        let without = Fleet::new(processes, WORKERS, duration).run(&alone);
        let shared = TokenServer::start(LIFETIME).await;
        let with = Fleet::new(processes, WORKERS, duration)
            .redis(&redis)
            .run(&shared);
        let row = Row {
            processes,
            without: alone.token_requests(),
            with: shared.token_requests(),
            errors: without.sum("/errors") + with.sum("/errors"),
        };
        println!(
            "{:>2} processes: {:>3} token requests without Redis, {:>3} with Redis, {} caller errors",
            row.processes, row.without, row.with, row.errors
        );
        if processes == 16 {
            series = (alone.issue_times(), shared.issue_times());
        }
        rows.push(row);
    }

    let cold = TokenServer::start(Duration::from_secs(3600)).await;
    let outcome = Fleet::new(16, WORKERS, Duration::from_millis(1500))
        .redis(&redis)
        .run(&cold);
    let cold_requests = cold.token_requests();
    println!(
        "cold start of 16 processes with Redis: {cold_requests} token request(s) \
         (shared store: {} hits, {} lock waits, {} fallbacks, {} errors)",
        outcome.sum("/shared/hits"),
        outcome.sum("/shared/lock_waits"),
        outcome.sum("/shared/fallbacks"),
        outcome.sum("/shared/errors"),
    );

    let (plain_ns, shared_ns) = hot_path(&redis, options.quick).await?;
    let ratio = plain_ns / shared_ns;
    println!(
        "hot path: {plain_ns:.1} ns per request without a shared cache, {shared_ns:.1} ns with one configured: ratio {ratio:.3} (target >= 0.99)"
    );

    if let Some(parent) = options.svg.parent() {
        std::fs::create_dir_all(parent)?;
    }
    chart(&options.svg, &series, duration)?;
    println!("wrote {}", options.svg.display());

    let section = section(
        &rows,
        windows,
        duration,
        cold_requests,
        plain_ns,
        shared_ns,
        &options.svg,
    );
    println!("\n{section}");
    if let Some(path) = &options.markdown {
        write_section(path, &section)?;
        println!("wrote the fleet section of {}", path.display());
    }
    let errors: u64 = rows.iter().map(|r| r.errors).sum();
    if errors > 0 {
        return Err(format!("{errors} caller errors during the fleet runs").into());
    }
    Ok(())
}

/// Median ns per `header_value()` with a usable cached token, for an authenticator without
/// and one with a shared cache, in interleaved rounds.
async fn hot_path(redis: &RedisServer, quick: bool) -> Result<(f64, f64)> {
    let server = TokenServer::start(Duration::from_secs(3600)).await;
    let credentials = Credentials::builder(server.token_url(), CLIENT_ID, SECRET).build()?;
    let plain = Authenticator::new(credentials.clone())?;
    let shared = Authenticator::builder(credentials)
        .shared_cache(SharedCache::new(redis.url())?)
        .build()?;
    plain.header_value().await?;
    shared.header_value().await?;
    let (rounds, calls) = if quick { (5, 50_000) } else { (31, 200_000) };
    let mut times = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [&plain, &shared]
        } else {
            [&shared, &plain]
        };
        for authenticator in order {
            let started = Instant::now();
            for _ in 0..calls {
                black_box(authenticator.header_value().await?);
            }
            let ns = started.elapsed().as_nanos() as f64 / calls as f64;
            if std::ptr::eq(authenticator, &plain) {
                times.0.push(ns);
            } else {
                times.1.push(ns);
            }
        }
    }
    Ok((median(&mut times.0), median(&mut times.1)))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Cumulative token requests over time, with and without Redis, 16 processes.
fn chart(path: &Path, series: &(Vec<Duration>, Vec<Duration>), duration: Duration) -> Result<()> {
    let steps = |times: &[Duration]| -> Vec<(f64, f64)> {
        let mut points = vec![(0.0, 0.0)];
        for (i, at) in times.iter().enumerate() {
            let x = at.as_secs_f64();
            points.push((x, i as f64));
            points.push((x, (i + 1) as f64));
        }
        points.push((duration.as_secs_f64() + 0.5, times.len() as f64));
        points
    };
    let (without, with) = (steps(&series.0), steps(&series.1));
    let top = (series.0.len().max(series.1.len()) as f64 * 1.1).max(5.0);
    let root = SVGBackend::new(path, (800, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Token requests, 16 processes, 2 s tokens",
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..duration.as_secs_f64() + 0.5, 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc("seconds")
        .y_desc("token requests (cumulative)")
        .draw()?;
    chart
        .draw_series(LineSeries::new(without, RED.stroke_width(2)))?
        .label("without Redis (each process alone)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(with, BLUE.stroke_width(2)))?
        .label("with Redis (one token per fleet)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

fn section(
    rows: &[Row],
    windows: u64,
    duration: Duration,
    cold: u64,
    plain_ns: f64,
    shared_ns: f64,
    svg: &Path,
) -> String {
    let mut s = String::from("## Fleet token economy\n\n");
    let _ = writeln!(
        s,
        "Measured by `cargo xtask bench` (`auth/examples/fleet_bench.rs`): real OS processes \
         (`nxtsoft-fleet-worker`, {WORKERS} workers each calling a loopback API every 50 ms) \
         for {} s with {} s tokens ({windows} refresh windows: the fleet refreshes at {:.0} % of a token's lifetime), against \
         a counting loopback token endpoint; with Redis = one local `redis-server`, fleet \
         cache on. Same run, side by side:\n",
        duration.as_secs(),
        LIFETIME.as_secs(),
        REFRESH_FRACTION * 100.0
    );
    s.push_str("| processes | token requests without Redis | with Redis | caller errors |\n");
    s.push_str("| ---: | ---: | ---: | ---: |\n");
    for row in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            row.processes, row.without, row.with, row.errors
        );
    }
    let per_window_with = rows.last().map_or(0.0, |r| r.with as f64 / windows as f64);
    let per_window_without = rows.last().map_or(0.0, |r| {
        r.without as f64 / windows as f64 / r.processes as f64
    });
    // A 1 h token is refreshed for the fleet 3535 s after its request (usable to 3600 − 5 s,
    // refreshed 60 s before that).
    let per_day = 86_400.0 / 3535.0;
    let _ = writeln!(
        s,
        "\nCold start of 16 processes with Redis: **{cold}** token request(s).\n\n\
         **50 replicas, 1 h tokens, per day**: each token serves 3535 s before the fleet \
         refreshes it, so {per_day:.1} refresh windows a day. Measured above at 16 processes: {per_window_without:.2} \
         token requests per process and window without Redis, {per_window_with:.2} per fleet and \
         window with it. That is about **{:.0} token requests a day without Redis** \
         (50 × {per_day:.1} × {per_window_without:.2}, plus 50 at every deploy or restart \
         wave) and **{:.0} with Redis** ({per_day:.1} × {per_window_with:.2}; a deploy costs \
         nothing while the fleet's token is valid).\n",
        50.0 * per_day * per_window_without,
        per_day * per_window_with,
    );
    let _ = writeln!(
        s,
        "**Hot path** (a request served by the in-process cache; median of interleaved rounds \
         of `header_value()`): {plain_ns:.1} ns without a shared cache, {shared_ns:.1} ns with \
         one configured: ratio **{:.3}** (target ≥ 0.99: the in-process cache serves, Redis is \
         not touched).\n",
        plain_ns / shared_ns
    );
    let _ = writeln!(
        s,
        "![Token requests over time, with and without Redis]({})",
        svg.display()
    );
    s
}

/// Replaces the `## Fleet token economy` section of `path` (up to the next `## ` heading), or
/// appends it.
fn write_section(path: &Path, section: &str) -> Result<()> {
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let heading = "## Fleet token economy";
    let new = match old.find(heading) {
        Some(start) => {
            let rest = &old[start + heading.len()..];
            let end = rest
                .find("\n## ")
                .map_or(old.len(), |i| start + heading.len() + i + 1);
            format!("{}{}\n{}", &old[..start], section, &old[end..])
        }
        None => format!(
            "{}\n{}",
            old.trim_end_matches('\n').to_owned() + "\n",
            section
        ),
    };
    std::fs::write(path, new.trim_end_matches('\n').to_owned() + "\n")?;
    Ok(())
}
