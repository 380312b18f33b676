//! Empty: this package exists for the C sources of its dependencies (see Cargo.toml).
