//! Migrations are embedded at compile time: rebuild when any of them changes, and record
//! a digest of their SQL so test templates are named after the exact schema.
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
    let mut files = Vec::new();
    collect(Path::new("../../migrations"), &mut files);
    files.sort();
    let mut all = Vec::new();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        all.extend_from_slice(f.to_string_lossy().as_bytes());
        all.extend(std::fs::read(f).unwrap_or_default());
    }
    // FNV-1a: enough to tell schemas apart, and no build dependency needed.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in all {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let _ = std::fs::write(
        Path::new(&out).join("migrations.digest"),
        format!("{h:016x}"),
    );
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            println!("cargo:rerun-if-changed={}", p.display());
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}
