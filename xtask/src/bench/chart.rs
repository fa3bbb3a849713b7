//! `latency.svg`: one panel per scenario, latency (log scale) against percentile (spread
//! by nines: p50, p90, p99, p99.9, p99.99, max), with the p50 target when there is one.

use std::path::Path;

use anyhow::{anyhow, Result};
use plotters::prelude::*;

use super::report::ScenarioResult;
use super::scenarios::Target;

/// Position of a percentile on the x axis: its number of nines; the maximum after p99.99.
pub fn nines(p: f64) -> f64 {
    if p >= 100.0 {
        5.0
    } else {
        -(1.0 - p / 100.0).log10()
    }
}

fn label(x: f64) -> String {
    match x {
        x if x >= 4.99 => "max".into(),
        // Left of p50 there is nothing.
        x if x < 0.3 => String::new(),
        x => {
            let p = 100.0 * (1.0 - 10f64.powf(-x));
            format!("p{}", (p * 100.0).round() / 100.0)
        }
    }
}

fn ms_label(ms: f64) -> String {
    match ms {
        ms if ms >= 10.0 => format!("{ms:.0}"),
        ms if ms >= 1.0 => format!("{ms:.1}"),
        ms => format!("{ms:.2}"),
    }
}

pub fn draw(path: &Path, scenarios: &[ScenarioResult]) -> Result<()> {
    if scenarios.is_empty() {
        return Ok(());
    }
    let cols = scenarios.len().min(2);
    let rows = scenarios.len().div_ceil(cols);
    let size = (560 * cols as u32, 340 * rows as u32);
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    for (area, s) in root.split_evenly((rows, cols)).iter().zip(scenarios) {
        let points: Vec<(f64, f64)> = s
            .wrk
            .latency_ms
            .iter()
            .map(|(p, ms)| (nines(*p), ms.max(0.01)))
            .collect();
        let top = points.iter().map(|p| p.1).fold(1.0, f64::max) * 1.5;
        let bottom = points.iter().map(|p| p.1).fold(top, f64::min).max(0.01) / 1.5;
        let mut chart = ChartBuilder::on(area)
            .caption(
                format!("{} {}: {:.0} req/s", s.number, s.name, s.requests_per_s),
                ("sans-serif", 16),
            )
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(48)
            .build_cartesian_2d(0.0f64..5.2, (bottom..top).log_scale())
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .configure_mesh()
            .x_labels(6)
            .x_label_formatter(&|x| label(*x))
            .y_labels(8)
            .y_desc("latency (ms)")
            .y_label_formatter(&|y| ms_label(*y))
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        let mut legend = false;
        if let Target::P50Ms(max) = s.target {
            if max <= top && max >= bottom {
                legend = true;
                chart
                    .draw_series(LineSeries::new(
                        [(0.0, max), (5.2, max)],
                        RED.mix(0.6).stroke_width(1),
                    ))
                    .map_err(|e| anyhow!("{e}"))?
                    .label(format!("p50 target {max} ms"))
                    .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], RED));
            }
        }
        chart
            .draw_series(LineSeries::new(points.clone(), BLUE.stroke_width(2)))
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 3, BLUE.filled())))
            .map_err(|e| anyhow!("{e}"))?;
        if legend {
            chart
                .configure_series_labels()
                .border_style(BLACK.mix(0.3))
                .background_style(WHITE.mix(0.8))
                .draw()
                .map_err(|e| anyhow!("{e}"))?;
        }
    }
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::scenarios::SCENARIOS;
    use super::super::wrk::WrkResult;
    use super::*;

    #[test]
    fn draws_one_panel_per_scenario() {
        let results: Vec<ScenarioResult> = SCENARIOS
            .iter()
            .take(3)
            .map(|s| {
                let wrk = WrkResult {
                    requests: 1000,
                    duration_s: 1.0,
                    latency_ms: vec![
                        (50.0, 0.8),
                        (90.0, 2.0),
                        (99.0, 7.5),
                        (99.9, 30.0),
                        (100.0, 41.0),
                    ],
                    ..WrkResult::default()
                };
                ScenarioResult::new(s, wrk, None, Some(12.0), None)
            })
            .collect();
        let path = std::env::temp_dir().join(format!("roster-latency-{}.svg", std::process::id()));
        assert!(draw(&path, &results).is_ok());
        let svg = std::fs::read_to_string(&path).unwrap_or_default();
        let _ = std::fs::remove_file(&path);
        assert!(svg.starts_with("<svg"), "{svg:.80}");
        for s in &results {
            assert!(
                svg.contains(&format!("{} {}", s.number, s.name)),
                "{}",
                s.name
            );
        }
        assert!(svg.contains("p50 target 5 ms"));
        assert_eq!(ms_label(0.25), "0.25");
        assert_eq!(ms_label(2.5), "2.5");
        assert_eq!(ms_label(120.0), "120");
    }

    #[test]
    fn percentiles_spread_by_nines() {
        assert!((nines(90.0) - 1.0).abs() < 1e-9);
        assert!((nines(99.9) - 3.0).abs() < 1e-9);
        assert_eq!(nines(100.0), 5.0);
        assert_eq!(label(nines(99.0)), "p99");
        assert_eq!(label(nines(99.99)), "p99.99");
        assert_eq!(label(5.0), "max");
        assert_eq!(label(0.0), "");
    }
}
