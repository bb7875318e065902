//! Compiles every `detectors/*.toml` into the binary: adding a provider file needs no Rust change.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("detectors");
    println!("cargo:rerun-if-changed=detectors");
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("detectors/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("pub static DETECTOR_FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let abs = fs::canonicalize(f).unwrap();
        out.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            f.file_name().unwrap().to_string_lossy(),
            abs.display().to_string()
        ));
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("detector_files.rs"),
        out,
    )
    .unwrap();
}
