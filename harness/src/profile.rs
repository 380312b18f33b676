//! Run profiles: `quick` (CI gates and smoke runs, small inputs) and `full` (published
//! reports, both sizes, more samples). Every value is recorded in the results file.
use crate::scenarios::throughput::SamplingPlan;
use crate::workloads::Size;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ProfileName {
    Quick,
    Full,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub name: ProfileName,
    pub sizes: Vec<Size>,
    pub throughput: SamplingPlan,
    /// A cell's worker is killed after this long (hang protection).
    pub cell_timeout_s: u64,
}

impl Profile {
    pub fn get(name: ProfileName) -> Profile {
        match name {
            ProfileName::Quick => Profile {
                name,
                sizes: vec![Size::Small],
                throughput: SamplingPlan {
                    warmup_ms: 100,
                    warmup_min_calls: 3,
                    samples: 10,
                    sample_target_ms: 10,
                    max_cell_ms: 1_500,
                    min_samples: 3,
                },
                cell_timeout_s: 120,
            },
            ProfileName::Full => Profile {
                name,
                sizes: vec![Size::Small, Size::Large],
                throughput: SamplingPlan {
                    warmup_ms: 500,
                    warmup_min_calls: 5,
                    samples: 30,
                    sample_target_ms: 50,
                    max_cell_ms: 15_000,
                    min_samples: 5,
                },
                cell_timeout_s: 600,
            },
        }
    }
}
