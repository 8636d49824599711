//! The setup model: the seven steps of the Sales Insight Actions admin guide,
//! what each one's status is, and the SQLite file that keeps it between runs.

mod error;
mod evidence;
mod status;
mod steps;
mod store;

pub use error::CoreError;
pub use evidence::{CheckProblem, Evidence};
pub use status::{Dashboard, PrerequisiteStatus, StatusSource, StepState, StepStatus};
pub use steps::{Attention, CheckResult, PrerequisiteId, Role, StepId};
pub use store::{Preference, SetupStore, Theme, UiLanguage};
