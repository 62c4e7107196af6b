//! Links libturbowish (the C shim built by the top-level Makefile into build/lib).
//! TW_LIB_DIR overrides where to look; by default it is ../../build/lib from this crate.
use std::path::PathBuf;

fn main() {
    let dir = match std::env::var_os("TW_LIB_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../build/lib"),
    };
    let lib = dir.join("libturbowish.a");
    println!("cargo:rerun-if-env-changed=TW_LIB_DIR");
    println!("cargo:rerun-if-changed={}", lib.display());
    // Static: the examples and the user's binary carry the shim, so `tw_region` is a plain
    // global of the executable that gdb and lldb find without any library path.
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=static=turbowish");
}
