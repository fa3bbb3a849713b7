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
        x => {
            let p = 100.0 * (1.0 - 10f64.powf(-x));
            format!("p{}", (p * 100.0).round() / 100.0)
        }
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
            .y_desc("latency (ms)")
            .y_label_formatter(&|y| format!("{y:.2}"))
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
        if let Target::P50Ms(max) = s.target {
            if max <= top && max >= bottom {
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
        chart
            .configure_series_labels()
            .border_style(BLACK.mix(0.3))
            .background_style(WHITE.mix(0.8))
            .draw()
            .map_err(|e| anyhow!("{e}"))?;
    }
    root.present().map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_spread_by_nines() {
        assert!((nines(90.0) - 1.0).abs() < 1e-9);
        assert!((nines(99.9) - 3.0).abs() < 1e-9);
        assert_eq!(nines(100.0), 5.0);
        assert_eq!(label(nines(99.0)), "p99");
        assert_eq!(label(nines(99.99)), "p99.99");
        assert_eq!(label(5.0), "max");
    }
}
