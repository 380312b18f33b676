//! `wasmtime-cranelift-pooling`: the serverless setup. Cranelift code, imports linked once per
//! module (`InstancePre`), instances carved from a pre-reserved pool, and linear memory
//! initialized copy-on-write from the module's image.
use crate::engine::WasmtimeEngine;
use anyhow::Result;
use measure::engine::EngineOptions;
use wasmtime as wt;

/// Pool size: the memory scenario keeps 1000 instances alive; the density scenario reports
/// the pool as the limit it reaches.
const POOL_INSTANCES: u32 = 1_000;
const MAX_MEMORY_BYTES: usize = 256 << 20;

pub fn engine(options: &EngineOptions) -> Result<WasmtimeEngine> {
    crate::engine::build(
        measure::subject_id!("wasmtime-cranelift-pooling"),
        "Wasmtime, Cranelift + InstancePre + pooling allocator + copy-on-write memory init (serverless setup)",
        options,
        true,
        |config| {
            config.strategy(wt::Strategy::Cranelift);
            config.cranelift_opt_level(wt::OptLevel::Speed);
            config.signals_based_traps(true);
            config.memory_init_cow(true);
            let mut pool = wt::PoolingAllocationConfig::default();
            pool.total_core_instances(POOL_INSTANCES)
                .total_memories(POOL_INSTANCES)
                .total_tables(POOL_INSTANCES)
                .max_memory_size(MAX_MEMORY_BYTES);
            config.allocation_strategy(wt::InstanceAllocationStrategy::Pooling(pool));
            Ok(vec![
                ("compiler", "cranelift".into()),
                ("opt_level", "speed".into()),
                ("bounds_checks", "guard pages (signals-based traps)".into()),
                (
                    "allocator",
                    format!("pooling ({POOL_INSTANCES} instances, memories up to {} MiB)", MAX_MEMORY_BYTES >> 20),
                ),
                ("memory_init", "copy-on-write".into()),
            ])
        },
    )
}
